/**
 * The page side of the harness: a page entry registers named async functions, and the harness
 * (`PageSession.call`) runs them from Node. Arguments and results travel as JSON, so return plain
 * numbers, strings and arrays (`Array.from(typedArray)`), never tensors.
 *
 * @example
 * ```ts
 * import { expose } from '../page-api.js';
 * expose({ add: async (arg) => (arg as { a: number; b: number }).a + (arg as { a: number; b: number }).b });
 * // in the test: await session.call('add', { a: 1, b: 2 }) // 3
 * ```
 */
export type PageFunctions = Record<string, (arg: never) => unknown>;

/** Makes `fns` callable by the harness; call it once, when the page is ready. */
export function expose(fns: PageFunctions): void {
  const call = async (name: string, arg: unknown): Promise<unknown> => {
    const fn = fns[name];
    if (fn === undefined) {
      throw new Error(
        `the page has no function '${name}': it exposes ${Object.keys(fns).join(', ')}`,
      );
    }
    return (fn as (a: unknown) => unknown)(arg);
  };
  (window as unknown as { __rnnkit: unknown }).__rnnkit = { call };
}
