/** Loads a saved task folder for the commands that use a model (cpu backend). */
import { resolve } from 'node:path';
import { type LoadedTask, loadTask } from '@rnnkit/tasks';
import { useBackend } from '../backend.js';

export async function loadModelFolder(model: string, cwd: string): Promise<LoadedTask> {
  await useBackend('cpu');
  return loadTask(resolve(cwd, model));
}
