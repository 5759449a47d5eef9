/**
 * The cell explorer's numbers (demos/cell-trace.ts, plain arrays) against `@rnnkit/models`' own
 * recurrence (its reference kernel, the ground truth of its fast kernel) in Node: the same h
 * (and c) after one step and after every step of a sequence, for SimpleRNN, LSTM and GRU
 * (reset-after, with its two bias rows), on random weights.
 */
import '@tensorflow/tfjs-backend-cpu';
import { referenceRecurrence } from '@rnnkit/models';
import { mulberry32 } from '@rnnkit/windowing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELL_GATES, type CellWeights, type TraceCell, traceCell } from '../demos/cell-trace.js';

const K = { rnn: 1, lstm: 4, gru: 3 } as const;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function weights(cell: TraceCell, features: number, units: number, seed: number): CellWeights {
  const rand = mulberry32(seed);
  const m = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => 2 * rand() - 1));
  const k = K[cell] * units;
  return {
    kernel: m(features, k),
    recurrentKernel: m(units, k),
    bias: cell === 'gru' ? m(2, k) : m(1, k)[0]!,
  };
}

describe('the cell explorer’s step', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    it(`${cell}: h (and c) equal @rnnkit/models' recurrence at every step`, () => {
      const [features, units, time] = [3, 5, 4];
      const w = weights(cell, features, units, 7);
      const rand = mulberry32(11);
      const xs = Array.from({ length: time }, () =>
        Array.from({ length: features }, () => 2 * rand() - 1),
      );
      const trace = traceCell(cell, w, xs);
      expect(Object.keys(trace.gates)).toEqual([...CELL_GATES[cell]]);
      const out = tf.tidy(() => {
        const r = referenceRecurrence({
          cell,
          x: tf.tensor3d([xs]),
          kernel: tf.tensor2d(w.kernel),
          recurrentKernel: tf.tensor2d(w.recurrentKernel),
          bias:
            cell === 'gru' ? tf.tensor2d(w.bias as number[][]) : tf.tensor1d(w.bias as number[]),
          h0: tf.zeros([1, units]),
        });
        return { sequence: r.sequence.arraySync()[0]!, c: r.c?.arraySync()[0] };
      });
      // one step, then every step
      for (let t = 0; t < time; t++) {
        for (let j = 0; j < units; j++)
          expect(trace.gates.h![t]![j]).toBeCloseTo(out.sequence[t]![j]!, 5);
      }
      if (cell === 'lstm') {
        for (let j = 0; j < units; j++)
          expect(trace.gates.c![time - 1]![j]).toBeCloseTo(out.c![j]!, 5);
        // gates are sigmoids in (0, 1), the candidate a tanh in (-1, 1)
        for (const g of ['i', 'f', 'o'])
          for (const v of trace.gates[g]!.flat()) expect(v > 0 && v < 1).toBe(true);
      }
    });
  }
});
