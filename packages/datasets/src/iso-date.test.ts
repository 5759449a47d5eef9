import { describe, expect, it } from 'vitest';
import { parseIsoDate } from './iso-date.js';

describe('parseIsoDate', () => {
  it('reads valid forms, rejects days that do not exist, handles years before 100', () => {
    expect(parseIsoDate('1958-03-01')).toBe(Date.UTC(1958, 2, 1));
    expect(parseIsoDate('2020-01-01T00:00:00.250Z')).toBe(Date.UTC(2020, 0, 1) + 250);
    expect(parseIsoDate('0050-06-01')).toBe(new Date('0050-06-01T00:00:00Z').getTime());
    expect(parseIsoDate('2020-13-01')).toBeNaN();
    expect(parseIsoDate('2020-04-31')).toBeNaN();
    expect(parseIsoDate('2020-01-01T24:00')).toBeNaN();
    expect(parseIsoDate('01/02/2020')).toBeNaN();
  });

  it('reads a time without a zone as UTC, and applies offsets', () => {
    expect(parseIsoDate('2020-03-01T12:30')).toBe(Date.UTC(2020, 2, 1, 12, 30));
    expect(parseIsoDate('2020-03-01T12:30-0130')).toBe(Date.UTC(2020, 2, 1, 14, 0));
    expect(parseIsoDate('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseIsoDate('1900-02-29')).toBeNaN();
  });
});
