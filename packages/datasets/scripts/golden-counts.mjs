// Golden counts of the data set tests, computed straight from the shipped files with plain Node
// (none of this package's code), so that the tests compare the loaders with an independent count.
// Run from packages/datasets: node scripts/golden-counts.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const dir = (p) => dirname(require.resolve(`${p}/package.json`));

// Moby-Dick: characters (UTF-16 code units), lines, distinct characters, 5% test split.
const book = brotliDecompressSync(
  readFileSync(new URL('../data/moby-dick.txt.br', import.meta.url)),
).toString('utf8');
const lines = book.split('\n').length - (book.endsWith('\n') ? 1 : 0);
const nTest = Math.round(book.length * 0.05);
console.log('moby-dick', {
  bytes: Buffer.byteLength(book),
  chars: book.length,
  lines,
  distinct: new Set(book).size,
  train: book.length - nTest,
  test: nTest,
  last: JSON.stringify(book.slice(-40)),
});

// Sentiment: records without the empty {"text":"","class":null}; labels; duplicates (trimmed text).
for (const s of ['amazon', 'imdb', 'yelp']) {
  const all = JSON.parse(readFileSync(join(dir('sentiment'), `test/fixtures/${s}.json`), 'utf8'));
  const recs = all.filter((r) => !(r.text === '' && r.class === null));
  const texts = recs.map((r) => r.text.trim());
  console.log('sentiment', s, {
    raw: all.length,
    kept: recs.length,
    pos: recs.filter((r) => r.class === 1).length,
    neg: recs.filter((r) => r.class === 0).length,
    duplicates: texts.length - new Set(texts).size,
    nonAscii: texts.filter((t) => /[^ -~]/.test(t)).length,
    minLen: Math.min(...texts.map((t) => t.length)),
    maxLen: Math.max(...texts.map((t) => t.length)),
    chars: texts.reduce((n, t) => n + t.length, 0),
    last: texts.at(-1),
  });
}

// CO2: rows, first and last, extremes.
const csv = readFileSync(new URL('../data/co2-concentration.csv', import.meta.url), 'utf8')
  .trim()
  .split('\n');
const co2 = csv.slice(1).map((l) => Number(l.split(',')[1]));
console.log('co2', {
  header: csv[0],
  rows: csv.length - 1,
  first: csv[1],
  last: csv.at(-1),
  min: Math.min(...co2),
  max: Math.max(...co2),
});

// Names: list sizes, distinct names, names per number of lists, unambiguous names per language
// after dropping malformed names and names shorter than 2 characters.
const langs = ['de', 'en', 'es', 'fr', 'it', 'tr'];
const lists = Object.fromEntries(
  langs.map((l) => [l, require(join(dir('gender-detection-from-name'), `names/${l}.js`))]),
);
const by = new Map();
for (const l of langs) for (const n of lists[l].keys()) by.set(n, [...(by.get(n) ?? []), l]);
const ok = (n) => /^[\p{L}\p{M}]+(?:[ '’-][\p{L}\p{M}]+)*$/u.test(n) && [...n].length >= 2;
const single = Object.fromEntries(langs.map((l) => [l, 0]));
for (const [n, ls] of by) if (ls.length === 1 && ok(n)) single[ls[0]]++;
const hist = {};
for (const ls of by.values()) hist[ls.length] = (hist[ls.length] ?? 0) + 1;
console.log('names', {
  sizes: Object.fromEntries(langs.map((l) => [l, lists[l].size])),
  distinct: by.size,
  inLists: hist,
  kept: single,
  keptTotal: Object.values(single).reduce((a, b) => a + b),
  keepAll: [...by.keys()].filter(ok).length,
  space: [...by.keys()].filter((n) => n.includes(' ')).length,
  hyphen: [...by.keys()].filter((n) => n.includes('-')).length,
  deAlsoFr: [...lists.de.keys()].filter((n) => lists.fr.has(n)).length / lists.de.size,
  maria: by.get('maria'),
});

// CMUdict: entries, alternates, first pronunciations, phoneme inventories.
const { dictionary } = await import('cmu-pronouncing-dictionary');
const words = Object.keys(dictionary).filter((w) => !/\(\d+\)$/.test(w));
const phones = new Set(words.flatMap((w) => dictionary[w].split('#')[0].trim().split(' ')));
console.log('cmudict', {
  entries: Object.keys(dictionary).length,
  alternates: Object.keys(dictionary).length - words.length,
  words: words.length,
  phonemes: phones.size,
  unstressed: new Set([...phones].map((p) => p.replace(/[012]$/, ''))).size,
  comments: words.filter((w) => dictionary[w].includes('#')).length,
  dotOrHyphen: words.filter((w) => /[.-]/.test(w)).length,
  apostrophe: words.filter((w) => w.includes("'")).length,
  first: words[0],
  last: words.at(-1),
  zywicki: dictionary.zywicki,
});
