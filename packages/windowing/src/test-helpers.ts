/** Test helper (excluded from the build): asserts a WindowingError with `code` and message. */
import { expect } from 'vitest';
import { WindowingError } from './errors.js';

export function throwsCode(fn: () => unknown, code: string, re?: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WindowingError);
    expect((e as WindowingError).code).toBe(code);
    if (re) expect((e as Error).message).toMatch(re);
    return;
  }
  throw new Error(`expected a ${code} WindowingError`);
}
