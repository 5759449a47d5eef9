import { describe, expect, it } from 'vitest';
import { choiceFlag, intFlag, numberFlag, stringFlag } from './flags.js';

describe('flag checks', () => {
  it('passes undefined through and takes the last of a repeated flag', () => {
    expect(intFlag('units', undefined, 1)).toBeUndefined();
    expect(intFlag('units', ['8', '16'], 1)).toBe(16);
    expect(numberFlag('lr', '0.01', 0, 1)).toBe(0.01);
    expect(choiceFlag('cell', 'gru', ['lstm', 'gru'])).toBe('gru');
    expect(stringFlag('prime', 12)).toBe('12');
  });

  it('throws usage errors (exit 2) that name the flag and the value', () => {
    expect(() => intFlag('units', '1.5', 1)).toThrow(
      '--units must be a whole number >= 1, got "1.5"',
    );
    expect(() => numberFlag('lr', 'x', 0, 1)).toThrow('--lr must be a number in [0, 1], got "x"');
    expect(() => choiceFlag('cell', 'x', ['lstm'])).toThrow('--cell must be one of lstm, got "x"');
    expect(() => stringFlag('prime', true)).toThrow('--prime needs a value');
    try {
      intFlag('units', '0', 1);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
