/**
 * What a vocab is built with (`VocabArgs`), checked before any text is read, and the order of
 * its tokens: specials first, then by descending count, ties by UTF-16 code unit order of the
 * token (not locale order, which varies by machine).
 *
 * @example
 * ```ts
 * orderTokens([['b', 1], ['c', 2], ['a', 1]], resolveVocabArgs({ tokenizer: charTokenizer() }));
 * // ['<pad>', '<unk>', 'c', 'a', 'b']
 * ```
 */
import { describeValue, VocabError } from './errors.js';
import type { OovPolicy, SpecialToken } from './specials.js';
import { DEFAULT_SPECIALS, oovProblem, specialsProblem } from './specials.js';
import type { Tokenizer } from './tokenizer.js';

export interface VocabArgs {
  /** Splits texts into tokens; stored with the vocab and used by `encode`/`decode`. */
  tokenizer: Tokenizer;
  /** Specials, given the first ids in this order (`<pad>` first). Default `['<pad>', '<unk>']`. */
  specials?: readonly SpecialToken[];
  /** Drop tokens seen fewer than this many times. Default 1 (keep every token). */
  minCount?: number;
  /** At most this many ids, specials included (as Keras's `max_tokens`). Default unlimited. */
  maxSize?: number;
  /**
   * Unknown tokens in `encode`: `'unk'` maps them to `<unk>`, `'throw'` throws
   * `UnknownTokenError`. Default `'unk'` when `<unk>` is a special, else `'throw'`.
   */
  oov?: OovPolicy;
}

/** `VocabArgs` with every default filled in. */
export interface ResolvedVocabArgs {
  specials: readonly SpecialToken[];
  minCount: number;
  maxSize: number;
  oov: OovPolicy;
}

/** The tokens of a vocab, by id, from token counts. */
export function orderTokens(
  counts: Iterable<readonly [string, number]>,
  { specials, minCount, maxSize }: ResolvedVocabArgs,
): string[] {
  const kept: Ranked[] = [];
  for (const [t, n] of counts) {
    if (typeof n !== 'number' || !(n >= 0)) {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `count of ${JSON.stringify(t)} must be a number >= 0, got ${describeValue(n)}`,
      );
    }
    // A text may contain a special's spelling (e.g. the word '<unk>'): it maps to the special.
    if (n >= minCount && !specials.includes(t as SpecialToken)) kept.push(ranked(t, n));
  }
  kept.sort(byCountThenToken);
  const room = Math.max(0, maxSize - specials.length);
  return [...specials, ...kept.slice(0, room).map((r) => r.token)];
}

/** A token with its count and its first four UTF-16 units as two numbers, for a fast sort. */
interface Ranked {
  token: string;
  count: number;
  head: number; // units 0, 1 as (u0 + 1) * 65537 + (u1 + 1); 0 stands for "no unit"
  tail: number; // units 2, 3 likewise
}

function ranked(token: string, count: number): Ranked {
  const u = (i: number) => (i < token.length ? token.charCodeAt(i) + 1 : 0);
  return { token, count, head: u(0) * 65537 + u(1), tail: u(2) * 65537 + u(3) };
}

// Descending count, then ascending UTF-16 code unit order of the token. The packed heads settle
// almost every tie with number comparisons; a string comparison costs several times more.
function byCountThenToken(a: Ranked, b: Ranked): number {
  return (
    b.count - a.count ||
    a.head - b.head ||
    a.tail - b.tail ||
    (a.token < b.token ? -1 : a.token > b.token ? 1 : 0)
  );
}

/** Validates `VocabArgs` before any text is read, and fills in defaults. */
export function resolveVocabArgs(args: VocabArgs): ResolvedVocabArgs {
  const fail = (message: string): never => {
    throw new VocabError('INVALID_ARGUMENT', message);
  };
  const t = args?.tokenizer;
  if (typeof t?.tokenize !== 'function' || typeof t.detokenize !== 'function') {
    fail('tokenizer must be a Tokenizer (e.g. charTokenizer()), got ' + describeValue(t));
  }
  const specials = args.specials ?? DEFAULT_SPECIALS;
  const sp = specialsProblem(specials);
  if (sp !== undefined) fail(sp);
  const minCount = args.minCount ?? 1;
  if (typeof minCount !== 'number' || !(minCount >= 0)) {
    fail(`minCount must be a number >= 0, got ${describeValue(minCount)}`);
  }
  const maxSize = args.maxSize ?? Number.POSITIVE_INFINITY;
  if (
    typeof maxSize !== 'number' ||
    !(maxSize >= specials.length) ||
    !(Number.isInteger(maxSize) || maxSize === Number.POSITIVE_INFINITY)
  ) {
    fail(
      `maxSize must be an integer >= the number of specials (${specials.length}, they count toward it), got ${describeValue(maxSize)}`,
    );
  }
  const oov = args.oov ?? (specials.includes('<unk>') ? 'unk' : 'throw');
  const op = oovProblem(oov, specials);
  if (op !== undefined) fail(op);
  return { specials, minCount, maxSize, oov };
}
