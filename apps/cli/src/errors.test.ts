import { describe, expect, it } from 'vitest';
import { inCliWords } from './errors.js';

describe('inCliWords', () => {
  it("says the packages' options as the flags that set them", () => {
    expect(inCliWords('no training window fits: lower validationShare or seqLength')).toBe(
      'no training window fits: lower --val-split or --seq-length',
    );
    expect(
      inCliWords(
        'validationShare must be a number in [0, 0.5], got 0.9: e.g. validationShare: 0.1',
      ),
    ).toBe('--val-split must be a number in [0, 0.5], got 0.9: e.g. --val-split 0.1');
    expect(inCliWords('batchSize must be >= 1; learningRate 0; clipNorm; seqLengths')).toBe(
      '--batch-size must be >= 1; --lr 0; --clip; seqLengths',
    );
  });

  it('says what to do instead of a library call', () => {
    expect(
      inCliWords(
        "missing value at row 3: expected a number, got \"\"; pass missing: 'skip-row' to drop such rows or missing: 'nan' to keep them as NaN",
      ),
    ).toBe('missing value at row 3: expected a number, got ""; fill the cell in or remove its row');
    expect(inCliWords('value 3 is NaN: fill gaps first (e.g. co2({ fillGaps: true }))')).toBe(
      'value 3 is NaN: fill the gaps of the series first',
    );
  });
});
