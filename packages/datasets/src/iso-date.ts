/**
 * ISO 8601 dates for CSV date columns, checked strictly (the day must exist) and read as UTC so
 * that results do not depend on the machine's time zone.
 *
 * @example
 * ```ts
 * import { parseIsoDate } from '@rnnkit/datasets';
 * parseIsoDate('1958-03-01'); // -373593600000 (= Date.UTC(1958, 2, 1))
 * parseIsoDate('2021-02-29'); // NaN
 * ```
 */

/** YYYY-MM, YYYY-MM-DD, optionally with a time (seconds, fraction, Z or +hh:mm optional). */
export const ISO_DATE =
  /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?)?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since 1970 UTC of an ISO 8601 date, or NaN when it is not one or names a day that
 * does not exist (2021-02-29). A time without a zone is read as UTC, so results do not depend on
 * the machine's time zone.
 */
export function parseIsoDate(s: string): number {
  const m = ISO_DATE.exec(s);
  if (m === null) return Number.NaN;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = sec === undefined ? 0 : Number(sec);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : DAYS_IN_MONTH[month - 1]!;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second) + Number(frac ?? 0) * 1000;
  if (year < 100) ms = new Date(ms).setUTCFullYear(year); // Date.UTC maps 0..99 to 1900..1999
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}
