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
import { describeValue, VocabError } from './errors.js';
import { IdEncoder } from './id-encoder.js';
import type { OovPolicy, SpecialToken } from './specials.js';
import { TokenCounter } from './token-counter.js';
import type { Tokenizer } from './tokenizer.js';
import type { VocabArgs } from './vocab-args.js';
import { orderTokens, resolveVocabArgs } from './vocab-args.js';
import type { VocabJSON } from './vocab-json.js';
import { readVocabJSON, VOCAB_FORMAT_VERSION } from './vocab-json.js';

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

/**
 * The vocab of `args` over the tokens of `items` as they arrive (`feed` gives each to the counter):
 * `fromTextsAsync` and `fromStream`, whose `method` and `param` the errors name.
 */
async function countInto<T>(
  items: AsyncIterable<T> | Iterable<T>,
  args: VocabArgs,
  method: string,
  param: string,
  feed: (counter: TokenCounter, item: T) => void,
): Promise<Vocab> {
  resolveVocabArgs(args);
  notAString(items, method, param, 'Vocab.fromTexts([text], args)');
  const counter = new TokenCounter(args.tokenizer);
  for await (const item of items) feed(counter, item);
  return Vocab.fromCounts(counter, args);
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
  private readonly encoder: IdEncoder;

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
    const unk = oov === 'unk' ? this.ids.get('<unk>') : undefined;
    this.encoder = new IdEncoder(tokenizer, this.tokens, this.ids, specials.length, unk);
  }

  /** Builds a vocab from texts, each tokenized on its own. */
  static fromTexts(texts: Iterable<string>, args: VocabArgs): Vocab {
    resolveVocabArgs(args);
    notAString(texts, 'fromTexts', 'texts', 'Vocab.fromTexts([text], args)');
    const counter = new TokenCounter(args.tokenizer);
    for (const text of texts) counter.add(text);
    return Vocab.fromCounts(counter, args);
  }

  /** As `fromTexts`, for texts that arrive asynchronously (lines of a file, a database cursor). */
  static async fromTextsAsync(
    texts: AsyncIterable<string> | Iterable<string>,
    args: VocabArgs,
  ): Promise<Vocab> {
    return countInto(texts, args, 'fromTextsAsync', 'texts', (counter, text) => counter.add(text));
  }

  /**
   * Builds a vocab from consecutive chunks of one text, e.g. `fs.createReadStream(path)`: a token
   * cut by a chunk boundary is counted once, whole. Memory grows with the vocab, not the corpus.
   */
  static async fromStream(
    chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
    args: VocabArgs,
  ): Promise<Vocab> {
    return countInto(chunks, args, 'fromStream', 'chunks', (counter, chunk) => counter.push(chunk));
  }

  /** Builds a vocab from a stream of tokens that are already split. */
  static fromTokens(tokens: Iterable<string>, args: VocabArgs): Vocab {
    resolveVocabArgs(args);
    notAString(tokens, 'fromTokens', 'tokens', 'Vocab.fromTexts([text], args) to tokenize it');
    return Vocab.fromCounts(new TokenCounter(args.tokenizer).addTokens(tokens), args);
  }

  /** Builds a vocab from token counts (a `TokenCounter`, a `Map`, or `[token, count]` pairs). */
  static fromCounts(
    counts: TokenCounter | ReadonlyMap<string, number> | Iterable<readonly [string, number]>,
    args: VocabArgs,
  ): Vocab {
    const resolved = resolveVocabArgs(args);
    const tokens = orderTokens(counts instanceof TokenCounter ? counts.counts() : counts, resolved);
    return new Vocab(args.tokenizer, tokens, resolved.specials, resolved.oov);
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
    const ids = this.encoder.encode(text);
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
    notAString(texts, 'encodeBatch', 'texts', 'vocab.encode(text) or vocab.encodeBatch([text])');
    const rows = Array.from(texts, (t) => this.encoder.encode(t));
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
    if (ArrayBuffer.isView(batch)) {
      throw new VocabError(
        'INVALID_ARGUMENT',
        'decodeBatch: expected an EncodedBatch ({ ids, shape }) or a list of id arrays, got one ' +
          'flat typed array: use decode(ids) for one row, or pass { ids, shape: [n, length] }',
      );
    }
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
}

// A string is iterable (by code point), so passing one text where a list is expected would
// silently count each character as a text.
function notAString(value: unknown, method: string, param: string, fix: string): void {
  if (typeof value === 'string') {
    throw new VocabError(
      'INVALID_ARGUMENT',
      `${method}: ${param} must be an iterable of strings, got one string: use ${fix}`,
    );
  }
}

function extra(f: Frame): number {
  return (f.bos === undefined ? 0 : 1) + (f.eos === undefined ? 0 : 1);
}
