/**
 * Fuzzing (fast-check) of the public functions that take user data: vocab (fromJSON, encode,
 * decode), windowing (nextTokenWindows, seriesWindows, padSequences), the datasets readers
 * (fromText, fromCsv, fromJsonl, fromTsvPairs and their file versions) and the CLI's file
 * readers (train's --data readers). Every call must return a valid result or throw the package's
 * typed error: never a TypeError, a RangeError or a hang.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DatasetError,
  fromCsv,
  fromCsvFile,
  fromJsonl,
  fromJsonlFile,
  fromText,
  fromTsvPairs,
  fromTsvPairsFile,
} from '@rnnkit/datasets';
import { charTokenizer, Vocab, VocabError, wordTokenizer } from '@rnnkit/vocab';
import {
  nextTokenCount,
  nextTokenWindows,
  padSequences,
  seriesWindows,
  WindowingError,
} from '@rnnkit/windowing';
import fc from 'fast-check';
import {
  type InputSource,
  readLabelledInput,
  readPairsInput,
  readSeriesInput,
  readTextInput,
} from 'rnnkit/dist/commands/train/input.js';
import { CliError } from 'rnnkit/dist/errors.js';
import { describe, expect, it } from 'vitest';
import { TMP, vocab } from './fixtures.js';

const RUNS = 300;

/** Runs `f`; an error must be an instance of one of `allowed`. Returns the result or undefined. */
function typed<T>(allowed: readonly (abstract new (...a: never[]) => Error)[], f: () => T) {
  try {
    return f();
  } catch (e) {
    if (!allowed.some((c) => e instanceof c)) throw e;
    return undefined;
  }
}
async function typedAsync<T>(
  allowed: readonly (abstract new (...a: never[]) => Error)[],
  f: () => Promise<T>,
) {
  try {
    return await f();
  } catch (e) {
    if (!allowed.some((c) => e instanceof c)) throw e;
    return undefined;
  }
}

/** Small integers including the edge cases options get wrong: 0, negatives, NaN, fractions. */
const option = fc.oneof(
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 1.5, -0),
);

