/**
 * `@rnnkit/native` as npm users get it: packed with `pnpm pack` (its prepack script builds the
 * prebuild, `prebuilds/linux-x64/rnnkit_native.napi.node`, into the tarball), installed from the
 * tarball with plain `npm install` in a fresh project (its install script finds the prebuild and
 * builds nothing), loaded, and run: one LSTM step checked against the cell's equations in JS. Then
 * through `@rnnkit/models` from its tarball (the full project of the setup): with the addon the
 * kernel runs native; with the binary missing, models says so in one line on stderr, once, and
 * computes the same numbers on its own kernel.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { plainEnv } from './npm-project.mjs';
import { pnpm, ROOT, run } from './workspace.js';

const { tmp, fullProject } = inject('packaging');
const NATIVE_DIR = join(ROOT, 'packages', 'native');
const PREBUILD = `prebuilds/${process.platform}-${process.arch}/rnnkit_native.napi.node`;
/** Whether this machine builds C++ (CI does: scripts/ensure-toolchain.mjs); without, no prebuild. */
const compiler = spawnSync('g++', ['--version']).status === 0;

let tarball = '';
const project = join(tmp, 'native');

beforeAll(() => {
  const [cmd, args] = pnpm(['pack', '--json', '--pack-destination', join(tmp, 'native-tarball')]);
  tarball = JSON.parse(run(cmd, args, { cwd: NATIVE_DIR }).stdout).filename;
  mkdirSync(project, { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: { '@rnnkit/native': `file:${tarball}` },
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
    env: plainEnv(),
  });
});

describe('@rnnkit/native from its tarball', () => {
  it('carries the prebuild and the sources to build from, not the build folder', () => {
    const files = run('tar', ['-tzf', tarball]).stdout.split('\n');
    expect(files.includes(`package/${PREBUILD}`)).toBe(compiler);
    for (const f of [
      'binding.gyp',
      'scripts/build.mjs',
      'csrc/gemm.cc',
      'csrc/rows.inc',
      'dist/index.cjs',
    ])
      expect(files).toContain(`package/${f}`);
    expect(files.filter((f) => f.startsWith('package/build/'))).toEqual([]);
  });

  it('installs with plain npm, loads its prebuild and runs an LSTM step (without a compiler: says why it cannot load)', () => {
    if (!compiler) {
      const reason = "console.log(require('@rnnkit/native').loadNative().reason)";
      const out = run(process.execPath, ['-e', reason], { cwd: project }).stdout;
      expect(out).toMatch(/no binary for .* it needs a C\+\+ compiler/);
      return;
    }
    const script = `
      const { loadNative } = require('@rnnkit/native');
      const got = loadNative();
      const u = 2, g = 4 * u;
      // one step of batch 1: x projection xp = [i f c o] pre-activations, h0 = c0 = 0.5
      const xp = Float32Array.from({ length: g }, (_, j) => 0.1 * j - 0.3);
      const rec = Float32Array.from({ length: u * g }, (_, j) => 0.05 * ((j % 5) - 2));
      const hs = new Float32Array(2 * u).fill(0.5), cs = new Float32Array(2 * u).fill(0.5);
      const spec = Int32Array.from([1, 0, 3, 1, 1, u, 0]); // lstm, tanh, sigmoid, batch 1, time 1
      const z = Array.from(xp, (v, j) => v + 0.5 * (rec[j] + rec[g + j]));
      got.addon.forward(spec, xp, rec, null, hs, cs, null);
      const sig = (v) => 1 / (1 + Math.exp(-v));
      const want = [0, 1].map((j) => {
        const c = sig(z[u + j]) * 0.5 + sig(z[j]) * Math.tanh(z[2 * u + j]);
        return sig(z[3 * u + j]) * Math.tanh(c);
      });
      console.log(JSON.stringify({ file: got.file, info: got.addon.info(), h: Array.from(hs.subarray(u)), want }));
    `;
    const out = JSON.parse(run(process.execPath, ['-e', script], { cwd: project }).stdout);
    expect(out.file).toContain(PREBUILD.split('/').join(sep));
    expect(['avx512', 'avx2', 'generic']).toContain(out.info.isa);
    expect(out.h[0]).toBeCloseTo(out.want[0], 6);
    expect(out.h[1]).toBeCloseTo(out.want[1], 6);
  });
});

describe('@rnnkit/models with @rnnkit/native, and without its binary', () => {
  // the installed package as @rnnkit/models finds it (NODE_PATH: the full project stays as it is)
  const withBinary = join(tmp, 'native-ok', 'node_modules');
  const noBinary = join(tmp, 'native-missing', 'node_modules');
  const script = join(fullProject, 'native-check.mjs');

  beforeAll(() => {
    for (const dir of [withBinary, noBinary]) {
      rmSync(dir, { recursive: true, force: true });
      cpSync(join(project, 'node_modules'), dir, { recursive: true });
    }
    rmSync(join(noBinary, '@rnnkit', 'native', 'prebuilds'), { recursive: true, force: true });
    rmSync(join(noBinary, '@rnnkit', 'native', 'build'), { recursive: true, force: true });
    writeFileSync(
      script,
      `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { recurrenceEngine } from '@rnnkit/models';
import { fastRecurrence } from '@rnnkit/models/kernels';
await tf.setBackend('cpu');
const v = (n, s) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + s) * 0.5);
const run = () => fastRecurrence({ cell: 'lstm', x: tf.tensor3d(v(24, 1), [2, 3, 4]),
  kernel: tf.tensor2d(v(80, 2), [4, 20]), recurrentKernel: tf.tensor2d(v(100, 3), [5, 20]),
  bias: tf.tensor1d(v(20, 4)), h0: tf.zeros([2, 5]) }).sequence.dataSync();
const a = run();
run(); // a second run: the fallback line is said once
console.log(JSON.stringify({ engine: recurrenceEngine().engine, seq: Array.from(a) }));
`,
    );
  });

  const runWith = (nodePath: string) => {
    const r = run(process.execPath, [script], {
      cwd: fullProject,
      env: { ...plainEnv(), NODE_PATH: nodePath },
    });
    return { ...JSON.parse(r.stdout), stderr: r.stderr };
  };

  it('runs the kernel natively where the addon loads, and on its own kernel with the same numbers where it does not', () => {
    expect(existsSync(join(noBinary, '@rnnkit', 'native', 'dist', 'index.cjs'))).toBe(true);
    const fallback = runWith(noBinary);
    // without a compiler there is no binary to compare with: the reference kernel's numbers
    const native = compiler ? runWith(withBinary) : runWith('');
    expect(native.engine).toBe(compiler ? 'native' : 'wasm');
    expect(native.stderr).not.toMatch(/native engine is not used/);
    expect(fallback.engine).toBe('wasm');
    const lines = fallback.stderr
      .split('\n')
      .filter((l: string) => l.includes('native engine is not used'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^rnnkit: the native engine is not used \\(no binary for ${process.platform}-${process.arch}`,
      ),
    );
    expect(native.seq).toHaveLength(30);
    for (let i = 0; i < 30; i++)
      expect(Math.abs(native.seq[i] - fallback.seq[i])).toBeLessThan(1e-5);
  });
});
