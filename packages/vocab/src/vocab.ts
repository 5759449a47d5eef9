/**
 * `Vocab`: a bijection between tokens and integer ids, built from a corpus (counted whole or
 * streamed), with specials, a minimum count, a maximum size and an OOV policy.
 *
 * Order (deterministic): specials first (`<pad>` = 0 when present), then tokens by descending
 * count, ties by UTF-16 code unit order of the token (not locale order, which varies by machine).
 *
 * @example
 * ```ts
 * import { Vocab, charTokenizer } from '@rnnkit/vocab';
 * const vocab = Vocab.fromTexts(['hihello'], { tokenizer: charTokenizer(), specials: [] });
 * vocab.tokens; // ['h', 'l', 'e', 'i', 'o']  (h and l twice; then e, i, o by code unit)
 * vocab.encode('hello'); // Int32Array [0, 2, 1, 1, 4]
 * vocab.decode(vocab.encode('hello')); // 'hello'
 * ```
 */
import { codePointTokenizers, isHighSurrogate, isLowSurrogate } from './char-tokenizer.js';
import { describeValue, UnknownTokenError, VocabError } from './errors.js';
import type { OovPolicy, SpecialToken } from './specials.js';
import { DEFAULT_SPECIALS, oovProblem, specialsProblem } from './specials.js';
import { TokenCounter } from './token-counter.js';
import { TokenTable } from './token-table.js';
import type { Tokenizer } from './tokenizer.js';
import type { VocabJSON } from './vocab-json.js';
import { readVocabJSON, VOCAB_FORMAT_VERSION } from './vocab-json.js';
import { scanWordsInto } from './word-scan.js';
import { wordFastPaths } from './word-tokenizer.js';

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

export interface EncodeOptions {
  /** Prepend `<bos>` (needs the special). Default false. */
  addBos?: boolean;
  /** Append `<eos>` (needs the special). Default false. */
  addEos?: boolean;
  /**
   * Pad with `<pad>` or truncate to exactly this many ids, `<bos>`/`<eos>` included (they are
   * kept; the text's tokens are truncated). Default: no padding or truncation.
   */
  length?: number;
  /** Where padding goes. Default `'post'` (after the text). */
  padding?: 'pre' | 'post';
  /** Which end of the text is cut when it is too long. Default `'post'` (keep the start). */
  truncating?: 'pre' | 'post';
}

export interface DecodeOptions {
  /** Leave out special tokens (`<pad>`, `<bos>`, ...). Default false (they appear as text). */
  skipSpecials?: boolean;
  /** Stop at the first `<eos>` (needs the special). Default false. */
  stopAtEos?: boolean;
}

/** Encoded texts as one row-major matrix. */
export interface EncodedBatch {
  /** `[n, length]` row-major ids, padded with `<pad>`. */
  ids: Int32Array;
  /** `[n, length]`. */
  shape: [number, number];
  /** `[n]` ids per row before padding (after truncation), e.g. for masks. */
  lengths: Int32Array;
}

interface Frame {
  bos: number | undefined;
  eos: number | undefined;
  length: number | undefined;
  padPre: boolean;
  truncatePre: boolean;
}

export class Vocab {
  readonly tokenizer: Tokenizer;
  /** Every token, indexed by id (`itos`). */
  readonly tokens: readonly string[];
  /** The specials, which hold ids `0 .. specials.length - 1`. */
  readonly specials: readonly SpecialToken[];
  readonly oov: OovPolicy;
  private readonly ids: Map<string, number>; // stoi
  private readonly unk: number | undefined;
  // Code point fast path, built on first encode: id by UTF-16 unit (-1: none), by astral code point.
  private bmpIds: Int32Array | undefined;
  private astralIds: Map<number, number> | undefined;
  // Word fast path, built on first encode: every token, table index === id.
  private wordIds: TokenTable | undefined;

  private constructor(
    tokenizer: Tokenizer,
    tokens: readonly string[],
    specials: readonly SpecialToken[],
    oov: OovPolicy,
  ) {
    this.tokenizer = tokenizer;
    this.tokens = Object.freeze([...tokens]);
    this.specials = Object.freeze([...specials]);
    this.oov = oov;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    this.unk = oov === 'unk' ? this.ids.get('<unk>') : undefined;
  }

