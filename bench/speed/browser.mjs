#!/usr/bin/env node
// W1 in Chromium: rnnkit's user path (manyToMany + createTrainer, its defaults) against stock
// tfjs-layers (sequential + trainOnBatch) in the same page, on the page's backends: wasm (tfjs's
// SIMD build) and webgl, which here is SwiftShader (WebGL on the CPU, no GPU on this machine: the
// renderer is printed). The page is cross-origin isolated (COOP/COEP headers; BENCH_ISOLATED=0:
// not, the protocol before the worker configurations), and rnnkit also trains in a dedicated
// worker of it: `worker1` with its fast kernel on one thread, `worker2` with the kernel's second
// thread (a nested Web Worker; tfjs's own wasm threads off in both). On the page's main thread
// tfjs wasm picks its threads itself (more than one in an isolated page: printed). The page is
// tests/browser/src/pages/w1-bench.ts, opened with the browser tests' harness (Vite + Debian's
// Chromium through playwright-core), loaded here through Vite's runnerImport (it is TypeScript).
// Configurations alternate within each round (BENCH_ROUNDS, default 2; BENCH_QUICK=1: 1 round,
// shorter runs); each figure is the median over rounds of each configuration's median run.
//
// Prints (each with its unit):
//   BENCH browser.w1.lstm256.<engine>.<backend>.tokens_per_s   engine rnnkit|stock, backend wasm|webgl
//   BENCH browser.w1.lstm256.rnnkit.worker1|worker2.tokens_per_s   rnnkit in the page's worker
//   BENCH browser.w1.lstm256.worker_threads.speedup   worker2 / worker1, per round
//   BENCH browser.w1.lstm256.ratio_vs_stock   rnnkit's best configuration / stock's best, per round
// and, with RELAXED_AB=1 (or `node bench/speed/browser.mjs ab`), rnnkit on wasm with its gate
// module's relaxed SIMD fused (Chromium's default) against the same module with V8's FMA off
// (`--js-flags=--no-enable-fma3`: relaxed_madd becomes a multiply and an add, the plain module's
// arithmetic), in separate browsers alternating: BENCH browser.w1.lstm256.relaxed_fma.speedup.
//
// With `threads` (`node bench/speed/browser.mjs threads`), only worker1 against worker2,
// alternating for max(BENCH_ROUNDS, 6) rounds: BENCH browser.w1.lstm256.worker_threads.speedup.
// Runs in the worker print where the two threads wait for each other (ms a step, warm-up
// included: `recurrenceThreadInfo`'s waitedMs and secondBusyMs).
//
// With `main`, rnnkit on the page's main thread of an isolated page on tfjs wasm's threaded build
// (what tfjs loads there) and on its one-thread SIMD build (`WASM_HAS_MULTITHREAD_SUPPORT` false),
// of a page that is not isolated (the one-thread build), and in the isolated page's worker1,
// order rotating for max(BENCH_ROUNDS, 4) rounds: BENCH browser.w1.lstm256.rnnkit.
// main_threaded_build|main_one_thread_build|main_not_isolated|worker1.tokens_per_s, and
// browser.w1.lstm256.main_one_thread_vs_threaded_build (per round).
//
// With `profile`, CPU profiles (Chromium's sampling profiler through CDP) of rnnkit's
// configurations, one measurement each: worker2's two threads (the page's worker and its nested
// worker), worker1's and the page's main thread (`wasm`): written as .cpuprofile files to
// BENCH_PROFILE_DIR (default <tmpdir>/rnnkit-browser-profile; Chrome DevTools opens them) and each
// thread's largest self times printed.
//
// Usage: node bench/speed/browser.mjs [ab|threads|main|profile]   (needs the packages built and /usr/bin/chromium)
import { createRequire } from 'node:module';
import { w1Ids } from './workloads.mjs';

const root = new URL('../../', import.meta.url);
const browserTests = new URL('tests/browser/', root);
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2));
const AB = process.argv.includes('ab') || process.env.RELAXED_AB === '1';
/** `threads`: only the A/B of the kernel's second thread in the worker (worker1 vs worker2). */
const THREADS_AB = process.argv.includes('threads');
/** `main`: rnnkit on the page's main thread, isolated page and not, against worker1. */
const MAIN = process.argv.includes('main');
/** `profile`: CPU profiles of worker2's two threads (the page's worker and its nested worker). */
const PROFILE = process.argv.includes('profile');
const ISOLATED = process.env.BENCH_ISOLATED !== '0';
const [cell, units] = ['lstm', 256];
const name = `browser.w1.${cell}${units}`;

// the harness is TypeScript: Vite (a dependency of the browser tests) loads it
const requireVite = createRequire(new URL('package.json', browserTests));
const { runnerImport } = await import(requireVite.resolve('vite'));
const { module: harness } = await runnerImport(new URL('src/harness.ts', browserTests).pathname);
const wasmDir = `${requireVite.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, '')}dist`;

