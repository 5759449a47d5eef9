/**
 * The dispatcher between recurrent layers and recurrence kernels: every rnnkit recurrent layer
 * calls `runRecurrence`, which runs the kernel selected here.
 *
 * Neighbours in `recurrence/`: `contract.ts` (what a kernel takes and returns), `reference.ts` (the
 * ground truth), `select.ts` (the kernel in use); the fast kernel is in `fast/`, installed
 * through `../fast-seam.ts`.
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

/**
 * Kernels selectable by name: `default` is the seam's kernel (`FAST.recurrence`: the fast kernel
 * once the package is loaded, `fast/install.ts` installs it), `reference` the ground truth.
 */
const NAMED_KERNELS = {
  default: () => FAST.recurrence,
  reference: () => referenceRecurrence,
} as const satisfies Record<string, () => RecurrenceKernel>;

export type RecurrenceKernelName = keyof typeof NAMED_KERNELS;

let current: RecurrenceKernel = FAST.recurrence;

/** Selects the kernel every rnnkit recurrent layer runs from now on (process-wide). */
export function setRecurrenceKernel(kernel: RecurrenceKernel | RecurrenceKernelName): void {
  if (typeof kernel === 'function') {
    current = kernel;
    return;
  }
  if (!Object.hasOwn(NAMED_KERNELS, kernel)) {
    throw new ModelsError(
      'BAD_OPTION',
      `unknown recurrence kernel '${kernel}': expected a kernel function or one of ${Object.keys(NAMED_KERNELS).join(', ')}`,
    );
  }
  current = NAMED_KERNELS[kernel]();
}

/** The kernel in use. */
export function getRecurrenceKernel(): RecurrenceKernel {
  return current;
}

/** Runs the selected kernel: [batch, time, features] in, every step's h and the final state out. */
export function runRecurrence(inputs: RecurrenceInputs): RecurrenceOutputs {
  return current(inputs);
}
