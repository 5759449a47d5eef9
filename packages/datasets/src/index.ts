/**
 * `@rnnkit/datasets`: real data sets, shipped in the package or read from the npm packages that
 * ship them (Moby-Dick, UCI sentiment sentences, Mauna Loa CO2, first names by language,
 * CMUdict), each with its source and licence, and readers for your own text, CSV, TSV and JSONL
 * files with typed errors.
 *
 * @example
 * ```ts
 * import { co2, mobyDick, splitText } from '@rnnkit/datasets';
 * const book = await mobyDick();
 * const { train, test } = splitText(book.data, { test: 0.05 });
 * [train.length, test.length]; // [1130801, 59516]
 * const { data: series } = await co2();
 * series.dates.length; // 741 monthly values from 1958-03-01
 * ```
 *
 * @packageDocumentation
 */
export type { CmuDictOptions, PronunciationRecord } from './cmudict.js';
export { cmuDict } from './cmudict.js';
export type { Co2Options, MonthlySeries } from './co2.js';
export { co2 } from './co2.js';
export type {
  CsvColumn,
  CsvColumnType,
  CsvOptions,
  MissingPolicy,
  SkippedRow,
} from './csv.js';
export { CsvTable, DEFAULT_MISSING_VALUES, fromCsv, fromCsvFile } from './csv.js';
export type { Dataset, DatasetInfo } from './dataset.js';
export type { DatasetErrorCode, DatasetErrorPlace } from './errors.js';
export { DatasetError } from './errors.js';
export { parseIsoDate } from './iso-date.js';
export type { JsonlOptions, LabelledText, UnlabelledText } from './jsonl.js';
export { fromJsonl, fromJsonlFile } from './jsonl.js';
export { mobyDick } from './moby-dick.js';
export type {
  NameLanguage,
  NameRecord,
  NamesDataset,
  NamesOptions,
  UnambiguousNameRecord,
} from './names.js';
export { NAME_LANGUAGES, namesByLanguage } from './names.js';
export type { SentimentOptions, SentimentRecord, SentimentSource } from './sentiment.js';
export { SENTIMENT_SOURCES, sentimentSentences } from './sentiment.js';
export type { SplitTextOptions, TextOptions, TextSplit } from './text.js';
export { fromText, fromTextFile, splitText } from './text.js';
export type { TextPair, TsvPairsOptions } from './tsv-pairs.js';
export { fromTsvPairs, fromTsvPairsFile } from './tsv-pairs.js';
