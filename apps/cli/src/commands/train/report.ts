/**
 * What `rnnkit train` shows while it runs: for people a progress bar (epoch, step, loss,
 * tokens/s or, forecasting, windows/s, ETA) and one line per epoch on stderr; with `--json` one JSON object per event on
 * stdout and nothing else; with `--quiet` nothing until the result.
 */
import type { TaskEvent } from '@rnnkit/tasks';
import type { StopReason } from '@rnnkit/training';
import type { Io } from '../../io.js';
import { ProgressBar } from '../../util/progress-bar.js';

export type ReportMode = 'human' | 'json' | 'quiet';

/** `65.2` -> `1m05s`. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class TrainReport {
  private bar: ProgressBar | undefined;
  private totalEpochs = 0;
  /** What the throughput counts: tokens (text tasks) or windows (forecasting: examples/s). */
  private rateUnit: 'tokens' | 'windows' = 'tokens';
  /** Loss of every step (a resumed run's include the steps before the checkpoint). */
  stepLoss: number[] = [];
  /** Mean training loss of each finished epoch. */
  epochLoss: number[] = [];
  /** Validation loss by epoch (tasks that validate while training): [epoch, loss]. */
  validationLoss: Array<[number, number]> = [];
  /** Steps done and why training stopped, once it did. */
  steps = 0;
  stopReason: StopReason | undefined;

  constructor(
    private readonly io: Io,
    private readonly mode: ReportMode,
  ) {}

  /** A note for people (stderr), or an event for programs (stdout). */
  note(line: string, event: Record<string, unknown>): void {
    if (this.mode === 'json') this.io.out(JSON.stringify(event));
    else if (this.mode === 'human') this.io.err(`${this.io.isTTY ? '\r\x1b[K' : ''}${line}\n`);
  }

  /** A note for people only (nothing in --json or --quiet mode). */
  people(line: string): void {
    if (this.mode === 'human') this.io.err(`${line}\n`);
  }

  /** The result: shown in every mode (as JSON with --json). */
  result(line: string, event: Record<string, unknown>): void {
    if (this.mode === 'json') this.io.out(JSON.stringify(event));
    else this.io.out(line);
  }

  setEpochs(epochs: number): void {
    this.totalEpochs = epochs;
  }

  setRateUnit(unit: 'tokens' | 'windows'): void {
    this.rateUnit = unit;
  }

  onEvent(event: TaskEvent): void {
    switch (event.type) {
      case 'defaults':
        this.note(event.line, { type: 'defaults', line: event.line, options: event.options });
        return;
      case 'progress': {
        const p = event.progress;
        this.steps = p.step;
        if (this.mode === 'json') {
          this.io.out(JSON.stringify({ type: 'progress', ...p }));
          return;
        }
        if (this.mode === 'quiet' || p.totalSteps === undefined) return;
        this.bar ??= new ProgressBar(this.io, p.totalSteps, 'steps');
        const eta = p.etaMs === undefined ? '' : `  ETA ${duration(p.etaMs / 1000)}`;
        const rate = this.rateUnit === 'windows' ? p.examplesPerSecond : p.tokensPerSecond;
        this.bar.update(
          p.step,
          `epoch ${p.epoch + 1}/${this.totalEpochs}  loss ${p.loss.toFixed(4)}  ${Math.round(rate)} ${this.rateUnit}/s${eta}`,
        );
        return;
      }
      case 'validation':
        // shown on its epoch's line; programs get it on its own too
        if (this.mode === 'json')
          this.io.out(JSON.stringify({ type: 'validation', ...event.result }));
        return;
      case 'epoch': {
        const val = event.validation?.metrics ?? {};
        const metrics = Object.entries(val)
          .map(([k, v]) => `  val ${k} ${v.toFixed(4)}`)
          .join('');
        this.note(
          `epoch ${event.epoch + 1}/${this.totalEpochs}  train loss ${event.loss.toFixed(4)}${metrics}`,
          {
            type: 'epoch',
            epoch: event.epoch + 1,
            step: event.step,
            loss: event.loss,
            ...(event.validation ? { validation: val } : {}),
          },
        );
        return;
      }
      case 'done': {
        const h = event.history;
        // the whole run's curves, steps before a resumed checkpoint included
        this.stepLoss = h.loss;
        this.epochLoss = h.epochLoss;
        this.validationLoss = h.validation
          .filter((v) => v.metrics['loss'] !== undefined)
          .map((v) => [v.epoch + 1, v.metrics['loss']!]);
        this.steps = h.steps;
        this.stopReason = h.stopReason;
        this.note(`stopped (${h.stopReason}) after ${h.steps} steps, ${duration(event.seconds)}`, {
          type: 'done',
          stopReason: h.stopReason,
          steps: h.steps,
          seconds: event.seconds,
          epochLoss: h.epochLoss,
        });
      }
    }
  }
}
