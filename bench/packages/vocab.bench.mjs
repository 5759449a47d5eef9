// Vocab figures, on the Moby-Dick text of @rnnkit/datasets's mobyDick() (1.2 MB, UTF-8):
// - vocab.char.mb_per_s: build a code point vocab from the text and encode the whole text
//   (target >= 20 MB/s);
// - vocab.word.mb_per_s: the same with the default word tokenizer (target >= 5 MB/s);
// - vocab.stream.peak_rss_mb: peak RSS of the process while a 100 MB generated file (the text
//   repeated) is streamed from disk into a word vocab (target < 200 MB: memory follows the vocab,
//   not the corpus). The streamed vocab is checked against the vocab of one copy of the text.
// Speeds are the median wall-clock time of 9 timed runs after 2 warm-up runs; 1 MB = 10^6 bytes
// of UTF-8. The comment lines also give the median CPU time and the load average: on a shared
// machine the wall-clock figure drops with the load, the CPU-time one much less.
// Run: pnpm --filter @rnnkit/vocab --filter @rnnkit/datasets build && node --expose-gc bench/packages/vocab.bench.mjs
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { mobyDick } from '@rnnkit/datasets';
import { charTokenizer, Vocab, wordTokenizer } from '@rnnkit/vocab';

const WARMUP = 2;
const RUNS = 9;
const STREAM_BYTES = 100e6;
const CHUNK_BYTES = 1 << 16; // fs.createReadStream's default highWaterMark

const text = (await mobyDick()).data;
const mb = Buffer.byteLength(text, 'utf8') / 1e6;

// --- streaming first, so the peak RSS is not inflated by the timed runs' garbage -------------
const big = path.join(tmpdir(), `rnnkit-vocab-bench-${process.pid}.txt`);
try {
  // Written copy by copy (never 100 MB in memory); '\n' keeps the last word of one copy apart
  // from the first of the next, so every count is exactly `copies` times that of one copy.
  const copy = Buffer.from(`${text}\n`, 'utf8');
  const copies = Math.ceil(STREAM_BYTES / copy.length);
  const fd = openSync(big, 'w');
  for (let i = 0; i < copies; i++) writeSync(fd, copy);
  closeSync(fd);

  globalThis.gc?.();
  const rss0 = process.memoryUsage.rss();
  let peak = rss0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, 5);
  async function* sampled(stream) {
    for await (const chunk of stream) {
      sample();
      yield chunk;
    }
  }
  const t0 = performance.now();
  const streamed = await Vocab.fromStream(
    sampled(createReadStream(big, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })),
    { tokenizer: wordTokenizer() },
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  // maxRSS (KB) is the kernel's peak for the whole process so far: generation and streaming only.
  const maxRss = (process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  const sampledPeak = peak / 2 ** 20;

  const reference = Vocab.fromTexts([`${text}\n`], { tokenizer: wordTokenizer() });
  const same =
    streamed.size === reference.size && streamed.tokens.every((t, i) => t === reference.tokens[i]);
  if (!same) throw new Error('the streamed vocab differs from the vocab of one copy of the text');
  console.error(
    `# streamed ${((copies * copy.length) / 1e6).toFixed(0)} MB (${copies} copies) in ` +
      `${seconds.toFixed(1)} s into ${streamed.size} words; RSS before ${(rss0 / 2 ** 20).toFixed(0)} MB, ` +
      `sampled peak ${sampledPeak.toFixed(0)} MB, maxRSS ${maxRss.toFixed(0)} MB`,
  );
  // Report the larger of the two peaks: an upper bound, whichever one missed a spike.
  console.log(`BENCH vocab.stream.peak_rss_mb ${Math.max(sampledPeak, maxRss).toFixed(0)} MB`);
} finally {
  rmSync(big, { force: true });
}

// --- throughput ----------------------------------------------------------------------------
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** MB/s of building a vocab from the text and encoding the text with it. */
function speed(tokenizer) {
  const times = [];
  const cpuTimes = [];
  let checksum = 0; // use the ids, so that nothing can be optimised away
  // No gc() between runs: a forced full GC makes V8 drop optimised code that embeds objects that
  // died ("weak objects" deopts), so every run would start cold and measure the harness instead.
  globalThis.gc?.();
  for (let r = 0; r < WARMUP + RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const vocab = Vocab.fromTexts([text], { tokenizer });
    const ids = vocab.encode(text);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    checksum = (checksum + ids.length + ids[ids.length - 1] + vocab.size) | 0;
    if (r >= WARMUP) {
      times.push(ms);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
    }
  }
  const ms = median(times);
  const cpuMs = median(cpuTimes);
  console.error(
    `# ${tokenizer.name}: median ${ms.toFixed(1)} ms wall (${(mb / (ms / 1000)).toFixed(1)} MB/s), ` +
      `${cpuMs.toFixed(1)} ms CPU (${(mb / (cpuMs / 1000)).toFixed(1)} MB/s) for ${mb.toFixed(2)} MB; ` +
      `load average ${loadavg()[0].toFixed(1)} (checksum ${checksum})`,
  );
  return mb / (ms / 1000);
}

console.log(`BENCH vocab.char.mb_per_s ${speed(charTokenizer()).toFixed(1)} MB/s`);
console.log(`BENCH vocab.word.mb_per_s ${speed(wordTokenizer()).toFixed(1)} MB/s`);
