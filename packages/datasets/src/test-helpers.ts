/** Helpers shared by this package's tests (not exported from the package). */
import { DatasetError } from './errors.js';

/** Runs `f` and returns the `DatasetError` it throws; fails the test if it throws nothing else. */
export function caught(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    if (e instanceof DatasetError) return e;
    throw e;
  }
  throw new Error('expected a DatasetError');
}
