/**
 * Reads the training data of a task from `--data <file>` (`-`: standard input, read through the
 * `Io`) or `--dataset <name>`, turning every problem into a one-line error that names the file
 * and the flag that fixes it. Every byte goes through `@rnnkit/datasets`' strict reader: a BOM
 * dropped, CRLF turned into LF, bad UTF-8 an error with its byte offset.
 */
import { resolve } from 'node:path';
import {
  type CsvOptions,
  type CsvTable,
  DatasetError,
  fromCsv,
  fromJsonl,
  fromText,
  fromTextFile,
  fromTsvPairs,
} from '@rnnkit/datasets';
import { CliError } from '../../errors.js';
import { type Io, STDIN, STDIN_NAME } from '../../io.js';
import { findDataset } from '../datasets/registry.js';
import type { TrainSettings } from './options.js';

/** Where the data comes from: the input flags of train and eval. */
export type InputSource = Pick<
  TrainSettings,
  'data' | 'dataset' | 'column' | 'target' | 'textField' | 'labelField'
>;

/** What the readers need of the `Io`: the folder of relative paths, and standard input. */
export type DataIo = Pick<Io, 'cwd' | 'stdin'>;

/** The `data` event of a run: where the data came from, its counts, the split and the backend. */
export function dataEvent(
  settings: Pick<TrainSettings, 'valSplit' | 'backend'>,
  source: string,
  counts: Record<string, number>,
): Record<string, unknown> {
  return {
    type: 'data',
    source,
    ...counts,
    valSplit: settings.valSplit,
    backend: settings.backend,
  };
}

/** The items before the last `valSplit` share (to train on) and that share (held out). */
export function holdOutLast<T>(
  items: readonly T[],
  valSplit: number,
): { train: T[]; heldOut: T[] } {
  const cut = Math.round(items.length * (1 - valSplit));
  return { train: items.slice(0, cut), heldOut: items.slice(cut) };
}

/**
 * The task options of the model flags with `--seq-length` under the task's own names (`cap`, the
 * longest sequence kept), progress every step.
 */
export function cappedOptions<O extends object>(
  settings: Pick<TrainSettings, 'model'>,
  cap: (seqLength: number) => O,
): Omit<TrainSettings['model'], 'seqLength'> & Partial<O> & { progressEvery: number } {
  const { seqLength, ...model } = settings.model;
  const capped: Partial<O> = seqLength !== undefined ? cap(seqLength) : {};
  return { ...model, ...capped, progressEvery: 1 };
}

/** The text of `--data` (a file, or `-` for standard input) and the name to show for it. */
export async function readDataText(
  data: string,
  io: DataIo,
): Promise<{ text: string; file: string }> {
  if (data === STDIN) {
    return { text: fromText(await io.stdin(), { file: STDIN_NAME }), file: STDIN_NAME };
  }
  const file = resolve(io.cwd, data);
  return { text: await fromTextFile(file), file };
}

export interface TextInput {
  text: string;
  /** Where it came from, for the log line. */
  source: string;
}

/** The dataset of a name, checked to fit the task. */
async function loadDataset(name: string, task: string) {
  const entry = findDataset(name);
  if (entry.task !== task) {
    throw new CliError(
      `dataset ${name} is for task ${entry.task}, not ${task}: run rnnkit train ${entry.task} --dataset ${name}`,
      2,
    );
  }
  return entry.load();
}

export async function readTextInput(settings: InputSource, io: DataIo): Promise<TextInput> {
  if (settings.dataset !== undefined) {
    const ds = await loadDataset(settings.dataset, 'text');
    return { text: ds.data as string, source: `dataset ${ds.name}` };
  }
  const { text, file } = await readDataText(settings.data!, io);
  if (text.trim().length === 0) {
    throw new CliError(`${file} is empty: give a text file with some text to learn from`, 1);
  }
  if (text.length < 2) {
    throw new CliError(`${file} has ${text.length} character: give at least 2`, 1);
  }
  return { text, source: file };
}

/** `fromCsv` with the CLI's messages for an empty file and a cell that is not a number. */
function readCsv(text: string, file: string, options: CsvOptions): CsvTable {
  try {
    return fromCsv(text, { ...options, file });
  } catch (e) {
    if (e instanceof DatasetError && e.code === 'EMPTY_INPUT') {
      throw new CliError(`${file} is empty: give a CSV file with a header row and values`, 1);
    }
    if (e instanceof DatasetError && e.code === 'NOT_A_NUMBER') {
      // the library's fix mentions its options; say it in the CLI's words, from the error's fields
      throw new CliError(
        `${file}: row ${e.row} (line ${e.line}), column ${JSON.stringify(e.column)} holds ${JSON.stringify(e.value ?? '')}, not a number: fix that cell or remove the row`,
        1,
      );
    }
    throw e;
  }
}

