/**
 * Faults end to end: a training process SIGKILLed at seeded random moments, disks that fill up or
 * refuse writes during a checkpoint or a model save, and a run that diverges. Each must leave the
 * last good checkpoint or model loadable, and say clearly what happened.
 */
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactError, type ArtifactFileSystem, load, manyToOne, save } from '@rnnkit/models';
import {
  type CheckpointFs,
  DivergenceError,
  loadCheckpoint,
  nodeFs,
  TrainingError,
  train,
} from '@rnnkit/training';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuBackend, TMP } from './fixtures.js';

beforeAll(cpuBackend);

const CHILD = new URL('./train-child.mjs', import.meta.url).pathname;
const KILLS = 20;
const TOTAL_STEPS = 100_000; // never reached: every child is killed, the last one gets a limit

/** Spawns the training child; resolves with its output when it exits (or is killed). */
function child(dir: string, steps: number, killAfterMs?: number) {
  return new Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }>(
    (resolve, reject) => {
      const p = spawn(process.execPath, [CHILD, dir, String(steps)], {
        cwd: join(CHILD, '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      const hang = setTimeout(() => p.kill('SIGKILL'), 60_000);
      p.stdout.on('data', (d: Buffer) => {
        out += d;
        // the kill clock starts at the first checkpoint: from then on, every moment is a step
        // or a checkpoint being written
        if (killAfterMs !== undefined && out.includes('checkpoint ') && !p.killed) {
          const t = killAfterMs;
          killAfterMs = undefined;
          setTimeout(() => p.kill('SIGKILL'), t);
        }
      });
      p.stderr.on('data', (d: Buffer) => (err += d));
      p.on('error', reject);
      p.on('close', (code, signal) => {
        clearTimeout(hang);
        if (code !== 0 && signal === null) reject(new Error(`child failed (${code}): ${err}`));
        resolve({ out, signal, code });
      });
    },
  );
}

const stepsIn = (out: string) => [...out.matchAll(/checkpoint (\d+)/g)].map((m) => Number(m[1]));

/**
 * One lane of kills: `kills` runs on one checkpoint folder, each resuming from what the previous
 * one left and SIGKILLed at a seeded moment, then one run to the end. Returns the log lines.
 */
async function killLane(lane: number, kills: number): Promise<string[]> {
  const dir = join(TMP, `kill-${lane}`);
  rmSync(dir, { recursive: true, force: true });
  const fs = await nodeFs();
  const rand = mulberry32(12 + lane); // seeded kill moments
  let previous = 0;
  const log: string[] = [];
  for (let i = 0; i < kills; i++) {
    const delay = Math.floor(rand() * 300); // ms after the first checkpoint of this run
    const r = await child(dir, TOTAL_STEPS, delay);
    expect(r.signal).toBe('SIGKILL');
    const loaded = await loadCheckpoint(fs, dir, 'last'); // throws if torn
    expect(loaded).not.toBeNull();
    const step = loaded!.state.steps;
    // resumed: every checkpoint of this run comes after the one the previous run left
    const written = stepsIn(r.out);
    expect(written[0]).toBe(previous + 1);
    // the checkpoint on disk is the last one announced, or the one being written at the kill
    expect(step).toBeGreaterThanOrEqual(written.at(-1)!);
    expect(step).toBeLessThanOrEqual(written.at(-1)! + 1);
    for (const w of loaded!.state.weights) expect(w.values.every(Number.isFinite)).toBe(true);
    const where = loaded!.path.endsWith('.old') ? 'last.old' : 'last';
    log.push(`lane ${lane} kill ${i + 1} at +${delay} ms: ${where} at step ${step}`);
    previous = step;
  }
  // and a run after the last kill finishes from where it was
  const end = await child(dir, previous + 3);
  expect(end.code).toBe(0);
  expect(end.out).toContain(`done ${previous + 3} resumedFrom ${previous}`);
  expect((await loadCheckpoint(fs, dir, 'last'))!.state.steps).toBe(previous + 3);
  return log;
}

describe('SIGKILL during training with a checkpoint every step', () => {
  it(`leaves a loadable last checkpoint ${KILLS} times out of ${KILLS}, and resumes from it`, async () => {
    // two lanes of 10 at once: each child spends most of its life loading tfjs, so on a busy
    // machine two at a time halve the wall time
    const logs = await Promise.all([killLane(1, KILLS / 2), killLane(2, KILLS / 2)]);
    console.log(logs.flat().join('\n'));
  });
});

/** A CheckpointFs that fails `op` with errno `code` (once `armed`). */
function failing(
  fs: CheckpointFs,
  op: keyof CheckpointFs,
  code: string,
): CheckpointFs & { armed: boolean } {
  const wrapped = { ...fs, armed: false } as CheckpointFs & { armed: boolean };
  const real = fs[op] as (...a: unknown[]) => Promise<unknown>;
  (wrapped as unknown as Record<string, unknown>)[op] = (...args: unknown[]) => {
    if (wrapped.armed) {
      return Promise.reject(Object.assign(new Error(`${code}: injected`), { code }));
    }
    return real(...args);
  };
  return wrapped;
}

function regression() {
  const { model } = manyToOne({
    cell: 'gru',
    units: 4,
    input: { type: 'features', features: 1 },
    head: { type: 'regression' },
    seed: 0,
  });
  const x = tf.randomUniform([16, 5, 1], 0, 1, 'float32', 7); // [examples, time, features]
  const y = tf.randomUniform([16, 1], 0, 1, 'float32', 8);
  return { model, x, y };
}

describe('a full or read-only disk while writing a checkpoint', () => {
  it.each([
    ['writeFile', 'ENOSPC', /no space left on device/],
    ['mkdir', 'EACCES', /permission denied/],
    ['rename', 'ENOSPC', /no space left/],
  ] as const)(
    '%s fails with %s: CHECKPOINT_WRITE, previous checkpoint intact',
    async (op, code, why) => {
      const dir = join(TMP, `ckpt-${op}-${code}`);
      const { model, x, y } = regression();
      const fs = failing(await nodeFs(), op, code);
      const options = {
        loss: 'meanSquaredError' as const,
        optimizer: { type: 'adam' as const, learningRate: 1e-2 },
        batchSize: 8,
        seed: 1,
      };
      try {
        await train(
          model,
          { x, y },
          { ...options, steps: 2, checkpoint: { dir, everySteps: 1, fs } },
        );
        const before = await loadCheckpoint(fs, dir, 'last');
        expect(before!.state.steps).toBe(2);
        fs.armed = true;
        const error = await train(
          model,
          { x, y },
          { ...options, steps: 4, checkpoint: { dir, everySteps: 1, fs } },
        ).catch((e: unknown) => e);
        fs.armed = false;
        expect(error).toBeInstanceOf(TrainingError);
        expect((error as TrainingError).code).toBe('CHECKPOINT_WRITE');
        expect((error as Error).message).toContain(code);
        expect((error as Error).message).toMatch(why);
        expect((error as Error).message).toMatch(/previous checkpoint is intact/);
        const after = await loadCheckpoint(fs, dir, 'last');
        expect(after!.state.steps).toBe(2);
        expect(after!.manifest.checksum).toBe(before!.manifest.checksum);
        // no half-written checkpoint left beside it (a failed publish keeps its complete copy)
        if (op !== 'rename') expect(readdirSync(dir)).toEqual(['last']);
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    },
  );
});

/** An ArtifactFileSystem on node:fs/promises whose writeFile / rename fails with `code`. */
async function failingArtifactFs(op: 'writeFile' | 'rename' | 'mkdir', code: string) {
  const real = (await import('node:fs/promises')) as unknown as ArtifactFileSystem;
  const fs: ArtifactFileSystem = {
    readFile: (p) => real.readFile(p),
    writeFile: (p, d) => real.writeFile(p, d),
    rename: (a, b) => real.rename(a, b),
    mkdir: (p, o) => real.mkdir(p, o),
    rm: (p, o) => real.rm(p, o),
    readdir: (p) => real.readdir(p),
  };
  (fs as unknown as Record<string, unknown>)[op] = () =>
    Promise.reject(Object.assign(new Error(`${code}: injected`), { code }));
  return fs;
}

describe('a full or read-only disk while saving a model', () => {
  it.each([
    ['writeFile', 'ENOSPC', /disk is full/],
    ['rename', 'EACCES', /no permission/],
  ] as const)('%s fails with %s: WRITE_FAILED, previous model intact', async (op, code, why) => {
    const parent = join(TMP, `save-${op}-${code}`);
    const dir = join(parent, 'model');
    const meta = { task: 'forecasting', topology: { builder: 'manyToOne', args: {} } };
    const { model, x, y } = regression();
    try {
      await save(model, dir, meta);
      const before = (await load(dir)).model;
      const wantWeights = before.getWeights().map((w) => Array.from(w.dataSync()));
      before.dispose();
      // change the weights so a half-written save would show
      model.setWeights(model.getWeights().map((w) => tf.add(w, 1)));
      const error = await save(model, dir, meta, { fs: await failingArtifactFs(op, code) }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ArtifactError);
      expect((error as ArtifactError).code).toBe('WRITE_FAILED');
      expect((error as Error).message).toContain(code);
      expect((error as Error).message).toMatch(why);
      const after = (await load(dir)).model;
      expect(after.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(wantWeights);
      after.dispose();
      expect(readdirSync(parent)).toEqual(['model']); // no temporary folder left behind
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});

describe('a diverging run (learning rate 1e6)', () => {
  it('stops with DivergenceError and keeps the last good checkpoint', async () => {
    const dir = join(TMP, 'diverge');
    const { model, x, y } = regression();
    const fs = await nodeFs();
    try {
      const error = await train(
        model,
        { x, y: tf.mul(y, 1000) },
        {
          loss: 'meanSquaredError',
          optimizer: { type: 'sgd', learningRate: 1e6 },
          batchSize: 8,
          steps: 200,
          seed: 1,
          checkpoint: { dir, everySteps: 1 },
        },
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DivergenceError);
      const d = error as DivergenceError;
      expect(d.code).toBe('DIVERGED');
      expect(d.message).toMatch(/lower the learning rate/);
      expect(Number.isFinite(d.value)).toBe(false);
      const last = await loadCheckpoint(fs, dir, 'last');
      if (d.step > 1) {
        expect(last!.state.steps).toBe(d.step - 1);
        for (const w of last!.state.weights) expect(w.values.every(Number.isFinite)).toBe(true);
      } else {
        expect(last).toBeNull(); // diverged at once: no checkpoint was ever good
      }
      // the model holds the last good weights, not the diverged update
      for (const w of model.getWeights()) expect(w.dataSync().every(Number.isFinite)).toBe(true);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
