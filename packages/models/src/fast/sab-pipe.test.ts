import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PipeReader, PipeWriter, pipeBuffers } from './sab-pipe.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('sab-pipe', () => {
  it('carries messages in order, floats bit for bit, odd numbers kept', () => {
    const shared = pipeBuffers(4096);
    const w = new PipeWriter(shared);
    const r = new PipeReader(shared);
    expect(r.read(0)).toBeUndefined();
    const f = new Float32Array([1.5, Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-45]);
    w.write({ seq: 3, out: { seq: f, c: null, loss: Number.NaN }, z: -0, s: 'é' });
    w.write({ seq: 4, error: 'boom' });
    const a = r.read(0) as { seq: number; out: { seq: Float32Array; c: null; loss: number } };
    expect(a.seq).toBe(3);
    expect(bits(a.out.seq)).toEqual(bits(f));
    expect(a.out.c).toBeNull();
    expect(a.out.loss).toBeNaN();
    expect(Object.is((a as unknown as { z: number }).z, -0)).toBe(true);
    expect((a as unknown as { s: string }).s).toBe('é');
    expect(r.read(0)).toEqual({ seq: 4, error: 'boom' });
    expect(r.read(0)).toBeUndefined();
  });

  it('wraps around the ring', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.float({ noNaN: true }), { maxLength: 40 }), { maxLength: 30 }),
        (arrays) => {
          const shared = pipeBuffers(256); // smaller than the stream: the counters wrap
          const w = new PipeWriter(shared);
          const r = new PipeReader(shared);
          for (const [i, xs] of arrays.entries()) {
            const sent = new Float32Array(xs);
            w.write({ i, sent });
            const got = r.read(0) as { i: number; sent: Float32Array };
            expect(got.i).toBe(i);
            expect(bits(got.sent)).toEqual(bits(sent));
          }
        },
      ),
    );
  });

  it('refuses typed arrays other than Float32Array', () => {
    const w = new PipeWriter(pipeBuffers(64));
    expect(() => w.write({ a: new Int32Array(2) })).toThrow(/only Float32Arrays/);
  });
});
