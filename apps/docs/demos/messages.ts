/** The messages between a demo page and its worker (structured-clone plain data only). */
import type { BackendChoice } from './backend.js';
import type { DemoBackend } from './defaults.js';

export type ToWorker =
  | {
      type: 'start';
      backend: DemoBackend | null;
      text?: string;
      iterations?: number;
      epochs?: number;
      seed: number;
    }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'progress'; message: string }
  | ({ type: 'backend' } & BackendChoice)
  | {
      type: 'line';
      line: string;
      loss: number;
      prediction?: string;
      target?: string;
      /** Demo 1: the probability of the right next character at each position, after the update. */
      targetProbs?: number[];
    }
  | { type: 'epoch'; epoch: number; loss: number }
  | {
      type: 'result';
      /** Window number j of each test window, its truth and the model's prediction. */
      index: number[];
      truth: number[];
      predicted: number[];
      losses: number[];
      testMse: number;
      summary: string[];
    }
  | { type: 'done'; stopped: boolean; ms: number }
  | { type: 'error'; message: string };
