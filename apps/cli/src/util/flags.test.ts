import { describe, expect, it } from 'vitest';
import { choiceFlag, durationFlag, intFlag, numberFlag, stringFlag } from './flags.js';

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

  it('reads durations: 90s, 10m, 1h30m, a bare number of seconds', () => {
    expect(durationFlag('time-budget', undefined)).toBeUndefined();
    expect(durationFlag('time-budget', '90s')).toBe(90);
    expect(durationFlag('time-budget', '10m')).toBe(600);
    expect(durationFlag('time-budget', '1h30m')).toBe(5400);
    expect(durationFlag('time-budget', '1m30s')).toBe(90);
    expect(durationFlag('time-budget', '2.5')).toBe(2.5);
    expect(durationFlag('time-budget', 45)).toBe(45);
    for (const bad of ['', '0', '-5s', '10 minutes', 'm', true]) {
      expect(() => durationFlag('time-budget', bad)).toThrow(
        /^--time-budget must be a duration such as 90s, 10m or 1h30m, got /,
      );
    }
  });
});
