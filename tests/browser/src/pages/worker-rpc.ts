/**
 * Calls into a dedicated worker from a page: the page side (`workerCaller`) posts
 * `{ id, name, arg }` and resolves with the worker's `{ id, result }` (or rejects with its
 * `error`); the worker side (`serveCalls`) runs the named function. For pages whose work must run
 * in a worker (the fast kernel's second thread needs one).
 *
 * @example
 * ```ts
 * // page: const call = workerCaller(new Worker(new URL('./w.ts', import.meta.url), { type: 'module' }));
 * // worker: serveCalls({ add: async ({ a, b }) => a + b });
 * await call('add', { a: 1, b: 2 }); // 3
 * ```
 */

type Fns = Record<string, (arg: never) => unknown>;

interface Answer {
  id: number;
  result?: unknown;
  error?: string;
}

/** The page side: a function that calls the worker's functions by name. */
export function workerCaller(worker: Worker): (name: string, arg: unknown) => Promise<unknown> {
  let next = 1;
  const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  worker.onmessage = (e: MessageEvent<Answer>) => {
    const w = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    if (e.data.error !== undefined) w?.fail(new Error(e.data.error));
    else w?.ok(e.data.result);
  };
  worker.onerror = (e) => {
    for (const w of waiting.values()) w.fail(new Error(`worker error: ${e.message}`));
    waiting.clear();
  };
  return (name, arg) =>
    new Promise((ok, fail) => {
      const id = next++;
      waiting.set(id, { ok, fail });
      worker.postMessage({ id, name, arg });
    });
}

/** The worker side: answers the page's calls with `fns`. */
export function serveCalls(fns: Fns): void {
  const scope = globalThis as unknown as {
    onmessage: (e: MessageEvent<{ id: number; name: string; arg: unknown }>) => void;
    postMessage: (m: Answer) => void;
  };
  scope.onmessage = async (e) => {
    const { id, name, arg } = e.data;
    try {
      const fn = fns[name];
      if (fn === undefined) throw new Error(`the worker has no function '${name}'`);
      scope.postMessage({ id, result: await (fn as (a: unknown) => unknown)(arg) });
    } catch (err) {
      scope.postMessage({
        id,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
  };
}
