import { describe, expect, it } from 'vitest';
import {
  BASE_TIERS,
  defaultsLine,
  keptExamples,
  resolveCommon,
  resolveSized,
  sizeTiers,
} from './common.js';
import { forecasting } from './forecasting/index.js';
import { useCpu } from './test-helpers.js';

const series = Array.from({ length: 120 }, (_, t) => Math.sin(t / 3) + t / 50);

describe('runs', () => {
  it('stop at the time budget and on abort, and still return a usable task', async () => {
    await useCpu();
    const events: string[] = [];
    const f = await forecasting.train(
      series,
      { units: 4, seqLength: 8, epochs: 50, timeBudgetSeconds: 0, progressEvery: 1 },
      { logger: () => {}, onEvent: (e) => events.push(e.type) },
    );
    expect(events[0]).toBe('defaults');
    expect(events.at(-1)).toBe('done');
    expect(events.filter((e) => e === 'progress')).toHaveLength(1);
    expect(f.forecast(3)).toHaveLength(3);
    f.dispose();
    const stop = new AbortController();
    stop.abort();
    let steps = -1;
    const g = await forecasting.train(
      series,
      { units: 4, seqLength: 8, epochs: 50 },
      {
        signal: stop.signal,
        logger: () => {},
        onEvent: (e) => {
          if (e.type === 'done') steps = e.history.steps;
        },
      },
    );
    expect(steps).toBeLessThanOrEqual(1);
    g.dispose();
  });
});

describe('defaults', () => {
  it('picks the tier by size and checks the common options over it', () => {
    const tiers = sizeTiers({ large: { epochs: 1 }, medium: { epochs: 2 }, small: { epochs: 3 } });
    const at = (size: number, options = {}) => resolveSized(options, tiers, size, 100, 10);
    expect(at(100).sized).toBe(tiers.large);
    expect(at(99).common).toMatchObject({ cell: 'lstm', units: 64, epochs: 2, batchSize: 32 });
    expect(at(9, { units: 8 }).common).toMatchObject({ units: 8, epochs: 3, batchSize: 16 });
    expect(() => at(9, { epochs: 0 })).toThrow(/epochs must be an integer >= 1/);
  });

  it('keeps the examples the options allow, announces the line for them, or says what to raise', () => {
    const lines: string[] = [];
    const events: unknown[] = [];
    const hooks = { logger: (l: string) => lines.push(l), onEvent: (e: unknown) => events.push(e) };
    const defaults = (n: number) => ({ resolved: { max: n > 3 ? 2 : 5 }, line: `${n} kept` });
    const keep = (o: { max: number }) =>
      ['a', 'bbb', 'cc', 'dddd'].filter((t) => t.length <= o.max);
    const none = (o: { max: number }) => `nothing within ${o.max}: raise max`;
    const { o, rows } = keptExamples(['a', 'bbb', 'cc', 'dddd'], defaults, keep, none, hooks);
    expect(o).toEqual({ max: 2 }); // the tier of all 4 examples
    expect(rows).toEqual(['a', 'cc']);
    expect(lines).toEqual(['2 kept']);
    expect(events).toEqual([{ type: 'defaults', line: '2 kept', options: { max: 2 } }]);
    expect(() => keptExamples(['x', 'y', 'z', 'w'], defaults, () => [], none, {})).toThrow(
      expect.objectContaining({ code: 'BAD_DATA', message: expect.stringMatching(/raise max/) }),
    );
  });

  it('builds size tiers over the base tiers, each tier its own fields over them', () => {
    const tiers = sizeTiers({
      large: { epochs: 6 },
      medium: { units: 96, epochs: 15 },
      small: { cell: 'gru', epochs: 30, batchSize: 8 },
    });
    expect(tiers).toEqual({
      large: { cell: 'lstm', units: 128, batchSize: 64, epochs: 6 },
      medium: { cell: 'lstm', units: 96, batchSize: 32, epochs: 15 },
      small: { cell: 'gru', units: 32, batchSize: 8, epochs: 30 },
    });
    expect(BASE_TIERS.medium).toEqual({ cell: 'lstm', units: 64, batchSize: 32 });
  });

  it('marks the options the caller set', () => {
    expect(defaultsLine('x', { units: 8, epochs: 2 }, { units: 8 }, 10, 'examples')).toBe(
      'x: units 8 (set), epochs 2 (defaults for 10 examples)',
    );
  });

  it('lets every common option override the sized default, and checks it', () => {
    const sized = { cell: 'lstm' as const, units: 64, epochs: 3, batchSize: 32 };
    expect(resolveCommon({ units: 8, cell: 'gru', learningRate: 0.1 }, sized)).toMatchObject({
      units: 8,
      cell: 'gru',
      learningRate: 0.1,
      epochs: 3,
    });
    expect(() => resolveCommon({ dropout: 1 }, sized)).toThrow(
      /dropout must be a number in \[0, 0.99\]/,
    );
    expect(() => resolveCommon({ batchSize: 2.5 }, sized)).toThrow(
      /batchSize must be an integer >= 1/,
    );
  });
});
