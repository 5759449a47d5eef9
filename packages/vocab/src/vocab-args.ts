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
  // Bucket by count, then sort only within buckets, most frequent first, and stop once maxSize
  // is reached: most of a word vocab has count 1 or 2, so a global sort would mostly compare
  // counts that are equal and then fall back to the tokens anyway.
  const buckets = new Map<number, Ranked[]>();
  for (const [t, n] of counts) {
    if (typeof n !== 'number' || !(n >= 0)) {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `count of ${JSON.stringify(t)} must be a number >= 0, got ${describeValue(n)}`,
      );
    }
    // A text may contain a special's spelling (e.g. the word '<unk>'): it maps to the special.
    if (n < minCount || specials.includes(t as SpecialToken)) continue;
    const bucket = buckets.get(n);
    if (bucket === undefined) buckets.set(n, [ranked(t)]);
    else bucket.push(ranked(t));
  }
  const out: string[] = [...specials];
  for (const n of [...buckets.keys()].sort((a, b) => b - a)) {
    if (out.length >= maxSize) break;
    const bucket = buckets.get(n)!.sort(byToken);
    for (const r of bucket) {
      if (out.length >= maxSize) break;
      out.push(r.token);
    }
  }
  return out;
}

/** A token with its first four UTF-16 units packed into two numbers, for a fast sort. */
interface Ranked {
  token: string;
  head: number; // units 0, 1 as (u0 + 1) * 65537 + (u1 + 1); 0 stands for "no unit"
  tail: number; // units 2, 3 likewise
}

function unit(token: string, i: number): number {
  return i < token.length ? token.charCodeAt(i) + 1 : 0;
}

function ranked(token: string): Ranked {
  return {
    token,
    head: unit(token, 0) * 65537 + unit(token, 1),
    tail: unit(token, 2) * 65537 + unit(token, 3),
  };
}

// UTF-16 code unit order. The packed units settle almost every comparison with numbers; a string
// comparison costs several times more.
function byToken(a: Ranked, b: Ranked): number {
  return a.head - b.head || a.tail - b.tail || (a.token < b.token ? -1 : a.token > b.token ? 1 : 0);
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
