import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fnv1a, loadCheckpoint, nodeFs, saveCheckpoint } from './checkpoint.js';
import { TrainingError } from './errors.js';
import { memoryFs } from './test-helpers.js';
import type { TrainerState } from './trainer.js';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

function state(step: number): TrainerState {
  return {
    steps: step,
    weights: [
      { name: 'k', shape: [2, 2], dtype: 'float32', values: Float32Array.of(step, 0.1, -3, 1e-30) },
      { name: 'b', shape: [2], dtype: 'float32', values: Float32Array.of(1, 2) },
    ],
    optimizerWeights: [
      { name: 'k/m', shape: [2, 2], dtype: 'float32', values: Float32Array.of(1, 2, 3, 4) },
    ],
    optimizerIterations: step,
    optimizerExtras: { accBeta1: Math.fround(0.9 ** (step + 1)) },
    optimizerType: 'adam',
    learningRate: 0.002,
    schedule: {},
  };
}
const loop = { epoch: 1, batchInEpoch: 3, note: 'x' };

async function stepOf(fs: ReturnType<typeof memoryFs>): Promise<number | undefined> {
  return (await loadCheckpoint(fs, 'ck', 'last'))?.state.steps;
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips weights, optimizer slots, extras and loop state bit for bit', async () => {
    const fs = memoryFs();
    await saveCheckpoint(fs, 'ck', 'last', state(7), loop);
    expect([...fs.files.keys()].sort()).toEqual(['ck/last/manifest.json', 'ck/last/weights.bin']);
    const got = await loadCheckpoint(fs, 'ck', 'last');
    expect(got!.state).toEqual(state(7));
    expect(got!.loop).toEqual(loop);
    expect(got!.path).toBe('ck/last');
    expect(got!.manifest.checksum).toBe(fnv1a(fs.files.get('ck/last/weights.bin')!));
  });

  it('returns null when there is no checkpoint', async () => {
    expect(await loadCheckpoint(memoryFs(), 'ck', 'last')).toBeNull();
  });

  it('replaces an older checkpoint and leaves no temporary folders', async () => {
    const fs = memoryFs();
    await saveCheckpoint(fs, 'ck', 'last', state(1), loop);
    await saveCheckpoint(fs, 'ck', 'last', state(2), loop);
    expect(await stepOf(fs)).toBe(2);
    expect([...fs.files.keys()].every((k) => k.startsWith('ck/last/'))).toBe(true);
  });

  it.each(['ENOSPC', 'EACCES'])(
    '%s while writing: CHECKPOINT_WRITE saying why, previous checkpoint intact',
    async (code) => {
      const fs = memoryFs();
      await saveCheckpoint(fs, 'ck', 'last', state(1), loop);
      fs.fault = (op, path) =>
        op === 'writeFile' && path.endsWith('weights.bin') ? code : undefined;
      const err = await saveCheckpoint(fs, 'ck', 'last', state(2), loop).catch((e) => e);
      expect(err).toBeInstanceOf(TrainingError);
      expect(err.code).toBe('CHECKPOINT_WRITE');
      expect(err.message).toContain(code);
      expect(err.message).toMatch(/at step 2.*previous checkpoint is intact/);
      fs.fault = undefined;
      expect(await stepOf(fs)).toBe(1);
      expect([...fs.files.keys()].some((k) => k.includes('.tmp'))).toBe(false); // cleaned up
    },
  );

  it('EACCES on the folder itself', async () => {
    const fs = memoryFs();
    fs.fault = (op) => (op === 'mkdir' ? 'EACCES' : undefined);
    await expect(saveCheckpoint(fs, 'ck', 'last', state(1), loop)).rejects.toThrow(
      /EACCES \(permission denied: make the folder writable/,
    );
  });

  it('a crash mid-write (torn file) leaves the previous checkpoint loadable', async () => {
    const fs = memoryFs();
    await saveCheckpoint(fs, 'ck', 'last', state(1), loop);
    fs.fault = (op, path) =>
      op === 'writeFile' && path.endsWith('weights.bin') ? 'torn' : undefined;
    fs.rm = async () => {}; // the process died: nothing cleans up
    await expect(saveCheckpoint(fs, 'ck', 'last', state(2), loop)).rejects.toThrow(TrainingError);
    expect(fs.files.has('ck/last.tmp/weights.bin')).toBe(true); // the torn file is there
    fs.fault = undefined;
    expect(await stepOf(fs)).toBe(1);
  });

  it('a crash between the two renames: load falls back to <name>.old; the next save recovers', async () => {
    const fs = memoryFs();
    await saveCheckpoint(fs, 'ck', 'last', state(1), loop);
    fs.fault = (op, path) => (op === 'rename' && path === 'ck/last.tmp' ? 'EIO' : undefined);
    await expect(saveCheckpoint(fs, 'ck', 'last', state(2), loop)).rejects.toThrow(/publish/);
    expect(fs.files.has('ck/last/manifest.json')).toBe(false);
    fs.fault = undefined;
    const got = await loadCheckpoint(fs, 'ck', 'last');
    expect(got!.path).toBe('ck/last.old');
    expect(got!.state.steps).toBe(1);
    await saveCheckpoint(fs, 'ck', 'last', state(3), loop);
    expect(await stepOf(fs)).toBe(3);
    expect([...fs.files.keys()].some((k) => k.includes('.old') || k.includes('.tmp'))).toBe(false);
  });

  it('a corrupt or truncated weights.bin is CHECKPOINT_READ, never silently loaded', async () => {
    const fs = memoryFs();
    await saveCheckpoint(fs, 'ck', 'last', state(1), loop);
    const bin = fs.files.get('ck/last/weights.bin')!;
    bin[3] = bin[3]! ^ 1;
    await expect(loadCheckpoint(fs, 'ck', 'last')).rejects.toThrow(
      /CHECKPOINT|truncated or corrupt/,
    );
    fs.files.set('ck/last/weights.bin', bin.slice(0, 8));
    const err = await loadCheckpoint(fs, 'ck', 'last').catch((e) => e);
    expect(err.code).toBe('CHECKPOINT_READ');
    fs.files.set('ck/last/manifest.json', new TextEncoder().encode('{"format":"other"}'));
    await expect(loadCheckpoint(fs, 'ck', 'last')).rejects.toThrow(
      /expected rnnkit-training-checkpoint/,
    );
  });
});

describe('nodeFs', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  it('writes and reads a checkpoint on disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rnnkit-ck-'));
    const fs = await nodeFs();
    await saveCheckpoint(fs, dir, 'last', state(4), loop);
    await saveCheckpoint(fs, dir, 'last', state(5), loop);
    expect((await readdir(dir)).sort()).toEqual(['last']);
    expect((await readdir(join(dir, 'last'))).sort()).toEqual(['manifest.json', 'weights.bin']);
    expect((await loadCheckpoint(fs, dir, 'last'))!.state).toEqual(state(5));
  });
});
