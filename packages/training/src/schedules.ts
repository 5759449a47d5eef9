/**
 * Learning-rate schedules: the rate of update number `step` (0-based) from the base rate, plus
 * reduce-on-plateau, which listens to a monitored value. State is plain JSON for checkpoints.
 *
 * @example
 * ```ts
 * const s = createSchedule({ type: 'cosine', warmupSteps: 2, totalSteps: 10 }, 0.1);
 * [0, 1, 2, 6, 10].map((k) => +s.learningRate(k).toFixed(4)); // [0.05, 0.1, 0.1, 0.05, 0]
 * ```
 */
import { checkInt, checkNumber, TrainingError } from './errors.js';

export type ScheduleConfig =
  /** The base rate throughout (the default). */
  | { type: 'constant' }
  /** lr = base * gamma^floor(step / stepSize) (PyTorch `StepLR`); gamma default 0.1. */
  | { type: 'step'; stepSize: number; gamma?: number }
  /**
   * lr = base * decayRate^(step / decaySteps), floored exponent with `staircase` (Keras
   * `ExponentialDecay`); decaySteps default 1.
   */
  | { type: 'exponential'; decayRate: number; decaySteps?: number; staircase?: boolean }
  /**
   * Linear warm-up from base/warmupSteps to base over `warmupSteps` updates, then half a cosine
   * from base down to `minLearningRate` at `totalSteps` (Loshchilov & Hutter 2017, SGDR without
   * restarts); flat at the minimum after totalSteps.
   */
  | { type: 'cosine'; totalSteps: number; warmupSteps?: number; minLearningRate?: number }
  /**
   * Keras `ReduceLROnPlateau`: multiply the rate by `factor` (default 0.1) when the monitored
   * value (the train loop's `monitor`, default val_loss) has not improved by more than `minDelta`
   * (default 1e-4) for `patience` (default 10) evaluations; then wait `cooldown` (default 0)
   * evaluations; never below `minLearningRate` (default 0). Patience counts as Keras does: the
   * rate drops on the `patience`-th evaluation in a row without improvement.
   */
  | {
      type: 'plateau';
      factor?: number;
      patience?: number;
      minDelta?: number;
      cooldown?: number;
      minLearningRate?: number;
    };

/** What a checkpoint keeps of a schedule (only reduce-on-plateau has any). */
export interface ScheduleState {
  /** Plateau: the current rate. */
  learningRate?: number;
  /** Plateau: best value seen (null before the first). */
  best?: number | null;
  /** Plateau: evaluations without improvement. */
  wait?: number;
  /** Plateau: evaluations left in the cool-down. */
  cooldown?: number;
}

export interface Schedule {
  readonly config: ScheduleConfig;
  /** The rate for update number `step` (0-based: step 0 is the first update). */
  learningRate(step: number): number;
  /**
   * Reports a monitored value (lower is better), e.g. the validation loss after an evaluation;
   * returns true when the rate changed. Only reduce-on-plateau reacts.
   */
  observe(value: number): boolean;
  state(): ScheduleState;
  restore(state: ScheduleState): void;
}

export function createSchedule(config: ScheduleConfig | undefined, base: number): Schedule {
  const c: ScheduleConfig = config ?? { type: 'constant' };
  const fixed = (learningRate: (step: number) => number): Schedule => ({
    config: c,
    learningRate,
    observe: () => false,
    state: () => ({}),
    restore: () => {},
  });
  switch (c.type) {
    case 'constant':
      return fixed(() => base);
    case 'step': {
      const stepSize = checkInt('schedule.stepSize', c.stepSize, 1);
      const gamma = checkNumber('schedule.gamma', c.gamma ?? 0.1, 0);
      return fixed((step) => base * gamma ** Math.floor(step / stepSize));
    }
    case 'exponential': {
      const rate = checkNumber('schedule.decayRate', c.decayRate, 0);
      const every = checkInt('schedule.decaySteps', c.decaySteps ?? 1, 1);
      return fixed((step) => {
        const p = step / every;
        return base * rate ** (c.staircase ? Math.floor(p) : p);
      });
    }
    case 'cosine': {
      const total = checkInt('schedule.totalSteps', c.totalSteps, 1);
      const warmup = checkInt('schedule.warmupSteps', c.warmupSteps ?? 0, 0);
      if (warmup >= total) {
        throw new TrainingError(
          'BAD_OPTION',
          `schedule.warmupSteps (${warmup}) must be less than totalSteps (${total}): shorten the warm-up`,
        );
      }
      const min = checkNumber('schedule.minLearningRate', c.minLearningRate ?? 0, 0, base);
      return fixed((step) => {
        if (step < warmup) return (base * (step + 1)) / warmup;
        const t = Math.min(1, (step - warmup) / (total - warmup)); // progress in [0, 1]
        return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t));
      });
    }
    case 'plateau': {
      const factor = checkNumber('schedule.factor', c.factor ?? 0.1, 0, 1);
      if (factor >= 1) {
        throw new TrainingError('BAD_OPTION', 'schedule.factor must be < 1 so that the rate drops');
      }
      const patience = checkInt('schedule.patience', c.patience ?? 10, 0);
      const minDelta = checkNumber('schedule.minDelta', c.minDelta ?? 1e-4, 0);
      const cooldownLength = checkInt('schedule.cooldown', c.cooldown ?? 0, 0);
      const min = checkNumber('schedule.minLearningRate', c.minLearningRate ?? 0, 0);
      let lr = base;
      let best: number | null = null;
      let wait = 0;
      let cooldown = 0;
      return {
        config: c,
        learningRate: () => lr,
        // Keras ReduceLROnPlateau.on_epoch_end, step for step (including its cooldown quirk)
        observe(value) {
          if (cooldown > 0) {
            cooldown--;
            wait = 0;
          }
          if (best === null || value < best - minDelta) {
            best = value;
            wait = 0;
            return false;
          }
          if (cooldown > 0) return false;
          if (++wait < patience || lr <= min) return false;
          lr = Math.max(lr * factor, min);
          cooldown = cooldownLength;
          wait = 0;
          return true;
        },
        state: () => ({ learningRate: lr, best, wait, cooldown }),
        restore(s) {
          lr = s.learningRate ?? base;
          best = s.best ?? null;
          wait = s.wait ?? 0;
          cooldown = s.cooldown ?? 0;
        },
      };
    }
    default:
      throw new TrainingError(
        'BAD_OPTION',
        `unknown schedule ${JSON.stringify((c as { type: unknown }).type)}: expected constant, step, exponential, cosine or plateau`,
      );
  }
}
