/**
 * `IdEncoder`: text -> ids for one vocab, the hot path of `Vocab.encode`. Code point and
 * whitespace-split word tokenizers are encoded without making a string per token; any other
 * tokenizer goes through `tokenize` and a Map. All paths give the same ids (property-tested).
 *
 * @example
 * ```ts
 * const tokens = ['<pad>', 'a', 'b'];
 * const encoder = new IdEncoder(charTokenizer(), tokens, new Map(tokens.map((t, i) => [t, i])), 1, undefined);
 * encoder.encode('ba'); // Int32Array [2, 1]
 * ```
 */
import { codePointTokenizers, isHighSurrogate, isLowSurrogate } from './char-tokenizer.js';
import { describeValue, UnknownTokenError, VocabError } from './errors.js';
import { TokenTable } from './token-table.js';
import type { Tokenizer } from './tokenizer.js';
import { scanWordsInto, type WordSink } from './word-scan.js';
import { wordFastPaths } from './word-tokenizer.js';

export class IdEncoder {
  // Code point fast path, built on first use: id by UTF-16 unit (-1: none), by astral code point.
  private bmpIds: Int32Array | undefined;
  private astralIds: Map<number, number> | undefined;
  // Word fast path, built on first use: every token, table index === id.
  private wordIds: TokenTable | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly tokens: readonly string[],
    private readonly ids: ReadonlyMap<string, number>,
    /** Specials hold ids `0 .. specialCount - 1`. */
    private readonly specialCount: number,
    /** Id for unknown tokens; `undefined` to throw `UnknownTokenError`. */
    private readonly unk: number | undefined,
  ) {}

  /** Ids of the tokens of `text`, unknown ones as `unk` (or `UnknownTokenError` without it). */
  encode(text: string): Int32Array {
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
    const s = prepare(text);
    const sink = new IdSink(table, this.unk ?? -1, s.length);
    scanWordsInto(s, mode, true, sink);
    return sink.ids.slice(0, sink.count);
  }

  private buildCodePointTables(): Int32Array {
    const bmp = new Int32Array(0x10000).fill(-1);
    const astral = new Map<number, number>();
    this.tokens.forEach((t, id) => {
      if (id < this.specialCount) return; // specials are never produced by the tokenizer
      if (t.length === 1) bmp[t.charCodeAt(0)] = id;
      else if (t.length === 2 && isHighSurrogate(t.charCodeAt(0)))
        astral.set(t.codePointAt(0)!, id);
    });
    this.bmpIds = bmp;
    this.astralIds = astral;
    return bmp;
  }
}

/** Collects word ids into a growing Int32Array. */
class IdSink implements WordSink {
  ids: Int32Array;
  count = 0;
  constructor(
    private readonly table: TokenTable,
    private readonly unk: number,
    textLength: number,
  ) {
    this.ids = new Int32Array(16 + (textLength >> 2)); // about one word per 4 units; grows
  }
  word(s: string, start: number, end: number, hash: number): void {
    let id = this.table.findHashed(s, start, end, hash, false);
    if (id < 0) id = this.unk;
    if (id < 0) throw new UnknownTokenError(s.slice(start, end), this.count);
    if (this.count === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[this.count++] = id;
  }
}
