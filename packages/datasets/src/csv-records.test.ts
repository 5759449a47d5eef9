import { describe, expect, it } from 'vitest';
import { parseRecords } from './csv-records.js';

describe('parseRecords', () => {
  it('splits records and fields, marking quoted fields and first lines', () => {
    expect(parseRecords('a,b\n"x, ""y""",2\n', ',', undefined)).toEqual([
      { fields: ['a', 'b'], quoted: null, line: 1 },
      { fields: ['x, "y"', '2'], quoted: [true], line: 2 },
    ]);
  });

  it('counts the lines inside quoted fields, and skips blank lines', () => {
    const recs = parseRecords('a\n\n"1\n2\r\n3"\n\nb\n', ',', undefined);
    expect(recs.map((r) => [r.fields[0], r.line])).toEqual([
      ['a', 1],
      ['1\n2\r\n3', 3],
      ['b', 7],
    ]);
  });

  it('keeps a trailing empty field and an unquoted quote character', () => {
    expect(parseRecords('a,b,\nx"y,2,3', ',', undefined).map((r) => r.fields)).toEqual([
      ['a', 'b', ''],
      ['x"y', '2', '3'],
    ]);
  });
});
