/**
 * Which part of a series `rnnkit eval` scores for a forecaster: the model keeps the first and last
 * values of its training series (`Forecaster.trained`), so a file that holds them is recognised.
 *
 * - the file holds the training series' last values and more after them: the values after them
 *   are scored (`after`), the rest is only history;
 * - the file ends with them, or holds the training series' first values: it overlaps the training
 *   range (`overlap`), and a score on it would be in-sample;
 * - neither: the file is taken as the continuation of the training series (`continues`).
 *
 * @example
 * ```ts
 * seriesPart([1, 2, 3, 4, 5, 6], { head: [1, 2], tail: [3, 4] }); // { kind: 'after', from: 4 }
 * seriesPart([1, 2, 3, 4], { head: [1, 2], tail: [3, 4] }); // { kind: 'overlap', ... }
 * ```
 */
export type SeriesPart =
  /** values[0..from) end with the training series: score values[from..]. */
  | { kind: 'after'; from: number }
  /** The file overlaps the training range: how. */
  | { kind: 'overlap'; why: string }
  /** No training values found: taken as the values that follow the training series. */
  | { kind: 'continues' };

/** Equal as saved numbers are (a CSV value and its JSON round trip), with float slack. */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

/** The index just past the last place `part` occurs in `values`, or -1. */
export function endOf(values: ArrayLike<number>, part: readonly number[]): number {
  if (part.length === 0) return -1;
  for (let end = values.length; end >= part.length; end--) {
    let k = 0;
    while (k < part.length && same(values[end - part.length + k]!, part[k]!)) k++;
    if (k === part.length) return end;
  }
  return -1;
}

export function seriesPart(
  values: ArrayLike<number>,
  trained: { head: readonly number[] | null; tail: readonly number[] },
): SeriesPart {
  const end = endOf(values, trained.tail);
  if (end === values.length) {
    return {
      kind: 'overlap',
      why: `it ends with the last ${trained.tail.length} values of the training series`,
    };
  }
  if (end > 0) return { kind: 'after', from: end };
  const head = trained.head ? endOf(values, trained.head) : -1;
  if (head > 0) {
    return {
      kind: 'overlap',
      why: `values ${head - trained.head!.length + 1}..${head} are the first ${trained.head!.length} values of the training series`,
    };
  }
  return { kind: 'continues' };
}
