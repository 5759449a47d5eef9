/**
 * `rnnkit train <task> --resume <dir>`: a run keeps its checkpoints in `<out>.checkpoint/`, beside
 * the model folder: `run.json` (the task, the folder it ran in, its options) and the training
 * checkpoints of `@rnnkit/training` (`last/`, and `best/` for tasks that stop early). Resuming
 * reads the data again with the same options and seed, so the task rebuilds the same vocab and
 * model, and training continues from the step, weights, optimizer state and data position of
 * `last/`: the run ends where an uninterrupted one would have. No tfjs here (usage errors stay
 * fast).
 *
 * @example
 * ```sh
 * rnnkit train text --data book.txt --out lm     # Ctrl-C at step 120
 * # interrupted at step 120: the model so far is in lm; continue with: rnnkit train text --resume lm.checkpoint
 * rnnkit train text --resume lm.checkpoint
 * # resuming lm.checkpoint from step 120 (epoch 2)
 * ```
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { taskNamed } from '@rnnkit/tasks/table';
import { CliError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { CONFIG_KEYS } from './options.js';

/** The record of a run in its checkpoint folder. */
export const RUN_FILE = 'run.json';
/** Standard input's bytes, beside the record, when the run read `--data -`. */
export const STDIN_FILE = 'stdin.data';
const RUN_FORMAT = 'rnnkit-train-run';

/** Options `--resume` may change: they do not change what the run computes. */
export const RESUMABLE_CHANGES = [
  'epochs',
  'timeBudget',
  'checkpointEvery',
  'attentionMap',
] as const;

export interface RunRecord {
  format: typeof RUN_FORMAT;
  version: 1;
  /** The task, as on the command line. */
  task: string;
  /** The folder the run started in: relative paths in `options` are read from there. */
  cwd: string;
  /** The options as given (config file, then flags): cac's camelCase names. */
  options: Record<string, unknown>;
}

/** The checkpoint folder of a run saving into `out`. */
export function checkpointDirOf(out: string): string {
  return `${out.replace(/[/\\]+$/, '')}.checkpoint`;
}

/** `path` relative to `cwd` when it is inside it (shorter to type back), else as it is. */
export function shown(path: string, cwd: string): string {
  const r = relative(cwd, path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

/** Writes the run's record (and the standard input it read, if any): each atomically. */
export async function writeRun(
  dir: string,
  record: Omit<RunRecord, 'format' | 'version'>,
  stdin?: Uint8Array,
): Promise<void> {
  const doc: RunRecord = { format: RUN_FORMAT, version: 1, ...record };
  if (stdin) await writeFileAtomic(join(dir, STDIN_FILE), stdin);
  await writeFileAtomic(join(dir, RUN_FILE), `${JSON.stringify(doc, null, 2)}\n`);
}

/** The standard input a run read (`--data -`), kept in its checkpoint folder. */
export async function readRunStdin(dir: string): Promise<Uint8Array> {
  try {
    return await readFile(join(dir, STDIN_FILE));
  } catch {
    throw new CliError(
      `${join(dir, STDIN_FILE)} is missing: the run read --data - and its input is gone; start the run again with --force`,
      1,
    );
  }
}

/**
 * The run to resume from `path`: the checkpoint folder itself, or the model folder beside it
 * (`--resume lm` finds `lm.checkpoint`).
 */
export async function readRun(path: string): Promise<{ dir: string; record: RunRecord }> {
  for (const dir of [path, checkpointDirOf(path)]) {
    let text: string;
    try {
      text = await readFile(join(dir, RUN_FILE), 'utf8');
    } catch {
      continue;
    }
    let doc: Partial<RunRecord> | undefined;
    try {
      doc = JSON.parse(text) as Partial<RunRecord>;
    } catch {
      doc = undefined;
    }
    if (doc?.format !== RUN_FORMAT || typeof doc.task !== 'string' || !doc.options) {
      throw new CliError(
        `${join(dir, RUN_FILE)} is not the record of an rnnkit train run (corrupt?): start the run again with --force`,
        1,
      );
    }
    return { dir, record: doc as RunRecord };
  }
  throw new CliError(
    `no run to resume in ${path}: give the checkpoint folder an interrupted rnnkit train printed (<out>.checkpoint)`,
    1,
  );
}

/** cac's camelCase key as the flag people type: `seqLength` -> `--seq-length`. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The options of a resumed run: the recorded ones; flags may only change RESUMABLE_CHANGES. */
export function resumedOptions(
  record: RunRecord,
  task: string,
  flags: Record<string, unknown>,
  resumeFlag: string,
): Record<string, unknown> {
  // the same task by another of its names (`text` and `text-generation`) is the same run
  if (taskNamed(record.task) !== taskNamed(task)) {
    throw new CliError(
      `that checkpoint is of rnnkit train ${record.task}, not ${task}: run rnnkit train ${record.task} --resume ${resumeFlag}`,
      2,
    );
  }
  const options = { ...record.options };
  for (const key of ['config', ...CONFIG_KEYS]) {
    if (flags[key] === undefined) continue;
    if (!(RESUMABLE_CHANGES as readonly string[]).includes(key)) {
      throw new CliError(
        `--resume continues the run with the options it started with: drop ${flagName(key)} (only ${RESUMABLE_CHANGES.map(
          flagName,
        )
          .join(', ')
          .replace(/, ([^,]*)$/, ' and $1')} may change), or start a new run`,
        2,
      );
    }
    options[key] = flags[key];
  }
  return options;
}