  /** Builds a vocab from texts, each tokenized on its own. */
  static fromTexts(texts: Iterable<string>, args: VocabArgs): Vocab {
    checkArgs(args);
    const counter = new TokenCounter(args.tokenizer);
    for (const text of texts) counter.add(text);
    return Vocab.fromCounts(counter, args);
  }

  /** As `fromTexts`, for texts that arrive asynchronously (lines of a file, a database cursor). */
  static async fromTextsAsync(
    texts: AsyncIterable<string> | Iterable<string>,
    args: VocabArgs,
  ): Promise<Vocab> {
    checkArgs(args);
    const counter = new TokenCounter(args.tokenizer);
    for await (const text of texts) counter.add(text);
    return Vocab.fromCounts(counter, args);
  }

  /**
   * Builds a vocab from consecutive chunks of one text, e.g. `fs.createReadStream(path)`: a token
   * cut by a chunk boundary is counted once, whole. Memory grows with the vocab, not the corpus.
   */
  static async fromStream(
    chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
    args: VocabArgs,
  ): Promise<Vocab> {
    checkArgs(args);
    const counter = new TokenCounter(args.tokenizer);
    for await (const chunk of chunks) counter.push(chunk);
    return Vocab.fromCounts(counter, args);
  }

  /** Builds a vocab from a stream of tokens that are already split. */
  static fromTokens(tokens: Iterable<string>, args: VocabArgs): Vocab {
    checkArgs(args);
    return Vocab.fromCounts(new TokenCounter(args.tokenizer).addTokens(tokens), args);
  }

  /** Builds a vocab from token counts (a `TokenCounter`, a `Map`, or `[token, count]` pairs). */
  static fromCounts(
    counts: TokenCounter | ReadonlyMap<string, number> | Iterable<readonly [string, number]>,
    args: VocabArgs,
  ): Vocab {
    const { specials, minCount, maxSize, oov } = checkArgs(args);
    const entries = counts instanceof TokenCounter ? counts.counts() : counts;
    const kept: Ranked[] = [];
    for (const [t, n] of entries) {
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
    const tokens = [...specials, ...kept.slice(0, room).map((r) => r.token)];
    return new Vocab(args.tokenizer, tokens, specials, oov);
  }

  /** Reads what `toJSON` wrote (any format version up to the current one), object or string. */
  static fromJSON(json: unknown): Vocab {
    const { tokenizer, tokens, specials, oov } = readVocabJSON(json);
    return new Vocab(tokenizer, tokens, specials, oov);
  }

  /** Number of ids, specials included. */
  get size(): number {
    return this.tokens.length;
  }
  get padId(): number | undefined {
    return this.specials[0] === '<pad>' ? 0 : undefined; // '<pad>' is first whenever present
  }
  get unkId(): number | undefined {
    return this.specialId('<unk>');
  }
  get bosId(): number | undefined {
    return this.specialId('<bos>');
  }
  get eosId(): number | undefined {
    return this.specialId('<eos>');
  }

  /** The id of `token`, or `undefined` if it is not in the vocab (no OOV mapping here). */
  idOf(token: string): number | undefined {
    return this.ids.get(token);
  }
  /** The token of `id`, or `undefined` if `id` is not in `[0, size)`. */
  tokenOf(id: number): string | undefined {
    return Number.isInteger(id) ? this.tokens[id] : undefined;
  }
  has(token: string): boolean {
    return this.ids.has(token);
  }

  /** Ids of one text: `[tokens]`, or `[length]` with `options.length`. */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const frame = this.frame(options);
    const ids = this.encodeTokens(text);
    if (frame.length === undefined && frame.bos === undefined && frame.eos === undefined)
      return ids;
    const out = new Int32Array(frame.length ?? ids.length + extra(frame));
    this.frameInto(ids, frame, out, out.length);
    return out;
  }

