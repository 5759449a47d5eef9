import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  freeBuffers,
  giveBuffer,
  type Reusable,
  recycleRetired,
  retire,
  takeBuffer,
} from './buffers.js';
import { RecurrenceCore } from './fast-core.js';
import { tfProducts } from './fast-wasm.js';

const N = 1 << 12; // the smallest length the pool keeps

describe('kernel buffer reuse', () => {
  it('hands a given-back array to the next take of that length, zeroed when asked', () => {
    const a = takeBuffer(N, false);
    a.fill(3);
    const before = freeBuffers(N);
    giveBuffer(a);
    expect(freeBuffers(N)).toBe(before + 1);
    giveBuffer(a); // twice: kept once
    expect(freeBuffers(N)).toBe(before + 1);
    const b = takeBuffer(N, true);
    expect(b).toBe(a);
    expect(b.every((v) => v === 0)).toBe(true);
  });

  it('leaves small arrays and views to the allocator', () => {
    const small = new Float32Array(16);
    giveBuffer(small);
    expect(freeBuffers(16)).toBe(0);
    const big = new Float32Array(2 * N);
    giveBuffer(big.subarray(N));
    expect(freeBuffers(N)).toBe(0);
  });

  it('releases retired runs only when the next run starts', () => {
    const released: string[] = [];
    const run = (name: string): Reusable => ({ release: () => released.push(name) });
    const a = run('a');
    retire(a);
    retire(a);
    expect(released).toEqual([]);
    recycleRetired();
    expect(released).toEqual(['a']);
    recycleRetired();
    expect(released).toEqual(['a']);
  });
});

describe('RecurrenceCore and buffer reuse', () => {
  const spec = {
    cell: 'lstm' as const,
    batch: 2,
    time: 3,
    features: 2,
    units: 3,
    resetAfter: false,
    reverse: false,
    act: 'tanh' as const,
    recAct: 'sigmoid' as const,
  };
  const data = () => ({
    x: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)),
    kernel: Float32Array.from({ length: 24 }, (_, i) => Math.cos(i) / 3),
    recurrent: Float32Array.from({ length: 36 }, (_, i) => Math.sin(i + 1) / 4),
    bias: null,
    h0: new Float32Array(6),
    c0: null,
    mask: null,
  });

  it('a run whose backward is done refuses reads once the next run has started', () => {
    const first = new RecurrenceCore(spec, data(), tfProducts);
    first.forward();
    first.backward(new Float32Array(18).fill(1), null, null);
    const dR = first.gradRecurrent().slice(); // read right after backward: fine
    const second = new RecurrenceCore(spec, data(), tfProducts); // recycles the first
    expect(() => first.gradKernel()).toThrow(/after release/);
    // The new run computes the same numbers on reused buffers.
    second.forward();
    second.backward(new Float32Array(18).fill(1), null, null);
    expect(Array.from(second.gradRecurrent())).toEqual(Array.from(dR));
  });

  it('runs backward once per forward', () => {
    const core = new RecurrenceCore(spec, data(), tfProducts);
    expect(() => core.backward(null, null, null)).toThrow(/forward pass first/);
    core.forward();
    core.backward(null, null, null);
    expect(() => core.backward(null, null, null)).toThrow(/once per forward/);
  });
});
