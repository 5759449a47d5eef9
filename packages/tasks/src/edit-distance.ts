/**
 * Levenshtein distance between two token sequences (insertions, deletions and substitutions each
 * cost 1): the numerator of the phoneme (or character, or word) error rate.
 *
 * @example
 * ```ts
 * editDistance(['K', 'AE', 'T'], ['K', 'AA', 'T', 'S']); // 2 (one substitution, one insertion)
 * ```
 */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  // one row of the dynamic-programming table: prev[j] = distance(a[0..i), b[0..j))
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, prev[j]! + 1, row[j - 1]! + 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
