/**
 * `TokenCounter`: token counts of a corpus that is fed piece by piece, so a vocab can be built
 * from a file far larger than memory. Memory grows with the number of distinct tokens, not with
 * the corpus.
 *
 * @example
 * ```ts
 * import { TokenCounter, wordTokenizer } from '@rnnkit/vocab';
 * const counter = new TokenCounter(wordTokenizer());
 * counter.push('the whale, the wh').push('ale!'); // chunks of one text: 'wh' + 'ale' is one word
 * counter.counts(); // Map { 'the' => 2, 'whale' => 2 }
 * ```
 */
import { codePointTokenizers, isHighSurrogate, isLowSurrogate } from './char-tokenizer.js';
import { describeValue, VocabError } from './errors.js';
import { detach, TokenTable } from './token-table.js';
import type { Tokenizer } from './tokenizer.js';
import { afterLastNewline } from './tokenizer.js';
import { scanWordsInto, type WordSink } from './word-scan.js';
import { wordFastPaths } from './word-tokenizer.js';

export class TokenCounter {
  readonly tokenizer: Tokenizer;
  /** Number of tokens counted so far (a pending stream tail is counted by `end()`). */
  total = 0;
  private readonly map = new Map<string, { n: number }>();
  // Code point fast path: counts indexed by UTF-16 unit (BMP and lone surrogates), and by code
  // point above U+FFFF. No string is made per character; `counts()` makes one per distinct one.
  private readonly bmp: Float64Array | undefined;
  private readonly astral = new Map<number, number>();
  // Word fast path: words found in place in the text, counted by table index.
  private readonly words: CountSink | undefined;
  private carry = '';
  private decoder: TextDecoder | undefined;

  constructor(tokenizer: Tokenizer) {
    this.tokenizer = tokenizer;
    this.bmp = codePointTokenizers.has(tokenizer) ? new Float64Array(0x10000) : undefined;
    this.words = wordFastPaths.has(tokenizer) ? new CountSink() : undefined;
  }

  /** Counts the tokens of one whole text. */
  add(text: string): this {
    if (typeof text !== 'string') {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `expected a text (string), got ${describeValue(text)}`,
      );
    }
    if (this.bmp !== undefined) this.addCodePoints(text, this.bmp);
    else if (this.words !== undefined) this.addWords(text, this.words);
    else this.addTokens(this.tokenizer.tokenize(text));
    return this;
  }

  /** Counts tokens that are already split (a token stream). */
  addTokens(tokens: Iterable<string>): this {
    const map = this.map;
    let n = 0;
    for (const t of tokens) {
      // One hash lookup per token already seen (the common case), not a get and a set.
      const cell = map.get(t);
      if (cell === undefined) map.set(detach(t), { n: 1 });
      else cell.n++;
      n++;
    }
    this.total += n;
    return this;
  }

  /**
   * Counts the next chunk of one long text (a file read in pieces). A token cut by the chunk
   * boundary is carried over and counted whole with the next chunk; bytes are decoded as UTF-8 in
   * streaming mode, so a character split between two byte chunks is not broken either.
   */
  push(chunk: string | Uint8Array): this {
    let text: string;
    if (typeof chunk === 'string') text = chunk;
    else if (chunk instanceof Uint8Array) {
      this.decoder ??= new TextDecoder('utf-8');
      text = this.decoder.decode(chunk, { stream: true });
    } else {
      throw new VocabError(
        'INVALID_ARGUMENT',
        `push: expected a string or Uint8Array chunk, got ${describeValue(chunk)}`,
      );
    }
    text = this.carry + text;
    const cut = Math.max(0, Math.min(text.length, this.safeCut(text)));
    if (cut > 0) this.add(cut === text.length ? text : text.slice(0, cut));
    this.carry = cut === text.length ? '' : text.slice(cut);
    return this;
  }

  /** Ends the current stream of `push` chunks: counts the carried tail. */
  end(): this {
    let tail = this.carry;
    if (this.decoder !== undefined) tail += this.decoder.decode();
    this.carry = '';
    this.decoder = undefined;
    if (tail !== '') this.add(tail);
    return this;
  }

  /** Counts by token, in first-seen order for non-char tokenizers. Ends any open stream first. */
  counts(): Map<string, number> {
    this.end();
    const out = new Map<string, number>();
    for (const [t, cell] of this.map) out.set(t, cell.n);
    const bump = (t: string, n: number) => out.set(t, (out.get(t) ?? 0) + n);
    if (this.words !== undefined) {
      const { table, counts } = this.words;
      for (let i = 0; i < counts.length; i++) bump(table.keys[i]!, counts[i]!);
    }
    if (this.bmp === undefined) return out;
    for (let c = 0; c < 0x10000; c++)
      if (this.bmp[c]! > 0) bump(String.fromCharCode(c), this.bmp[c]!);
    for (const [cp, n] of this.astral) bump(String.fromCodePoint(cp), n);
    return out;
  }

  private safeCut(text: string): number {
    return this.tokenizer.safeCut ? this.tokenizer.safeCut(text) : afterLastNewline(text);
  }

  private addWords(text: string, sink: CountSink): void {
    const { prepare, mode } = wordFastPaths.get(this.tokenizer)!;
    const before = sink.total;
    scanWordsInto(prepare(text), mode, true, sink);
    this.total += sink.total - before;
  }

  private addCodePoints(text: string, bmp: Float64Array): void {
    const n = text.length;
    let tokens = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      tokens++;
      if (isHighSurrogate(c) && i + 1 < n) {
        const d = text.charCodeAt(i + 1);
        if (isLowSurrogate(d)) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          this.astral.set(cp, (this.astral.get(cp) ?? 0) + 1);
          i++;
          continue;
        }
      }
      bmp[c] = bmp[c]! + 1;
    }
    this.total += tokens;
  }
}

/** Counts words by table index. */
class CountSink implements WordSink {
  readonly table = new TokenTable();
  readonly counts: number[] = [];
  total = 0;
  word(s: string, start: number, end: number, hash: number): void {
    const i = this.table.findHashed(s, start, end, hash, true);
    if (i === this.counts.length) this.counts.push(1);
    else this.counts[i]!++;
    this.total++;
  }
}