const batches = w1Ids().map(({ x, y }) => ({ x: Array.from(x), y: Array.from(y) }));
/**
 * Warm-up and runs: rnnkit on wasm as common.mjs times W1 (shorter); the configurations whose
 * steps take seconds (stock, and anything on SwiftShader's webgl) a warm-up step and a few steps.
 */
const FAST = {
  warmup: QUICK ? 3 : 5,
  warmupSeconds: QUICK ? 1 : 3,
  runs: 3,
  steps: 5,
  seconds: QUICK ? 1 : 2,
};
const SLOW = { warmup: 1, warmupSeconds: 0, runs: QUICK ? 1 : 2, steps: QUICK ? 1 : 2, seconds: 0 };
const planOf = (engine, backend) => (engine === 'rnnkit' && backend !== 'webgl' ? FAST : SLOW);
/** Where a configuration runs: the page's main thread, or its worker with 1 or 2 kernel threads. */
const WORKER = { worker1: 1, worker2: 'auto' };

const med = (xs) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const bench = (n, v, unit) => {
  if (Number.isFinite(v)) console.log(`BENCH ${n} ${Number(v.toPrecision(4))} ${unit}`);
};

async function open(jsFlags, isolated = ISOLATED) {
  return harness.openPage({
    entry: new URL('src/pages/w1-bench.ts', browserTests),
    mounts: { '/tfjs-wasm/': wasmDir },
    webgl: true,
    isolated,
    chromiumArgs: jsFlags ? [`--js-flags=${jsFlags}`] : [],
  });
}

/**
 * One configuration in `session` (backend wasm|webgl, or worker1|worker2: rnnkit in the page's
 * worker on wasm): its median tokens/s (NaN, said on stderr, if it failed).
 */
async function w1(session, engine, where, plan = planOf(engine, where)) {
  const threads = WORKER[where];
  const backend = threads === undefined ? where : 'wasm';
  try {
    const args = { engine, backend, cell, units, batches, ...plan };
    const r = await session.call(
      threads === undefined ? 'w1' : 'w1Worker',
      threads === undefined ? args : { ...args, threads },
    );
    if (r.backend !== backend) throw new Error(`ran on ${r.backend}, not ${backend}`);
    if (threads !== undefined && r.secondThread.sent > 0 !== (threads !== 1))
      throw new Error(`${where}: ${r.secondThread.sent} halves went to the second thread`);
    if (threads !== undefined && r.secondThread.sent > 0) {
      // where the two threads wait for each other, per step (warm-up included)
      const per = (ms) => (ms / r.steps).toFixed(1);
      const { waitedMs, secondBusyMs } = r.secondThread;
      console.error(
        `# ${engine} ${where}: ${per(r.ms)} ms a step; the kernel's thread waited ${per(waitedMs)} ms of it for the second, which computed ${per(secondBusyMs)} ms (idle ${per(r.ms - secondBusyMs)})`,
      );
    }
    if (r.wasmThreads > 1) console.error(`# ${engine} ${where}: tfjs ran ${r.wasmThreads} threads`);
    if (r.tensors.end !== r.tensors.start)
      console.error(`# ${engine} ${backend}: ${r.tensors.end - r.tensors.start} tensors left`);
    return med(r.rates);
  } catch (e) {
    console.error(`# ${engine} on ${backend} failed: ${e.message.split('\n')[0]}`);
    return Number.NaN;
  }
}

/**
 * Measures `a` and `b` for `rounds` rounds, which goes first alternating (so neither always runs
 * right after the other's load), and prints each round as `label`: both sides' figures, in order.
 */
async function alternate(rounds, a, b, label) {
  const [as, bs] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const pair = [async () => as.push(await a()), async () => bs.push(await b())];
    for (const run of r % 2 === 0 ? pair : pair.reverse()) await run();
    const f = (v) => Math.round(v);
    console.error(`# ${label} round ${r + 1}: ${f(as.at(-1))} against ${f(bs.at(-1))} tokens/s`);
  }
  return [as, bs];
}

/**
 * CDP sessions of the page's workers, nested ones included (Target auto-attach, not flattened:
 * playwright's CDP session speaks to the page only, so a worker's messages come wrapped in
 * Target.receivedMessageFromTarget, a nested worker's wrapped twice). `workers()` lists them as
 * { url, send(method, params) }.
 */
