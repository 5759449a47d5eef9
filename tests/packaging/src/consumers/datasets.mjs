// @rnnkit/datasets: load the data sets it ships (vendored in its data/ folder), and read a CSV.
import assert from 'node:assert/strict';
import { co2, DatasetError, fromCsv, mobyDick } from '@rnnkit/datasets';

const { data, size, licence } = await co2();
assert.equal(data.dates.length, 741);
assert.equal(data.dates[0], '1958-03-01');
const book = await mobyDick();
assert.equal(book.size, 1190317);
assert.ok(book.data.startsWith('CHAPTER 1. Loomings.'));
const table = fromCsv('t,v\n1,1.5\n2,2.5\n');
assert.deepEqual(Array.from(table.numbers('v')), [1.5, 2.5]);
assert.throws(() => fromCsv('t,v\n1,oops\n', { types: { v: 'number' } }), DatasetError);
console.log(
  `datasets ok: co2 ${data.dates.length} months (${size}), first ${data.dates[0]} ${data.values[0]} ppm; ${licence}; moby-dick ${book.size} chars`,
);
