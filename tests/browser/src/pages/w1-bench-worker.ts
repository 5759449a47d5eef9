/**
 * The W1 bench page's dedicated worker (`w1-bench.ts`): W1's training (`w1-train.ts`) with
 * rnnkit's fast kernel on one thread (`threads: 1`) or with its second thread (`'auto'`: a nested
 * Web Worker, where the page is cross-origin isolated). tfjs's own wasm threads are off here: the
 * kernel's second thread is the extra thread.
 */
import '@rnnkit/models/web-threads';
import {
  type RecurrenceThreads,
  setRecurrenceThreads,
  startRecurrenceThreads,
} from '@rnnkit/models';
import { type RecurrenceThreadInfo, recurrenceThreadInfo } from '@rnnkit/models/kernels';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { type W1Args, type W1Result, w1 } from './w1-train.js';
import { serveCalls } from './worker-rpc.js';

tf.env().set('PROD', true);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
setWasmPaths('/tfjs-wasm/');

export interface W1WorkerResult extends W1Result {
  /** the second thread when the run ended (sent and the times: during the run) */
  secondThread: RecurrenceThreadInfo;
}

serveCalls({
  w1: async (a: W1Args & { threads: RecurrenceThreads }): Promise<W1WorkerResult> => {
    if (!(await tf.setBackend(a.backend))) throw new Error(`backend '${a.backend}' failed`);
    setRecurrenceThreads(a.threads);
    if (a.threads !== 1 && !(await startRecurrenceThreads({ wasmPaths: '/tfjs-wasm/' }))) {
      throw new Error(`no second thread: ${recurrenceThreadInfo().error ?? 'not isolated?'}`);
    }
    const before = recurrenceThreadInfo();
    const r = await w1(a);
    const info = recurrenceThreadInfo();
    const secondThread = {
      ...info,
      sent: info.sent - before.sent,
      waitedMs: info.waitedMs - before.waitedMs,
      secondBusyMs: info.secondBusyMs - before.secondBusyMs,
    };
    return { ...r, secondThread };
  },
});