async function workerSessions(page) {
  const cdp = await page.context().newCDPSession(page);
  const found = [];
  const pending = new Map();
  let nextId = 1;
  /** Sends through the chain of session ids `path` (outermost first). */
  const sendVia = (path, method, params = {}) => {
    const id = nextId++;
    let msg = { id, method, params };
    for (let i = path.length - 1; i > 0; i--) {
      msg = {
        id: nextId++,
        method: 'Target.sendMessageToTarget',
        params: { sessionId: path[i], message: JSON.stringify(msg) },
      };
    }
    const done = new Promise((ok, fail) =>
      pending.set(id, (m) => (m.error ? fail(new Error(m.error.message)) : ok(m.result))),
    );
    void cdp.send('Target.sendMessageToTarget', {
      sessionId: path[0],
      message: JSON.stringify(msg),
    });
    return done;
  };
  const attach = (path, info) => {
    found.push({ url: info.url, send: (method, params) => sendVia(path, method, params) });
    const autoAttach = { autoAttach: true, waitForDebuggerOnStart: false, flatten: false };
    void sendVia(path, 'Target.setAutoAttach', autoAttach);
  };
  /** A message from the session at `path`: a reply, or a nested worker's message or attach. */
  const receive = (path, m) => {
    if (m.id !== undefined && pending.has(m.id)) {
      pending.get(m.id)(m);
      pending.delete(m.id);
    } else if (m.method === 'Target.attachedToTarget') {
      attach([...path, m.params.sessionId], m.params.targetInfo);
    } else if (m.method === 'Target.receivedMessageFromTarget') {
      receive([...path, m.params.sessionId], JSON.parse(m.params.message));
    }
  };
  cdp.on('Target.attachedToTarget', (e) => attach([e.sessionId], e.targetInfo));
  cdp.on('Target.receivedMessageFromTarget', (e) => receive([e.sessionId], JSON.parse(e.message)));
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  return {
    workers: () => [...found],
    page: { url: page.url(), send: (method, params) => cdp.send(method, params) },
  };
}

/** Self time per function of a CPU profile, the largest `top`, as [share, name] pairs. */
function selfTimes(profile, top) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').at(-1)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => [v / total, k]);
}

