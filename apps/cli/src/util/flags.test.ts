import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceFlag, durationFlag, intFlag, numberFlag, stringFlag } from './flags.js';

describe('flag checks', () => {
  it('passes undefined through and takes the last of a repeated flag', () => {
    expect(intFlag('units', undefined, 1)).toBeUndefined();
    expect(intFlag('units', ['8', '16'], 1)).toBe(16);
    expect(numberFlag('lr', '0.01', 0, 1)).toBe(0.01);
    expect(numberFlag('lr', 0.5, 0, 1)).toBe(0.5); // a config file's number
    expect(choiceFlag('cell', 'gru', ['lstm', 'gru'])).toBe('gru');
    expect(stringFlag('prime', 12)).toBe('12');
  });

  it('keeps every string exactly as typed', () => {
    for (const s of ['007', '', '0x10', '-1', '1e3', ' spaced ', '--x']) {
      expect(stringFlag('prime', s)).toBe(s);
    }
    fc.assert(fc.property(fc.string(), (s) => stringFlag('prime', s) === s));
  });

  it('takes decimal numbers only: 0x10, 1e, "" and " " are not numbers', () => {
    expect(intFlag('units', '007', 1)).toBe(7);
    expect(numberFlag('lr', '1e-3', 0, 1)).toBe(0.001);
    expect(numberFlag('lr', '.5', 0, 1)).toBe(0.5);
    for (const bad of ['0x10', '1e', '', ' ', 'Infinity', '1,5']) {
      expect(() => numberFlag('clip', bad, 0, 1e9)).toThrow(/^--clip must be a number/);
    }
  });

  it('throws usage errors (exit 2) that name the flag and the value as typed', () => {
    expect(() => intFlag('units', '1.5', 1)).toThrow(
      '--units must be a whole number >= 1, got "1.5"',
    );
    expect(() => numberFlag('lr', '-1', 1e-8, 10, 'learning rate')).toThrow(
      '--lr (learning rate) must be a number in [1e-8, 10], got "-1"',
    );
    expect(() => choiceFlag('cell', 'x', ['lstm'])).toThrow('--cell must be one of lstm, got "x"');
    expect(() => stringFlag('prime', true)).toThrow('--prime needs a value');
    try {
      intFlag('units', '0', 1);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });

  it('reads durations in seconds: 90, 90s, 10m, 1h30m, 1.5h', () => {
    expect(durationFlag('time-budget', undefined)).toBeUndefined();
    expect(durationFlag('time-budget', '90')).toBe(90);
    expect(durationFlag('time-budget', 90)).toBe(90);
    expect(durationFlag('time-budget', '90s')).toBe(90);
    expect(durationFlag('time-budget', '10m')).toBe(600);
    expect(durationFlag('time-budget', '1h30m')).toBe(5400);
    expect(durationFlag('time-budget', '1.5h')).toBe(5400);
    expect(durationFlag('time-budget', '2m30s')).toBe(150);
    for (const bad of ['', '0', '10x', 'm', '10 m', '1h30', '-5m', '5m5m5']) {
      expect(() => durationFlag('time-budget', bad)).toThrow(
        /^--time-budget must be a duration (> 0 )?such as 90s, 10m or 1h30m, got/,
      );
    }
  });

  it('reads durations: 90s, 10m, 1h30m, a bare number of seconds', () => {
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
