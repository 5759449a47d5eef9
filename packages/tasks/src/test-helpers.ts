/** Test setup shared by the task tests: the cpu backend, and a temporary folder. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export async function useCpu(): Promise<void> {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rnnkit-tasks-'));
  try {
    return await fn(join(dir, 'model'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A logger that keeps its lines. */
export function lines(): { log: (line: string) => void; lines: string[] } {
  const out: string[] = [];
  return { log: (l) => out.push(l), lines: out };
}
