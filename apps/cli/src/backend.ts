/** Backend set-up for the CLI: the pure-JS `cpu` backend, deterministic for a seed. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

export async function useBackend(name: 'cpu' = 'cpu'): Promise<void> {
  // PROD only silences tfjs's console warnings (such as "install tfjs-node", which cannot
  // install here); numerics are unchanged.
  tf.env().set('PROD', true);
  await tf.setBackend(name);
  await tf.ready();
}
