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
