import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CELL_LAYOUTS, gatePermutation, onnxBias, permuteGateColumns } from './layouts.js';

describe('CELL_LAYOUTS', () => {
  it('names the same gates in every order, as many as the cell has', () => {
    for (const layout of Object.values(CELL_LAYOUTS)) {
      expect(layout.keras).toHaveLength(layout.gates);
      expect([...layout.torch].sort()).toEqual([...layout.keras].sort());
      expect([...layout.onnx.gates].sort()).toEqual([...layout.keras].sort());
    }
  });

  it('gives the published orders (Keras LSTM ifco, PyTorch ifgo, ONNX iofc; GRU zrh / rzn / zrh)', () => {
    expect(gatePermutation(CELL_LAYOUTS.lstm.keras, CELL_LAYOUTS.lstm.onnx.gates)).toEqual([
      0, 3, 1, 2,
    ]);
    expect(gatePermutation(CELL_LAYOUTS.gru.keras, CELL_LAYOUTS.gru.torch)).toEqual([1, 0, 2]);
    expect(gatePermutation(CELL_LAYOUTS.lstm.keras, CELL_LAYOUTS.lstm.torch)).toEqual([0, 1, 2, 3]);
  });
});

describe('permuteGateColumns', () => {
  it('moves whole blocks: [i f c o] -> [i o f c]', () => {
    // 1 row, units 2: block values name their gate
    const v = Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]);
    const out = permuteGateColumns(v, 1, 2, ['i', 'f', 'c', 'o'], ['i', 'o', 'f', 'c']);
    expect([...out]).toEqual([1, 1, 4, 4, 2, 2, 3, 3]);
  });

  it('round-trips any matrix between any two orders of the same gates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        fc.shuffledSubarray(['i', 'f', 'c', 'o'] as const, { minLength: 4, maxLength: 4 }),
        (rows, units, order) => {
          const keras = CELL_LAYOUTS.lstm.keras;
          const v = Float32Array.from({ length: rows * 4 * units }, (_, i) => i);
          const there = permuteGateColumns(v, rows, units, keras, order);
          expect([...permuteGateColumns(there, rows, units, order, keras)]).toEqual([...v]);
        },
      ),
    );
  });

  it('refuses a size that does not match', () => {
    expect(() =>
      permuteGateColumns(new Float32Array(5), 1, 2, ['z', 'r', 'h'], ['r', 'z', 'h']),
    ).toThrow(/expected 1 x 6 values, got 5/);
  });
});

describe('onnxBias', () => {
  it('puts the bias in Wb (ONNX gate order) and zeros in Rb', () => {
    // lstm, units 1: Keras [i f c o] -> ONNX [i o f c], then Rb = 0
    expect([...onnxBias('lstm', Float32Array.of(1, 2, 3, 4), 1)]).toEqual([1, 4, 2, 3, 0, 0, 0, 0]);
  });

  it("maps a reset-after GRU's [2, 3*units]: row 0 to Wb, row 1 to Rb", () => {
    const b = Float32Array.of(1, 2, 3, 4, 5, 6); // units 1: input z r h, recurrent z r h
    expect([...onnxBias('gru', b, 1)]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a bias of the wrong size', () => {
    expect(() => onnxBias('rnn', new Float32Array(4), 2)).toThrow(/expected a rnn bias of 2/);
  });
});
