/**
 * What `rnnkit train` shows while it runs: for people a progress bar (epoch, step, loss,
 * tokens/s, ETA) and one line per epoch on stderr; with `--json` one JSON object per event on
 * stdout and nothing else; with `--quiet` nothing until the result.
 */
import type { TaskEvent } from '@rnnkit/tasks';
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
  private epoch = -1;
  private epochSum = 0;
  private epochCount = 0;
  private totalEpochs = 0;
  /** Loss of every step reported. */
  readonly stepLoss: number[] = [];
  /** Mean training loss of each finished epoch. */
  readonly epochLoss: number[] = [];
  /** Validation loss by epoch (tasks that validate while training). */
  readonly validationLoss: Array<[number, number]> = [];

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

  onEvent(event: TaskEvent): void {
    switch (event.type) {
      case 'defaults':
        this.note(event.line, { type: 'defaults', line: event.line, options: event.options });
        return;
      case 'progress': {
        const p = event.progress;
        if (p.epoch !== this.epoch) {
          this.endEpoch();
          this.epoch = p.epoch;
        }
        this.stepLoss.push(p.loss);
        this.epochSum += p.loss;
        this.epochCount += 1;
        if (this.mode === 'json') {
          this.io.out(JSON.stringify({ type: 'progress', ...p }));
          return;
        }
        if (this.mode === 'quiet' || p.totalSteps === undefined) return;
        this.bar ??= new ProgressBar(this.io, p.totalSteps, 'steps');
        const eta = p.etaMs === undefined ? '' : `  ETA ${duration(p.etaMs / 1000)}`;
        this.bar.update(
          p.step,
          `epoch ${p.epoch + 1}/${this.totalEpochs}  loss ${p.loss.toFixed(4)}  ${Math.round(p.tokensPerSecond)} tokens/s${eta}`,
        );
        return;
      }
      case 'validation': {
        const loss = event.result.metrics['loss'];
        if (loss !== undefined) this.validationLoss.push([event.result.epoch + 1, loss]);
        const metrics = Object.entries(event.result.metrics)
          .map(([k, v]) => `${k} ${v.toFixed(4)}`)
          .join('  ');
        this.note(`validation epoch ${event.result.epoch + 1}  ${metrics}`, {
          type: 'validation',
          ...event.result,
        });
        return;
      }
      case 'done':
        this.endEpoch();
        this.note(
          `stopped (${event.history.stopReason}) after ${event.history.steps} steps, ${duration(event.seconds)}`,
          {
            type: 'done',
            stopReason: event.history.stopReason,
            steps: event.history.steps,
            seconds: event.seconds,
            epochLoss: event.history.epochLoss,
          },
        );
    }
  }

  /** One line for the epoch that just ended. */
  private endEpoch(): void {
    if (this.epoch < 0 || this.epochCount === 0) return;
    const loss = this.epochSum / this.epochCount;
    this.epochLoss.push(loss);
    this.note(`epoch ${this.epoch + 1}/${this.totalEpochs}  train loss ${loss.toFixed(4)}`, {
      type: 'epoch',
      epoch: this.epoch + 1,
      loss,
    });
    this.epochSum = 0;
    this.epochCount = 0;
  }
}
