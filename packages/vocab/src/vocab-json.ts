/**
 * The vocab file format: versioned JSON, read through a chain of upgrades (v0 -> v1 -> ...) and
 * validated completely before a `Vocab` is built, so a bad file never yields a half-built vocab.
 *
 * Versions:
 * - v0: no `formatVersion`. What `JSON.stringify(vocab)` wrote with 0.1.0, which had no
 *   `toJSON`: `{ tokenizer: { name: 'char' | 'char-grapheme' }, tokens: [...], ids: {} }`, the
 *   specials being the leading special tokens.
 * - v1: `{ format: 'rnnkit-vocab', formatVersion: 1, tokenizer, specials, oov, tokens }`.
 *
 * To add v2: bump `VOCAB_FORMAT_VERSION`, append the v1 -> v2 function to `UPGRADES`, validate v2
 * in `readCurrent`, and keep a v1 fixture in the tests.
 *
 * @example
 * ```ts
 * import { Vocab, charTokenizer } from '@rnnkit/vocab';
 * const vocab = Vocab.fromTexts(['aab'], { tokenizer: charTokenizer() });
 * JSON.stringify(vocab);
 * // '{"format":"rnnkit-vocab","formatVersion":1,"tokenizer":{"type":"char","unit":"codePoint"},
 * //   "specials":["<pad>","<unk>"],"oov":"unk","tokens":["<pad>","<unk>","a","b"]}'
 * Vocab.fromJSON('{"formatVersion":9}'); // throws VocabFormatError UNSUPPORTED_VERSION
 * ```
 */
import { describeValue, VocabFormatError } from './errors.js';
import type { OovPolicy, SpecialToken } from './specials.js';
import { oovProblem, SPECIAL_TOKENS, specialsProblem } from './specials.js';
import type { Tokenizer, TokenizerJSON } from './tokenizer.js';
import { tokenizerFromJSON } from './tokenizer-json.js';

/** The version `toJSON` writes; `fromJSON` reads this one and every earlier one. */
export const VOCAB_FORMAT_VERSION = 1;
const FORMAT = 'rnnkit-vocab';

/** A vocab as JSON (format version 1). */
export interface VocabJSON {
  format: 'rnnkit-vocab';
  formatVersion: 1;
  tokenizer: TokenizerJSON;
  /** The specials, which are also `tokens[0 .. specials.length)`. */
  specials: SpecialToken[];
  oov: OovPolicy;
  /** Every token, indexed by id. */
  tokens: string[];
}

/** What a valid file holds, ready for the `Vocab` constructor. */
export interface VocabParts {
  tokenizer: Tokenizer;
  tokens: string[];
  specials: SpecialToken[];
  oov: OovPolicy;
}

type Doc = Record<string, unknown>;

const invalid = (path: string, message: string) =>
  new VocabFormatError('INVALID_FORMAT', path, message);

/** `UPGRADES[v]` turns a version-`v` document into a version-`v + 1` one. */
const UPGRADES: ReadonlyArray<(doc: Doc) => Doc> = [upgradeV0];

function upgradeV0(doc: Doc): Doc {
  const tok = doc['tokenizer'];
  const name = typeof tok === 'object' && tok !== null ? (tok as Doc)['name'] : undefined;
  const units: Record<string, string> = { char: 'codePoint', 'char-grapheme': 'grapheme' };
  const unit = typeof name === 'string' ? units[name] : undefined;
  if (unit === undefined) {
    throw invalid(
      'tokenizer.name',
      `a version-0 vocab has tokenizer 'char' or 'char-grapheme', got ${describeValue(name)}`,
    );
  }
  const tokens = doc['tokens'];
  const specials: string[] = [];
  if (Array.isArray(tokens)) {
    for (const t of tokens) {
      if (!SPECIAL_TOKENS.includes(t) || specials.includes(t)) break;
      specials.push(t);
    }
  }
  return {
    format: FORMAT,
    formatVersion: 1,
    tokenizer: { type: 'char', unit },
    specials,
    // 0.1.0 mapped unknown tokens to '<unk>' when it had one, and threw otherwise.
    oov: specials.includes('<unk>') ? 'unk' : 'throw',
    tokens,
  };
}

