/**
 * The dispatcher between recurrent layers and recurrence kernels: every rnnkit recurrent layer
 * calls `runRecurrence`, which runs the kernel selected here.
 *
 * Neighbours in `recurrence/`: `contract.ts` (what a kernel takes and returns), `reference.ts` (the
 * ground truth), `select.ts` (the kernel in use); the fast kernel is in `fast/`.
 *
 * @example
 * ```ts
 * import { getRecurrenceKernel, setRecurrenceKernel } from '@rnnkit/models';
 * setRecurrenceKernel('reference'); // per-step tfjs ops, the ground truth
 * getRecurrenceKernel().name;       // 'referenceRecurrence'
 * setRecurrenceKernel('default');   // back to the kernel rnnkit ships as the default
 * ```
 */
import { ModelsError } from '../errors.js';
import { FAST } from '../fast-seam.js';
import type { RecurrenceInputs, RecurrenceKernel, RecurrenceOutputs } from './contract.js';
import { referenceRecurrence } from './reference.js';

/** The kernel layers use unless `setRecurrenceKernel` chose another. The one place to change it. */
const DEFAULT_KERNEL: RecurrenceKernel = FAST.recurrence;

/** Kernels selectable by name. */
const NAMED_KERNELS = {
  default: DEFAULT_KERNEL,
  reference: referenceRecurrence,
} as const satisfies Record<string, RecurrenceKernel>;

export type RecurrenceKernelName = keyof typeof NAMED_KERNELS;

let current: RecurrenceKernel = DEFAULT_KERNEL;

/** Selects the kernel every rnnkit recurrent layer runs from now on (process-wide). */
export function setRecurrenceKernel(kernel: RecurrenceKernel | RecurrenceKernelName): void {
  if (typeof kernel === 'function') {
    current = kernel;
    return;
  }
  const named = (NAMED_KERNELS as Record<string, RecurrenceKernel>)[kernel];
  if (named == null) {
    throw new ModelsError(
      'BAD_OPTION',
      `unknown recurrence kernel '${kernel}': expected a kernel function or one of ${Object.keys(NAMED_KERNELS).join(', ')}`,
    );
  }
  current = named;
}

/** The kernel in use. */
export function getRecurrenceKernel(): RecurrenceKernel {
  return current;
}

/** Runs the selected kernel: [batch, time, features] in, every step's h and the final state out. */
export function runRecurrence(inputs: RecurrenceInputs): RecurrenceOutputs {
  return current(inputs);
}
