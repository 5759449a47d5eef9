import { describe, expect, it } from 'vitest';
import { formatValue } from './format.js';

describe('formatValue', () => {
  it('prints up to 6 decimals without float noise or trailing zeros', () => {
    expect(formatValue(414.19999999)).toBe('414.2');
    expect(formatValue(0.1 + 0.2)).toBe('0.3');
    expect(formatValue(12)).toBe('12');
    expect(formatValue(-1.23456789)).toBe('-1.234568');
    expect(formatValue(-1e-9)).toBe('0');
    expect(formatValue(Number.NaN)).toBe('NaN');
  });
});
