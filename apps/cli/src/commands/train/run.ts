/** What each task runner of `rnnkit train` gets, and what it gives back. */
import type { TaskHooks, TaskSaveOptions } from '@rnnkit/tasks';
import type { TrainSettings } from './options.js';
import type { TrainReport } from './report.js';

export interface TrainRun {
  settings: TrainSettings;
  report: TrainReport;
  /** Folder relative paths start from. */
  cwd: string;
  /** Standard input, for `--data -`. */
  stdin: () => Promise<Uint8Array>;
  /** Passed to the task's `train` as they are. */
  hooks: TaskHooks;
}

/** A trained task, before it is saved. */
export interface TrainedModel {
  /** Held-out evaluation, reported through the run's report. */
  afterTraining?: () => Promise<void> | void;
  /** Writes the artifact; `options.weights` is `--weights`. */
  save(dir: string, options: TaskSaveOptions): Promise<void>;
  dispose(): void;
}
