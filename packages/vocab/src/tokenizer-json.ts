/**
 * `tokenizerFromJSON`: rebuilds a built-in tokenizer from the JSON its `toJSON()` wrote.
 *
 * @example
 * ```ts
 * import { tokenizerFromJSON, wordTokenizer } from '@rnnkit/vocab';
 * const json = wordTokenizer({ keepPunctuation: true }).toJSON?.();
 * tokenizerFromJSON(json).tokenize('Hi, Ahab!'); // ['hi', ',', 'ahab', '!']
 * ```
 */
import { charTokenizer } from './char-tokenizer.js';
import { describeValue, VocabFormatError } from './errors.js';
import { symbolTokenizer } from './symbol-tokenizer.js';
import type { StandardizeName, Tokenizer } from './tokenizer.js';
import { wordTokenizer } from './word-tokenizer.js';

const TYPES = ['char', 'symbol', 'word'];

/**
 * Validates `json` completely, then builds the tokenizer; throws `VocabFormatError`
 * (`INVALID_FORMAT`, with the `path` of the bad field) on anything malformed.
 */
export function tokenizerFromJSON(json: unknown, path = ''): Tokenizer {
  const at = (key: string) => (path === '' ? key : `${path}.${key}`);
  const fail = (where: string, expected: string, got: unknown): never => {
    throw new VocabFormatError(
      'INVALID_FORMAT',
      where,
      `expected ${expected}, got ${describeValue(got)}: ` +
        'write tokenizer JSON with tokenizer.toJSON() rather than by hand',
    );
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail(path, 'a tokenizer object', json);
  }
  const o = json as Record<string, unknown>;
  switch (o['type']) {
    case 'char': {
      const unit = o['unit'];
      if (unit !== 'codePoint' && unit !== 'grapheme') {
        return fail(at('unit'), "'codePoint' or 'grapheme'", unit);
      }
      return charTokenizer({ unit });
    }
    case 'symbol': {
      const separator = o['separator'];
      if (typeof separator !== 'string' || separator === '') {
        return fail(at('separator'), 'a non-empty string', separator);
      }
      return symbolTokenizer({ separator });
    }
    case 'word': {
      const names: readonly unknown[] = [
        'lowerAndStripPunctuation',
        'lower',
        'stripPunctuation',
        'none',
      ];
      const standardize = o['standardize'];
      if (!names.includes(standardize)) {
        return fail(at('standardize'), names.map((n) => `'${n}'`).join(' or '), standardize);
      }
      const keepPunctuation = o['keepPunctuation'];
      if (typeof keepPunctuation !== 'boolean') {
        return fail(at('keepPunctuation'), 'a boolean', keepPunctuation);
      }
      return wordTokenizer({
        standardize: standardize as StandardizeName,
        split: readSplit(o['split'], at('split'), fail),
        keepPunctuation,
      });
    }
    default:
      return fail(at('type'), TYPES.map((t) => `'${t}'`).join(' or '), o['type']);
  }
}

function readSplit(
  split: unknown,
  path: string,
  fail: (where: string, expected: string, got: unknown) => never,
): 'whitespace' | RegExp {
  if (split === 'whitespace') return split;
  const expected = "'whitespace' or { pattern: string, flags: string }";
  if (typeof split !== 'object' || split === null) return fail(path, expected, split);
  const { pattern, flags } = split as Record<string, unknown>;
  if (typeof pattern !== 'string') return fail(`${path}.pattern`, 'a string', pattern);
  if (typeof flags !== 'string') return fail(`${path}.flags`, 'a string', flags);
  try {
    return new RegExp(pattern, flags);
  } catch (e) {
    return fail(`${path}.pattern`, `a valid RegExp (${(e as Error).message})`, pattern);
  }
}