if (PROFILE) {
  // CPU profiles of rnnkit's configurations (the profiler slows them: shares, not times):
  // worker2's two threads, worker1's thread and the page's main thread
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = process.env.BENCH_PROFILE_DIR ?? join(tmpdir(), 'rnnkit-browser-profile');
  mkdirSync(dir, { recursive: true });
  const s = await open(null, true);
  /** Runs `where` with the profiler on `threads` ([label, session]) and prints their self times. */
  const profiled = async (where, threads) => {
    for (const [, t] of threads) {
      await t.send('Profiler.enable');
      await t.send('Profiler.setSamplingInterval', { interval: 500 });
      await t.send('Profiler.start');
    }
    const rate = await w1(s, 'rnnkit', where);
    console.error(`# profiled ${where}: ${Math.round(rate)} tokens/s (slowed by the profiler)`);
    for (const [label, t] of threads) {
      const { profile } = await t.send('Profiler.stop');
      const file = join(dir, `${where}-${label.replace(/\W+/g, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.error(`# ${where}, ${label}: ${file}; self time:`);
      for (const [share, fn] of selfTimes(profile, 18))
        console.error(`#   ${(100 * share).toFixed(1).padStart(5)}%  ${fn}`);
    }
  };
  try {
    const cdp = await workerSessions(s.page);
    // a short run first: it starts the page's worker, its wasm backend and the nested worker
    await w1(s, 'rnnkit', 'worker2', { ...FAST, warmup: 2, warmupSeconds: 0, runs: 1, steps: 1 });
    const [kernel, nested] = cdp.workers();
    if (nested === undefined)
      throw new Error(`${cdp.workers().length} workers attached, expected 2`);
    await profiled('worker2', [
      ["the page's worker (the kernel's thread)", kernel],
      ['the nested worker', nested],
    ]);
    await profiled('worker1', [["the page's worker", kernel]]);
    await profiled('wasm', [["the page's main thread", cdp.page]]);
  } finally {
    await s.close();
  }
  process.exit(0);
}

if (MAIN) {
  // rnnkit on the page's main thread: an isolated page with tfjs wasm's threaded build (what it
  // loads there), the same page kept on the one-thread SIMD build, a page that is not isolated
  // (one-thread build too), and the isolated page's worker1 (one-thread build, in a worker)
  const [iso, isoOne, plain] = [
    await open(null, true),
    await open(null, true),
    await open(null, false),
  ];
  await isoOne.call('oneThreadWasm', null);
  const runs = { threaded: [], oneThread: [], plain: [], worker1: [] };
  const configs = [
    ['threaded', () => w1(iso, 'rnnkit', 'wasm')],
    ['oneThread', () => w1(isoOne, 'rnnkit', 'wasm')],
    ['plain', () => w1(plain, 'rnnkit', 'wasm')],
    ['worker1', () => w1(iso, 'rnnkit', 'worker1')],
  ];
  try {
    for (let r = 0; r < Math.max(ROUNDS, 4); r++) {
      for (let c = 0; c < configs.length; c++) {
        const [key, run] = configs[(c + r) % configs.length];
        runs[key].push(await run());
      }
      const f = (k) => Math.round(runs[k].at(-1));
      console.error(
        `# main-thread round ${r + 1}: isolated page, threaded build ${f('threaded')}, one-thread build ${f('oneThread')}; page not isolated ${f('plain')}; worker1 ${f('worker1')} tokens/s`,
      );
    }
  } finally {
    for (const s of [iso, isoOne, plain]) await s.close();
  }
  bench(`${name}.rnnkit.main_threaded_build.tokens_per_s`, med(runs.threaded), 'tokens/s');
  bench(`${name}.rnnkit.main_one_thread_build.tokens_per_s`, med(runs.oneThread), 'tokens/s');
  bench(`${name}.rnnkit.main_not_isolated.tokens_per_s`, med(runs.plain), 'tokens/s');
  bench(`${name}.rnnkit.worker1.tokens_per_s`, med(runs.worker1), 'tokens/s');
  const ratio = med(runs.oneThread.map((v, i) => v / runs.threaded[i]));
  bench(`${name}.main_one_thread_vs_threaded_build`, ratio, 'x');
  process.exit(0);
}

if (THREADS_AB) {
  // the kernel's second thread on and off in the isolated page's worker
  const ab = await open();
  let one;
  let two;
  try {
    [one, two] = await alternate(
      Math.max(ROUNDS, 6),
      () => w1(ab, 'rnnkit', 'worker1'),
      () => w1(ab, 'rnnkit', 'worker2'),
      'threads A/B (one kernel thread, two)',
    );
  } finally {
    await ab.close();
  }
  bench(`${name}.rnnkit.worker1.tokens_per_s`, med(one), 'tokens/s');
  bench(`${name}.rnnkit.worker2.tokens_per_s`, med(two), 'tokens/s');
  bench(`${name}.worker_threads.speedup`, med(two.map((t, i) => t / one[i])), 'x');
  process.exit(0);
}

const session = await open();
try {
  const info = await session.call('info', null);
  console.error(
    `# browser: ${info.userAgent.match(/Chrom\w*\/[\d.]+/)?.[0]}, WebGL renderer ${info.webgl}, rnnkit's gate module ${info.simdVariant}; page ${info.isolated ? 'cross-origin isolated' : 'not isolated (wasm: one thread)'}; measured on a shared machine`,
  );
  const configs = [
    'rnnkit.wasm',
    ...(info.isolated ? ['rnnkit.worker1', 'rnnkit.worker2'] : []),
    'rnnkit.webgl',
    'stock.wasm',
    'stock.webgl',
  ];
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const x = {};
    for (const c of configs) x[c] = await w1(session, ...c.split('.'));
    const best = (e) =>
      Math.max(
        ...configs
          .filter((c) => c.startsWith(`${e}.`))
          .map((c) => x[c])
          .filter(Number.isFinite),
      );
    x.ratio = best('rnnkit') / best('stock');
    x.speedup = x['rnnkit.worker2'] / x['rnnkit.worker1'];
    rounds.push(x);
    console.error(
      `# ${name} round ${r + 1}: ${configs.map((c) => `${c} ${Math.round(x[c])}`).join(', ')} tokens/s; ratio ${x.ratio.toFixed(1)}`,
    );
  }
  for (const c of configs)
    bench(`${name}.${c}.tokens_per_s`, med(rounds.map((x) => x[c])), 'tokens/s');
  bench(`${name}.ratio_vs_stock`, med(rounds.map((x) => x.ratio)), 'x');
  bench(`${name}.worker_threads.speedup`, med(rounds.map((x) => x.speedup)), 'x');
  if (session.errors().length > 0) console.error(`# page errors: ${session.errors().join('; ')}`);
} finally {
  await session.close();
}

if (AB) {
  // relaxed SIMD's FMA on (Chromium's default) and off, one browser each, calls alternating
  const [on, off] = [await open(null), await open('--no-enable-fma3')];
  let fused;
  let unfused;
  try {
    [fused, unfused] = await alternate(
      Math.max(ROUNDS, 4),
      () => w1(on, 'rnnkit', 'wasm'),
      () => w1(off, 'rnnkit', 'wasm'),
      'relaxed A/B (fma, no fma)',
    );
  } finally {
    await on.close();
    await off.close();
  }
  bench(`${name}.relaxed_fma.tokens_per_s`, med(fused), 'tokens/s');
  bench(`${name}.relaxed_no_fma.tokens_per_s`, med(unfused), 'tokens/s');
  bench(`${name}.relaxed_fma.speedup`, med(fused.map((f, i) => f / unfused[i])), 'x');
}
