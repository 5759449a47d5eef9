// Timings of @rnnkit/datasets, printed as `BENCH <name> <value> <unit>` lines: each loader's first
// call in this process (cold: reads and parses the shipped files) and the median of 3 more calls
// (warm: files in the OS cache, CommonJS/ESM modules already loaded), then reader throughput on a
// synthetic 8 MB CSV (a date, 3 numeric columns, a quoted text column with commas) and a 8 MB JSONL
// file. Not under bench/packages/ because bench/ does not depend on @rnnkit/datasets yet.
// Run from packages/datasets after `npx tsc -p tsconfig.build.json`: node scripts/timings.mjs
import {
  cmuDict,
  co2,
  fromCsv,
  fromJsonl,
  mobyDick,
  namesByLanguage,
  sentimentSentences,
} from '../dist/index.js';

const now = () => performance.now();
// CPU time of this process (user + system), in ms: steadier than wall time on a shared machine.
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(name, load) {
  let t = now();
  const first = await load();
  const cold = now() - t;
  const warm = [];
  for (let r = 0; r < 3; r++) {
    t = now();
    await load();
    warm.push(now() - t);
  }
  console.log(`BENCH datasets.${name}.cold_ms ${cold.toFixed(0)} ms`);
  console.log(`BENCH datasets.${name}.warm_ms ${median(warm).toFixed(0)} ms`);
  return first;
}

await time('moby_dick', mobyDick);
await time('sentiment', sentimentSentences);
await time('co2', co2);
await time('names', namesByLanguage);
await time('cmudict', cmuDict);

// 8 MB of CSV: about 110k rows.
const rows = ['date,a,b,c,note'];
let size = 0;
for (let i = 0; size < 8e6; i++) {
  const day = String((i % 28) + 1).padStart(2, '0');
  const row = `2020-01-${day},${(i * 0.37).toFixed(3)},${-i},${Math.sin(i).toFixed(6)},"row ${i}, with a comma and ""quotes"""`;
  rows.push(row);
  size += row.length + 1;
}
const csv = rows.join('\n');
const jsonl = Array.from({ length: Math.round(8e6 / 60) }, (_, i) =>
  JSON.stringify({ text: `sentence number ${i} of the benchmark`, label: i % 2 }),
).join('\n');
for (const [name, text, parse] of [
  ['from_csv', csv, (t) => fromCsv(t)],
  ['from_jsonl', jsonl, (t) => fromJsonl(t)],
]) {
  const ms = [];
  const cpuMs = [];
  for (let r = 0; r < 3; r++) {
    const t = now();
    const c = cpu();
    parse(text);
    ms.push(now() - t);
    cpuMs.push(cpu() - c);
  }
  const mb = text.length / 1e6;
  console.log(`BENCH datasets.${name}.mb_per_s ${(mb / (median(ms) / 1000)).toFixed(1)} MB/s`);
  console.log(
    `BENCH datasets.${name}.cpu_mb_per_s ${(mb / (median(cpuMs) / 1000)).toFixed(1)} MB/s`,
  );
}