/** Parses (if a string), upgrades and validates a vocab JSON; throws `VocabFormatError`. */
export function readVocabJSON(input: unknown): VocabParts {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw invalid(
        '',
        `not valid JSON (${(e as Error).message}): pass the text vocab.toJSON() wrote`,
      );
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw invalid('', `expected a vocab JSON object, got ${describeValue(doc)}`);
  }
  let version = detectVersion(doc as Doc);
  let current = doc as Doc;
  while (version < VOCAB_FORMAT_VERSION) {
    current = UPGRADES[version]!(current);
    version++;
  }
  return readCurrent(current);
}

function detectVersion(doc: Doc): number {
  const v = doc['formatVersion'];
  if (v === undefined) {
    // Only 0.1.0 wrote files without a version; anything else is not a vocab at all.
    if (Array.isArray(doc['tokens']) && typeof doc['tokenizer'] === 'object') return 0;
    throw invalid(
      '',
      `not an rnnkit vocab: expected an object with format: '${FORMAT}' and a formatVersion, ` +
        `got keys ${JSON.stringify(Object.keys(doc))}: save vocabs with vocab.toJSON()`,
    );
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw invalid('formatVersion', `expected an integer >= 1, got ${describeValue(v)}`);
  }
  if (v > VOCAB_FORMAT_VERSION) {
    throw new VocabFormatError(
      'UNSUPPORTED_VERSION',
      'formatVersion',
      `this file has format version ${v}, but this @rnnkit/vocab reads versions up to ` +
        `${VOCAB_FORMAT_VERSION}: upgrade @rnnkit/vocab to read it`,
    );
  }
  return v;
}

function readCurrent(doc: Doc): VocabParts {
  if (doc['format'] !== FORMAT) {
    throw invalid('format', `expected '${FORMAT}', got ${describeValue(doc['format'])}`);
  }
  const tokenizer = tokenizerFromJSON(doc['tokenizer'], 'tokenizer');

  const specials = doc['specials'];
  const sp = specialsProblem(specials);
  if (sp !== undefined) throw invalid('specials', sp);
  const validSpecials = specials as SpecialToken[];

  const oov = doc['oov'];
  const op = oovProblem(oov, validSpecials);
  if (op !== undefined) throw invalid('oov', op);

  const tokens = doc['tokens'];
  if (!Array.isArray(tokens))
    throw invalid('tokens', `expected an array of strings, got ${describeValue(tokens)}`);
  const seen = new Set<string>();
  for (const [i, t] of tokens.entries()) {
    if (typeof t !== 'string')
      throw invalid(`tokens[${i}]`, `expected a string, got ${describeValue(t)}`);
    if (seen.has(t)) {
      throw invalid(
        `tokens[${i}]`,
        `${JSON.stringify(t)} appears twice; ids must map to distinct tokens`,
      );
    }
    seen.add(t);
    const special = validSpecials[i];
    if (special !== undefined && t !== special) {
      throw invalid(
        `tokens[${i}]`,
        `expected the special ${special} (specials come first), got ${describeValue(t)}`,
      );
    }
    if (special === undefined && SPECIAL_TOKENS.includes(t as SpecialToken)) {
      throw invalid(`tokens[${i}]`, `${t} is a special token but is not listed in specials`);
    }
  }
  if (tokens.length < validSpecials.length) {
    throw invalid(
      'tokens',
      `has ${tokens.length} tokens, fewer than the ${validSpecials.length} specials`,
    );
  }
  return {
    tokenizer,
    tokens: tokens as string[],
    specials: [...validSpecials],
    oov: oov as OovPolicy,
  };
}
