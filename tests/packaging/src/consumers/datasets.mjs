// @rnnkit/datasets: load a data set from the files its npm dependencies ship, and read a CSV.
import assert from 'node:assert/strict';
import { co2, DatasetError, fromCsv } from '@rnnkit/datasets';

const { data, size, licence } = await co2();
assert.equal(data.dates.length, 741);
assert.equal(data.dates[0], '1958-03-01');
const table = fromCsv('t,v\n1,1.5\n2,2.5\n');
assert.deepEqual(Array.from(table.numbers('v')), [1.5, 2.5]);
assert.throws(() => fromCsv('t,v\n1,oops\n', { types: { v: 'number' } }), DatasetError);
console.log(
  `datasets ok: co2 ${data.dates.length} months (${size}), first ${data.dates[0]} ${data.values[0]} ppm; ${licence}`,
);
