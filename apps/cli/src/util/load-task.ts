/**
 * Loads a saved task folder for the commands that use a model, on the backend `--backend` chose
 * (auto: the fastest that loads). A folder that is
 * not there, or holds no model at all, is said in the CLI's words (from the error's code); other
 * problems (a truncated weights.bin, a plain tfjs model, a backup left by an interrupted save)
 * keep the models package's message, which says what to do.
 */
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type LoadedTask, loadTask } from '@rnnkit/tasks';
import { type BackendChoice, type ChosenBackend, useBackend } from '../backend.js';
import { CliError, isUserError } from '../errors.js';
import type { Io } from '../io.js';

/**
 * The task saved in `model`, on its backend. The command says `backend.line` once its inputs are
 * read, just before it computes, so that a mistake in them is reported in one line.
 */
export async function loadModelFolder(
  model: string,
  io: Io,
  choice: BackendChoice | undefined,
): Promise<{ task: LoadedTask; backend: ChosenBackend }> {
  const backend = await useBackend(choice);
  return { task: await loadingModel(resolve(io.cwd, model), loadTask), backend };
}

/** Runs `load(dir)`, saying in the CLI's words when `dir` is missing or holds no model. */
export async function loadingModel<T>(dir: string, load: (dir: string) => Promise<T>): Promise<T> {
  try {
    return await load(dir);
  } catch (e) {
    if (!isUserError(e) || e.code !== 'MISSING_FILE') throw e;
    const entries = await readdir(dir).catch(() => null);
    if (entries === null) {
      throw new CliError(
        `no model folder ${dir}: give the folder rnnkit train --out saved (e.g. rnnkit-model)`,
        1,
      );
    }
    if (!entries.includes('model.json') && !entries.some((f) => f.startsWith('.'))) {
      throw new CliError(
        `${dir} holds no saved model (no rnnkit.json, model.json, weights.bin): give the folder rnnkit train --out saved`,
        1,
      );
    }
    throw e;
  }
}