export interface SeriesInput {
  /** The series to forecast. [time] */
  values: Float64Array;
  /** Other input columns, each as long as `values`. [covariate][time] */
  covariates: Float64Array[];
  source: string;
}

/** Splits `a, b ,c` into names. */
function names(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A series from a CSV file: `--column y` (one series), or `--column a,b --target y` (inputs a, b
 * and y, predicting y); a file of one column needs neither. `--dataset co2` for the bundled one.
 */
export async function readSeriesInput(settings: InputSource, io: DataIo): Promise<SeriesInput> {
  if (settings.dataset !== undefined) {
    const ds = (await loadDataset(settings.dataset, 'forecast')) as { name: string; data: unknown };
    const { values } = ds.data as { values: Float64Array };
    return { values, covariates: [], source: `dataset ${ds.name}` };
  }
  const { text, file } = await readDataText(settings.data!, io);
  const header = readCsv(text, file, { missing: 'nan' });
  const wanted = settings.column !== undefined ? names(settings.column) : [];
  let target = settings.target;
  if (target === undefined) {
    if (wanted.length > 1) {
      throw new CliError(
        `--column names ${wanted.length} columns (${wanted.join(', ')}): add --target <name>, the one to predict`,
        2,
      );
    }
    if (wanted.length === 0 && header.columns.length !== 1) {
      throw new CliError(
        `${file} has ${header.columns.length} columns: choose the series with --column <name>; the columns are ${header.columns.join(', ')}`,
        2,
      );
    }
    target = wanted[0] ?? header.columns[0]!;
  }
  const inputs = wanted.filter((c) => c !== target);
  for (const name of [target, ...inputs]) {
    if (!header.columns.includes(name)) {
      throw new CliError(
        `${file} has no column ${JSON.stringify(name)}; the columns are ${header.columns.join(', ')}`,
        2,
      );
    }
  }
  // read again with the chosen columns as numbers: a cell that is not one names its row and column
  const types = Object.fromEntries([target, ...inputs].map((c) => [c, 'number' as const]));
  const table = readCsv(text, file, { columns: [target, ...inputs], types });
  if (table.rows === 0) {
    throw new CliError(`${file} has a header but no rows: give the series values`, 1);
  }
  return {
    values: table.numbers(target),
    covariates: inputs.map((c) => table.numbers(c)),
    source: `${file} (${inputs.length ? `${inputs.join(', ')} -> ` : ''}${target}, ${table.rows} rows)`,
  };
}

export interface ManySeriesInput {
  ids: string[];
  /** Each series' values in file order. [series][time] */
  series: Float64Array[];
  source: string;
}

/**
 * Many series from a long CSV: `--id-column store` names each row's series, `--column sales` the
 * values (or the only other column); rows of a series in time order, series in any order.
 */
export async function readManySeriesInput(
  settings: InputSource,
  idColumn: string,
  io: DataIo,
): Promise<ManySeriesInput> {
  if (settings.data === undefined) {
    throw new CliError('--id-column reads a long CSV: give it with --data <file>', 2);
  }
  const { text, file } = await readDataText(settings.data, io);
  const header = readCsv(text, file, { missing: 'nan' });
  if (!header.columns.includes(idColumn)) {
    throw new CliError(
      `${file} has no column ${JSON.stringify(idColumn)} (--id-column); the columns are ${header.columns.join(', ')}`,
      2,
    );
  }
  const others = header.columns.filter((c) => c !== idColumn);
  const target = settings.column ?? (others.length === 1 ? others[0] : undefined);
  if (target === undefined || names(target).length !== 1 || !others.includes(target)) {
    throw new CliError(
      `${file}: choose the values column with --column <name> (one of ${others.join(', ')}); many series take no covariates`,
      2,
    );
  }
  const table = readCsv(text, file, { columns: [idColumn, target], types: { [target]: 'number' } });
  const ids = table.strings(idColumn);
  const values = table.numbers(target);
  const by = new Map<string, number[]>();
  ids.forEach((id, i) => {
    let list = by.get(id);
    if (!list) by.set(id, (list = []));
    list.push(values[i]!);
  });
  return {
    ids: [...by.keys()],
    series: [...by.values()].map((v) => Float64Array.from(v)),
    source: `${file} (${by.size} series by ${idColumn}, ${target}, ${table.rows} rows)`,
  };
}

export interface LabelledInput {
  examples: { text: string; label: string | number }[];
  source: string;
}

/**
 * Labelled texts from a JSONL file (`--text-field`, `--label-field`, default text and label), a
 * CSV file (`--column <text column> --target <label column>`), or `--dataset sentiment-sentences`.
 */
export async function readLabelledInput(
  settings: InputSource,
  io: DataIo,
  /** Whose dataset `--dataset` may name: classify's labelled texts or names' names by language. */
  task: 'classify' | 'names' = 'classify',
): Promise<LabelledInput> {
  if (settings.dataset !== undefined) {
    const ds = await loadDataset(settings.dataset, task);
    const examples =
      task === 'names'
        ? (ds.data as { name: string; language: string }[]).map((r) => ({
            text: r.name,
            label: r.language,
          }))
        : (ds.data as { text: string; label: number }[]).map((r) => ({
            text: r.text,
            label: r.label,
          }));
    return { examples, source: `dataset ${ds.name}` };
  }
  const { text, file } = await readDataText(settings.data!, io);
  // JSONL by its extension; standard input is JSONL unless --column and --target say CSV
  const jsonl =
    file === STDIN_NAME
      ? settings.column === undefined && settings.target === undefined
      : /\.jsonl?$/i.test(file);
  if (jsonl) {
    let examples: { text: string; label: string | number }[];
    try {
      examples = fromJsonl(text, {
        textField: settings.textField ?? 'text',
        labelField: settings.labelField ?? 'label',
        file,
      });
    } catch (e) {
      if (e instanceof DatasetError && e.code === 'EMPTY_INPUT') {
        throw new CliError(`${file} is empty: give one JSON object per line`, 1);
      }
      if (e instanceof DatasetError && e.code === 'BAD_FIELD') {
        // the library's fix names its options; name the flags instead
        const isText = e.column === (settings.textField ?? 'text');
        const what = isText ? 'text field' : 'label field';
        throw new CliError(
          `${file}: line ${e.line}: no ${what} ${JSON.stringify(e.column)} holding ${isText ? 'a string' : 'a number or a string'}; the record has: ${e.fields?.join(', ') || 'no fields'}; give ${isText ? '--text-field' : '--label-field'} <field>`,
          1,
        );
      }
      throw e;
    }
    return { examples, source: `${file} (${examples.length} examples)` };
  }
  if (settings.column === undefined || settings.target === undefined) {
    throw new CliError(
      `${task} reads JSONL (.jsonl) or CSV with --column <text column> --target <label column>; ${file} needs both flags`,
      2,
    );
  }
  const header = readCsv(text, file, { missing: 'nan' });
  for (const name of [settings.column, settings.target]) {
    if (!header.columns.includes(name)) {
      throw new CliError(
        `${file} has no column ${JSON.stringify(name)}; the columns are ${header.columns.join(', ')}`,
        2,
      );
    }
  }
  const table = readCsv(text, file, {
    columns: [settings.column, settings.target],
    types: { [settings.column]: 'string', [settings.target]: 'string' },
  });
  const texts = table.strings(settings.column);
  const labels = table.strings(settings.target);
  return {
    examples: texts.map((text, i) => ({ text, label: labels[i]! })),
    source: `${file} (${settings.column} -> ${settings.target}, ${table.rows} rows)`,
  };
}

export interface PairsInput {
  pairs: { source: string | string[]; target: string | string[] }[];
  source: string;
}

/** Source/target pairs from a TSV file (source TAB target per line), or `--dataset cmudict`. */
export async function readPairsInput(settings: InputSource, io: DataIo): Promise<PairsInput> {
  if (settings.dataset !== undefined) {
    const ds = await loadDataset(settings.dataset, 'seq2seq');
    const records = ds.data as { word: string; phonemes: string[] }[];
    return {
      pairs: records.map((r) => ({ source: r.word, target: r.phonemes })),
      source: `dataset ${ds.name}`,
    };
  }
  const { text, file } = await readDataText(settings.data!, io);
  let pairs: PairsInput['pairs'];
  try {
    pairs = fromTsvPairs(text, { file });
  } catch (e) {
    if (e instanceof DatasetError && e.code === 'EMPTY_INPUT') {
      throw new CliError(`${file} is empty: give one "source<TAB>target" pair per line`, 1);
    }
    if (e instanceof DatasetError && e.code === 'BAD_LINE') {
      // the library's fix names its option; the CLI has no flag for it
      const got = (e.value ?? '').length > 60 ? `${e.value!.slice(0, 60)}...` : (e.value ?? '');
      throw new CliError(
        `${file}: line ${e.line} is not one source<TAB>target pair (got ${JSON.stringify(got)}): separate source and target with one tab, both non-empty, or remove the line`,
        1,
      );
    }
    throw e;
  }
  return { pairs, source: `${file} (${pairs.length} pairs)` };
}