  /**
   * Ids of many texts as one `[n, length]` matrix, padded with `<pad>`; `length` is
   * `options.length` or else the longest row.
   */
  encodeBatch(texts: Iterable<string>, options: EncodeOptions = {}): EncodedBatch {
    const frame = this.frame(options);
    const rows = Array.from(texts, (t) => this.encodeTokens(t));
    const length = frame.length ?? rows.reduce((m, r) => Math.max(m, r.length), 0) + extra(frame);
    const ids = new Int32Array(rows.length * length);
    const lengths = new Int32Array(rows.length);
    rows.forEach((row, i) => {
      lengths[i] = this.frameInto(row, frame, ids.subarray(i * length, (i + 1) * length), length);
    });
    return { ids, shape: [rows.length, length], lengths };
  }

  /** Text of ids; throws `UNKNOWN_ID` for an id outside `[0, size)`. */
  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const eos = options.stopAtEos ? this.requireSpecial('<eos>', 'stopAtEos') : -1;
    const skip = options.skipSpecials ? this.specials.length : 0;
    const parts: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const token = this.tokenOf(id);
      if (token === undefined) {
        throw new VocabError(
          'UNKNOWN_ID',
          `id ${id} at position ${i} is not in the vocabulary (ids are integers 0..${this.size - 1}): ` +
            'decode with the vocab the ids were encoded with',
        );
      }
      if (id === eos) break;
      if (id >= skip) parts.push(token);
    }
    return this.tokenizer.detokenize(parts);
  }

  /** Texts of the rows of an `EncodedBatch` or of a list of id arrays. */
  decodeBatch(
    batch: EncodedBatch | Iterable<ArrayLike<number>>,
    options: DecodeOptions = {},
  ): string[] {
    if ('shape' in batch && 'ids' in batch) {
      const [n, length] = batch.shape;
      return Array.from({ length: n }, (_, i) =>
        this.decode(batch.ids.subarray(i * length, (i + 1) * length), options),
      );
    }
    return Array.from(batch, (row) => this.decode(row, options));
  }

  /** The vocab as JSON (`formatVersion` 1); throws `NOT_SERIALIZABLE` for a custom tokenizer. */
  toJSON(): VocabJSON {
    if (this.tokenizer.toJSON === undefined) {
      throw new VocabError(
        'NOT_SERIALIZABLE',
        `the tokenizer '${this.tokenizer.name}' has no toJSON(), so the vocab cannot be saved: ` +
          'use a built-in tokenizer (charTokenizer, wordTokenizer, symbolTokenizer)',
      );
    }
    return {
      format: 'rnnkit-vocab',
      formatVersion: VOCAB_FORMAT_VERSION,
      tokenizer: this.tokenizer.toJSON(),
      specials: [...this.specials],
      oov: this.oov,
      tokens: [...this.tokens],
    };
  }

  private specialId(s: SpecialToken): number | undefined {
    return this.specials.includes(s) ? this.ids.get(s) : undefined;
  }

  private requireSpecial(s: SpecialToken, option: string): number {
    const id = this.specialId(s);
    if (id === undefined) {
      throw new VocabError(
        'MISSING_SPECIAL',
        `${option} needs the special ${s}, but this vocab has specials ${JSON.stringify(this.specials)}: ` +
          `build it with ${s} in specials`,
      );
    }
    return id;
  }

  /** Checks encode options once per call, not once per row. */
  private frame(o: EncodeOptions): Frame {
    const f: Frame = {
      bos: o.addBos ? this.requireSpecial('<bos>', 'addBos') : undefined,
      eos: o.addEos ? this.requireSpecial('<eos>', 'addEos') : undefined,
      length: o.length,
      padPre: o.padding === 'pre',
      truncatePre: o.truncating === 'pre',
    };
    for (const [k, v] of [
      ['padding', o.padding],
      ['truncating', o.truncating],
    ] as const) {
      if (v !== undefined && v !== 'pre' && v !== 'post') {
        throw new VocabError(
          'INVALID_ARGUMENT',
          `${k} must be 'pre' or 'post', got ${describeValue(v)}`,
        );
      }
    }
    if (f.length !== undefined && (!Number.isInteger(f.length) || f.length < extra(f))) {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `length must be an integer >= ${extra(f)} (room for <bos>/<eos>), got ${describeValue(f.length)}`,
      );
    }
    return f;
  }

  /** Writes bos + (truncated) ids + eos + padding into `out` (`[length]`); returns ids written. */
  private frameInto(ids: Int32Array, f: Frame, out: Int32Array, length: number): number {
    const budget = length - extra(f);
    let body = ids;
    if (body.length > budget) {
      body = f.truncatePre ? ids.subarray(ids.length - budget) : ids.subarray(0, budget);
    }
    const used = body.length + extra(f);
    if (used < length) {
      const pad = this.padId;
      if (pad === undefined) {
        throw new VocabError(
          'MISSING_SPECIAL',
          `padding ${used} ids to length ${length} needs the special <pad>, but this vocab has ` +
            `specials ${JSON.stringify(this.specials)}: build it with '<pad>' first in specials`,
        );
      }
      out.fill(pad);
    }
    let at = f.padPre ? length - used : 0;
    if (f.bos !== undefined) out[at++] = f.bos;
    out.set(body, at);
    at += body.length;
    if (f.eos !== undefined) out[at] = f.eos;
    return used;
  }

  private encodeTokens(text: string): Int32Array {
    if (typeof text !== 'string') {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `encode: expected a text (string), got ${describeValue(text)}`,
      );
    }
    if (codePointTokenizers.has(this.tokenizer)) return this.encodeCodePoints(text);
    if (wordFastPaths.has(this.tokenizer)) return this.encodeWords(text);
    const tokens = this.tokenizer.tokenize(text);
    const out = new Int32Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const id = this.ids.get(t) ?? this.unk;
      if (id === undefined) throw new UnknownTokenError(t, i);
      out[i] = id;
    }
    return out;
  }

  // Same result as tokenizing into code points, without a string per character: a table lookup
  // by UTF-16 unit, a Map lookup only for astral code points (emoji, rare CJK).
  private encodeCodePoints(text: string): Int32Array {
    const bmp = this.bmpIds ?? this.buildCodePointTables();
    const astral = this.astralIds!;
    const unk = this.unk ?? -1;
    const n = text.length;
    const out = new Int32Array(n); // upper bound: one id per UTF-16 unit
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      let id: number;
      if (isHighSurrogate(c) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
        const cp = ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
        id = astral.get(cp) ?? unk;
        if (id < 0) throw new UnknownTokenError(String.fromCodePoint(cp), k);
        i++;
      } else {
        id = bmp[c]!;
        if (id < 0) id = unk;
        if (id < 0) throw new UnknownTokenError(String.fromCharCode(c), k);
      }
      out[k++] = id;
    }
    return k === n ? out : out.slice(0, k);
  }

  // Same result as tokenize + Map lookups, without a string per word.
  private encodeWords(text: string): Int32Array {
    const { prepare, mode } = wordFastPaths.get(this.tokenizer)!;
    if (this.wordIds === undefined) {
      this.wordIds = new TokenTable();
      for (const t of this.tokens) this.wordIds.find(t, 0, t.length, true);
    }
    const table = this.wordIds;
    const unk = this.unk ?? -1;
    const s = prepare(text);
    let out = new Int32Array(16 + (s.length >> 2));
    let k = 0;
    scanWordsInto(s, mode, true, (str, start, end) => {
      let id = table.find(str, start, end, false);
      if (id < 0) id = unk;
      if (id < 0) throw new UnknownTokenError(str.slice(start, end), k);
      if (k === out.length) {
        const bigger = new Int32Array(out.length * 2);
        bigger.set(out);
        out = bigger;
      }
      out[k++] = id;
    });
    return out.slice(0, k);
  }

  private buildCodePointTables(): Int32Array {
    const bmp = new Int32Array(0x10000).fill(-1);
    const astral = new Map<number, number>();
    this.tokens.forEach((t, id) => {
      if (id < this.specials.length) return; // specials are never produced by the tokenizer
      if (t.length === 1) bmp[t.charCodeAt(0)] = id;
      else if (t.length === 2 && isHighSurrogate(t.charCodeAt(0)))
        astral.set(t.codePointAt(0)!, id);
    });
    this.bmpIds = bmp;
    this.astralIds = astral;
    return bmp;
  }
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

function extra(f: Frame): number {
  return (f.bos === undefined ? 0 : 1) + (f.eos === undefined ? 0 : 1);
}

/** Validates `VocabArgs` before any text is read, and fills in defaults. */
function checkArgs(args: VocabArgs): {
  specials: readonly SpecialToken[];
  minCount: number;
  maxSize: number;
  oov: OovPolicy;
} {
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