describe('vocab', () => {
  const valid = JSON.stringify(vocab().toJSON());
  it('fromJSON of any string, any JSON value, or a valid file with bytes cut or changed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .tuple(fc.nat(valid.length), fc.nat(valid.length), fc.string({ maxLength: 3 }))
            .map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b))),
          fc.anything(),
        ),
        (input) => {
          const v = typed([VocabError], () => Vocab.fromJSON(input));
          if (v !== undefined) expect(Vocab.fromJSON(JSON.stringify(v.toJSON())).size).toBe(v.size);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('encode/decode of any text round-trips what the vocab knows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 4 }),
        fc.string({ unit: 'binary' }),
        fc.boolean(),
        (texts, other, words) => {
          const tokenizer = words ? wordTokenizer() : charTokenizer();
          const v = typed([VocabError], () => Vocab.fromTexts(texts, { tokenizer }));
          if (v === undefined) return;
          const ids = v.encode(other); // oov 'unk' by default: never throws
          expect(ids.every((id) => id >= 0 && id < v.size)).toBe(true);
          if (!words) expect(v.decode(v.encode(texts[0]!))).toBe(texts[0]);
          typed([VocabError], () => v.decode([-1, 0.5, v.size, ...ids]));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('windowing', () => {
  it('nextTokenWindows: typed error or exactly nextTokenCount windows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }),
        option,
        option,
        (ids, seqLength, stride) => {
          const w = typed([WindowingError], () => nextTokenWindows(ids, { seqLength, stride }));
          if (w === undefined) return;
          expect(w.length).toBe(nextTokenCount(ids.length, seqLength, stride));
          expect(w.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('seriesWindows: typed error (NaN, Infinity, too short, bad options) or finite windows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double(), { maxLength: 30 }),
        option,
        option,
        option,
        (series, seqLength, stride, horizon) => {
          const w = typed([WindowingError], () =>
            seriesWindows(series, { seqLength, stride, horizon }),
          );
          if (w === undefined) return;
          expect(w.length).toBeGreaterThan(0);
          expect(series.every(Number.isFinite)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('padSequences: typed error or every row padded to one length', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -5, max: 50 }), { maxLength: 8 }), { maxLength: 6 }),
        fc.option(option, { nil: undefined }),
        (seqs, maxLength) => {
          const p = typed([WindowingError], () =>
            padSequences(seqs, maxLength === undefined ? {} : { maxLength }),
          );
          if (p === undefined) return;
          expect(p.mask.length).toBe(seqs.length * p.maxLength);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Text that looks like the files users give: delimiters, quotes, line ends, BOM, NUL, digits. */
const fileLike = fc
  .array(
    fc.constantFrom(
      ',',
      '"',
      '\t',
      '\n',
      '\r\n',
      '\r',
      '\uFEFF',
      '\0',
      '{',
      '}',
      ':',
      '[',
      ']',
      'a',
      'b',
      'y',
      'text',
      'label',
      '1',
      '2.5',
      '-3e2',
      'NaN',
      'NA',
      ' ',
      'é',
      '\uD800',
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));
const bytes = fc.uint8Array({ maxLength: 64 });

describe('datasets readers', () => {
  it('fromText, fromCsv, fromJsonl, fromTsvPairs: DatasetError or a result', () => {
    fc.assert(
      fc.property(fileLike, bytes, (text, raw) => {
        typed([DatasetError], () => fromText(raw));
        const table = typed([DatasetError], () => fromCsv(text));
        if (table) for (const c of table.columns) expect(table.column(c).length).toBe(table.rows);
        typed([DatasetError], () => fromJsonl(text));
        typed([DatasetError], () => fromJsonl(text, { labelField: false }));
        const pairs = typed([DatasetError], () => fromTsvPairs(text));
        if (pairs) expect(pairs.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('the file versions on random bytes and file-like text', async () => {
    const path = join(TMP, 'fuzz.dat');
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, fileLike), async (data) => {
        writeFileSync(path, data);
        await typedAsync([DatasetError], () => fromCsvFile(path));
        await typedAsync([DatasetError], () => fromJsonlFile(path));
        await typedAsync([DatasetError], () => fromTsvPairsFile(path));
      }),
      { numRuns: 100 },
    );
  });
});

/** The flags of `rnnkit train` that name the input, unset ones undefined. */
const flags = (set: Partial<InputSource>) => ({ ...NO_FLAGS, ...set }) as InputSource;
const NO_FLAGS = {
  data: undefined,
  dataset: undefined,
  column: undefined,
  target: undefined,
  textField: undefined,
  labelField: undefined,
};

describe("the CLI's --data readers (rnnkit train)", () => {
  it('CliError, DatasetError or usable data for random files', async () => {
    const allowed = [CliError, DatasetError];
    await fc.assert(
      fc.asyncProperty(fc.oneof(bytes, fileLike), async (data) => {
        for (const name of ['fuzz.txt', 'fuzz.csv', 'fuzz.jsonl', 'fuzz.tsv']) {
          writeFileSync(join(TMP, name), data);
        }
        // the files by name, and the same bytes as standard input (--data -)
        const bytesOf = typeof data === 'string' ? new TextEncoder().encode(data) : data;
        const files = { cwd: TMP, stdin: async () => bytesOf };
        const piped = await typedAsync(allowed, () => readTextInput(flags({ data: '-' }), files));
        if (piped) expect(piped.source).toBe('stdin');
        const text = await typedAsync(allowed, () =>
          readTextInput(flags({ data: 'fuzz.txt' }), files),
        );
        if (text) expect(text.text.trim().length).toBeGreaterThan(0);
        const series = await typedAsync(allowed, () =>
          readSeriesInput(flags({ data: 'fuzz.csv' }), files),
        );
        if (series) expect(series.values).toBeInstanceOf(Float64Array);
        const jsonl = await typedAsync(allowed, () =>
          readLabelledInput(flags({ data: 'fuzz.jsonl' }), files),
        );
        if (jsonl) expect(jsonl.examples.length).toBeGreaterThan(0);
        const csv = await typedAsync(allowed, () =>
          readLabelledInput(flags({ data: 'fuzz.csv', column: 'a', target: 'b' }), files),
        );
        if (csv) for (const e of csv.examples) expect(typeof e.text).toBe('string');
        const pairs = await typedAsync(allowed, () =>
          readPairsInput(flags({ data: 'fuzz.tsv' }), files),
        );
        if (pairs) expect(pairs.pairs.length).toBeGreaterThan(0);
      }),
      { numRuns: 100 },
    );
  });
});
