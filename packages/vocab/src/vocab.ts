/**
 * `Vocab`: a bijection between tokens and integer ids.
 *
 * @example
 * ```ts
 * import { Vocab, charTokenizer } from '@rnnkit/vocab';
 * const vocab = Vocab.fromTexts(['hihello'], { tokenizer: charTokenizer(), specials: [] });
 * vocab.tokens; // ['h', 'l', 'e', 'i', 'o']  (by count, ties by token)
 * vocab.decode(vocab.encode('hello')); // 'hello'
 * ```
 */
import { UnknownTokenError } from './errors.js';
import type { Tokenizer } from './tokenizers.js';

export type SpecialToken = '<pad>' | '<unk>' | '<bos>' | '<eos>';

export interface VocabArgs {
  tokenizer: Tokenizer;
  /** Special tokens, given the first ids in this order. Default `['<pad>', '<unk>']`. */
  specials?: readonly SpecialToken[];
}

export class Vocab {
  readonly tokenizer: Tokenizer;
  /** Every token, indexed by id (`itos`). */
  readonly tokens: readonly string[];
  private readonly ids: Map<string, number>; // stoi

  private constructor(tokenizer: Tokenizer, tokens: readonly string[]) {
    this.tokenizer = tokenizer;
    this.tokens = tokens;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Builds a vocab from texts: specials first, then tokens by descending count, ties by token. */
  static fromTexts(texts: Iterable<string>, args: VocabArgs): Vocab {
    const specials = args.specials ?? ['<pad>', '<unk>'];
    const counts = new Map<string, number>();
    for (const text of texts) {
      for (const t of args.tokenizer.tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    for (const s of specials) counts.delete(s);
    const ordered = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([t]) => t);
    return new Vocab(args.tokenizer, [...specials, ...ordered]);
  }

  /** Number of ids, specials included. */
  get size(): number {
    return this.tokens.length;
  }

  encode(text: string): Int32Array {
    const toks = this.tokenizer.tokenize(text);
    const out = new Int32Array(toks.length);
    toks.forEach((t, i) => {
      const id = this.ids.get(t) ?? this.ids.get('<unk>');
      if (id === undefined) throw new UnknownTokenError(t, i);
      out[i] = id;
    });
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    return this.tokenizer.detokenize(Array.from(ids, (id) => this.tokens[id] ?? '<unk>'));
  }
}
