/**
 * How the CLI prints a value of a series (`predict`, `forecast`, the validation error): up to 6
 * decimals, trailing zeros dropped, no float noise (`414.19999999` -> `414.2`).
 *
 * @example
 * ```ts
 * formatValue(414.19999999); // '414.2'
 * formatValue(1e-9); // '0'
 * ```
 */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const s = String(Number(v.toFixed(6)));
  return s === '-0' ? '0' : s;
}
