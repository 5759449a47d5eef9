/**
 * Special tokens and the rules a vocab's specials follow, shared by the builder and the JSON
 * loader so both reject the same things.
 *
 * @example
 * ```ts
 * import { SPECIAL_TOKENS } from '@rnnkit/vocab';
 * SPECIAL_TOKENS; // ['<pad>', '<unk>', '<bos>', '<eos>']
 * ```
 */

export type SpecialToken = '<pad>' | '<unk>' | '<bos>' | '<eos>';

/** What `encode` does with a token that is not in the vocab. */
export type OovPolicy = 'unk' | 'throw';

/** Every special token, in the conventional order of their ids. */
export const SPECIAL_TOKENS: readonly SpecialToken[] = Object.freeze([
  '<pad>',
  '<unk>',
  '<bos>',
  '<eos>',
]);

/** The default specials: `<pad>` = 0 so zero-filled batches are padding, `<unk>` = 1 for OOV. */
export const DEFAULT_SPECIALS: readonly SpecialToken[] = Object.freeze(['<pad>', '<unk>']);

/** Why `specials` is not a valid list, or `undefined` when it is. */
export function specialsProblem(specials: unknown): string | undefined {
  const valid = SPECIAL_TOKENS.map((s) => `'${s}'`).join(', ');
  if (!Array.isArray(specials)) return `specials must be an array of ${valid}`;
  const seen = new Set<unknown>();
  for (const [i, s] of specials.entries()) {
    if (!SPECIAL_TOKENS.includes(s)) {
      return `specials[${i}] must be one of ${valid}, got ${JSON.stringify(s)}`;
    }
    if (seen.has(s)) return `specials lists ${s} twice: list each special once`;
    seen.add(s);
  }
  const pad = specials.indexOf('<pad>');
  if (pad > 0) {
    return `'<pad>' must come first (id 0, so zero-filled arrays mean padding), got it at index ${pad}: move it to the front`;
  }
  return undefined;
}

/** Why `oov` does not fit `specials`, or `undefined` when it does. */
export function oovProblem(oov: unknown, specials: readonly SpecialToken[]): string | undefined {
  if (oov !== 'unk' && oov !== 'throw') {
    return `oov must be 'unk' or 'throw', got ${JSON.stringify(oov)}`;
  }
  if (oov === 'unk' && !specials.includes('<unk>')) {
    return "oov: 'unk' needs an '<unk>' special: add '<unk>' to specials, or use oov: 'throw'";
  }
  return undefined;
}
