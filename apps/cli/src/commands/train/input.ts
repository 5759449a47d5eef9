/**
 * Reads the training data of a task from `--data <file>` or `--dataset <name>`, turning every
 * problem into a one-line error that names the file.
 */
import { resolve } from 'node:path';
import { fromTextFile } from '@rnnkit/datasets';
import { CliError } from '../../errors.js';
import { findDataset } from '../datasets/registry.js';
import type { TrainSettings } from './options.js';

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

export async function readTextInput(settings: TrainSettings, cwd: string): Promise<TextInput> {
  if (settings.dataset !== undefined) {
    const ds = await loadDataset(settings.dataset, 'text');
    return { text: ds.data as string, source: `dataset ${ds.name}` };
  }
  const file = resolve(cwd, settings.data!);
  const text = await fromTextFile(file);
  if (text.trim().length === 0) {
    throw new CliError(`${file} is empty: give a text file with some text to learn from`, 1);
  }
  if (text.length < 2) {
    throw new CliError(`${file} has ${text.length} character: give at least 2`, 1);
  }
  return { text, source: file };
}
