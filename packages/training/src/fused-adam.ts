/**
 * Adam and AdamW as one JS pass over Float32Arrays per variable, bit for bit the numbers of tfjs's
 * `AdamOptimizer` (and of the op-by-op AdamW) on the cpu and wasm backends.
 *
 * tfjs's Adam dispatches 13 kernels per variable and 4 more per update (`mul`, `add`, `square`,
 * `div`, `sqrt`, `assign`...); for the small models rnnkit trains that dispatch costs more than the
 * arithmetic (about a quarter of a W2 step: bench/speed/profile-step.mjs, figures in
 * bench/speed/README.md). Here each
 * variable costs one gradient read and one tensor write. The moments live in JS arrays and reach
 * the optimizer's slot variables only when someone reads them (`getWeights`, which checkpoints use),
 * so the saved state is the one tfjs's Adam would have: same slot names, order and values.
 *
 * Bit-exactness: every tfjs op rounds its float32 result, and for +, -, *, / and sqrt of float32
 * values, computing in float64 then rounding once (`Math.fround`) gives the correctly rounded
 * float32 result (float64 has more than 2 x 24 + 2 bits). So replaying tfjs's op sequence with a
 * `fround` after each op reproduces the cpu backend (JS doubles stored to Float32Array) and wasm
 * (IEEE float32 ops) exactly; where WebAssembly SIMD runs, the pass is a small wasm module of
 * those float32 ops instead, same bits, several times faster (`adam-pass.ts`). On other backends
 * (webgl, webgpu) data lives on the GPU and a JS pass would cost readbacks: there the ops run as
 * tfjs's Adam does.
 *
 * @example
 * ```ts
 * const opt = new FusedAdamOptimizer(0.1, 0.9, 0.999, 1e-7);
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * opt.applyGradients([{ name: w.name, tensor: tf.tensor1d([0.5, 0.25]) }]);
 * w.dataSync(); // Float32Array [0.9, -2.1] (the first Adam step moves each weight by lr)
 * ```
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamPass } from './adam-pass.js';
import type { NamedTensor } from './clipping.js';

/** Backends whose tensors live in JS-reachable memory, where the fused pass is exact and cheap. */
const FUSED_BACKENDS = new Set(['cpu', 'wasm']);

/** What `tf.AdamOptimizer` keeps private in its typings (stable across tfjs 4). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}

/** A variable's values as last written by this optimizer, valid while its dataId is unchanged. */
interface ValueCache {
  dataId: object;
  values: Float32Array;
}

const f32 = Math.fround;

/**
 * Adam (Kingma & Ba 2015) with tfjs's exact numbers, one JS pass per variable on cpu and wasm.
 * A drop-in `tf.AdamOptimizer`: `getWeights`/`setWeights`, `getConfig` and the class name are
 * tfjs's, so checkpoints and serialised configs are interchangeable with `tf.train.adam`.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Run the fused JS pass on cpu and wasm (default). false: always tfjs's op-by-op update, the
   * reference the fused pass is tested against.
   */
  fused = true;
  /** Decoupled weight decay (AdamW); 0 for plain Adam. */
  protected decay = 0;
  /** Moments per slot (the position of the variable in the gradient list, as tfjs indexes them). */
  private m: (Float32Array | undefined)[] = [];
  private v: (Float32Array | undefined)[] = [];
  private names: string[] = [];
  private shapes: number[][] = [];
  private accB1 = 0;
  private accB2 = 0;
  private cache: (ValueCache | undefined)[] = [];
  /** The JS arrays above hold the state (else the slot variables do). */
  private jsValid = false;
  /** The slot variables hold the state (else only the JS arrays do). */
  private varsValid = true;

  private get internals(): AdamInternals {
    return this as unknown as AdamInternals;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (!this.fused || !FUSED_BACKENDS.has(tf.getBackend())) {
      this.flush();
      this.jsValid = false;
      this.applyDecayOps(variableGradients);
      super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const o = this.internals;
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({
          name,
          tensor: (variableGradients as tf.NamedTensorMap)[name] as tf.Tensor,
        }));
    if (!this.jsValid) this.load();
    // the scalars exactly as tfjs makes them: float32 tensors of JS doubles
    const b1 = f32(o.beta1);
    const b2 = f32(o.beta2);
    const omb1 = f32(1 - o.beta1);
    const omb2 = f32(1 - o.beta2);
    const eps = f32(o.epsilon);
    const negLr = f32(-o.learningRate);
    const keep = f32(1 - o.learningRate * this.decay); // AdamWOptimizer's tf.mul(v, keep)
    const omab1 = f32(1 - this.accB1);
    const omab2 = f32(1 - this.accB2);
    const registered = tf.engine().registeredVariables;
    const inPlace = tf.getBackend() === 'wasm';
    list.forEach(({ name, tensor: grad }, i) => {
      const variable = registered[name];
      if (!variable) return;
      const n = variable.size;
      if (this.m[i] === undefined) {
        this.m[i] = new Float32Array(n);
        this.v[i] = new Float32Array(n);
        this.names[i] = name;
      }
      this.shapes[i] = variable.shape;
      if (grad == null && this.decay === 0) return; // tfjs's Adam skips it (slots made)
      const cached = this.cache[i];
      const hit = cached !== undefined && cached.dataId === variable.dataId;
      const w = hit ? cached.values : (variable.dataSync() as Float32Array);
      // wasm copies a new tensor's values into its heap: our own copy of w can be updated in
      // place (out[j] depends on w[j] only), which spares the garbage collector an array per
      // variable per step. The cpu backend keeps the array it is given, and clones share it:
      // there every update writes a fresh one.
      const out = hit && inPlace ? w : new Float32Array(n);
      if (grad == null) {
        for (let j = 0; j < n; j++) out[j] = f32((w[j] as number) * keep); // AdamW: decay only
      } else {
        adamPass(
          w,
          grad.dataSync() as Float32Array,
          this.m[i] as Float32Array,
          this.v[i] as Float32Array,
          out,
          { b1, b2, omb1, omb2, omab1, omab2, eps, negLr, keep },
        );
      }
      const t = tf.tensor(out, variable.shape, 'float32');
      variable.assign(t);
      t.dispose();
      this.cache[i] = { dataId: variable.dataId, values: out };
    });
    this.accB1 = f32(this.accB1 * b1);
    this.accB2 = f32(this.accB2 * b2);
    this.varsValid = false;
    o.incrementIterations();
  }

  /** The decoupled decay as tfjs ops (AdamW on GPU backends); nothing for Adam. */
  protected applyDecayOps(_variableGradients: tf.NamedTensorMap | NamedTensor[]): void {}

  /**
   * Writes the JS state into tfjs's slot variables (creating them as tfjs's Adam names them), so
   * `getWeights` and anything reading the slots see the current state.
   */
  flush(): void {
    if (this.varsValid) return;
    const o = this.internals;
    tf.tidy(() => {
      this.m.forEach((m, i) => {
        if (m === undefined) return;
        const v = this.v[i] as Float32Array;
        const name = this.names[i] as string;
        // copies: the cpu backend keeps the arrays it is given and these keep changing
        const slots: [typeof o.accumulatedFirstMoment, string, Float32Array][] = [
          [o.accumulatedFirstMoment, `${name}/m`, m],
          [o.accumulatedSecondMoment, `${name}/v`, v],
        ];
        for (const [list, originalName, values] of slots) {
          const t = tf.tensor(values.slice(), [values.length], 'float32');
          const shaped = tf.reshape(t, this.shapes[i] ?? [values.length]);
          const slot = list[i];
          if (slot) slot.variable.assign(shaped);
          else list[i] = { originalName, variable: tf.keep(tf.variable(shaped, false)) };
        }
      });
      o.accBeta1.assign(tf.scalar(this.accB1));
      o.accBeta2.assign(tf.scalar(this.accB2));
    });
    this.varsValid = true;
  }

  /** Marks the slot variables as the state (after they were written from outside). */
  reload(): void {
    this.flush();
    this.jsValid = false;
    this.cache = [];
  }

  /** Reads the state from the slot variables (after `setWeights`, or at the first update). */
  private load(): void {
    const o = this.internals;
    this.m = [];
    this.v = [];
    this.names = [];
    this.shapes = [];
    this.cache = [];
    o.accumulatedFirstMoment.forEach((slot, i) => {
      const second = o.accumulatedSecondMoment[i];
      if (!slot || !second) return;
      this.m[i] = Float32Array.from(slot.variable.dataSync() as Float32Array);
      this.v[i] = Float32Array.from(second.variable.dataSync() as Float32Array);
      this.names[i] = slot.originalName.replace(/\/m$/, '');
      this.shapes[i] = slot.variable.shape;
    });
    this.accB1 = o.accBeta1.dataSync()[0] as number;
    this.accB2 = o.accBeta2.dataSync()[0] as number;
    this.jsValid = true;
  }

  override async getWeights(): Promise<NamedTensor[]> {
    this.flush();
    return super.getWeights();
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.flush();
    await super.setWeights(weightValues);
    this.jsValid = false;
    this.varsValid = true;
    this.cache = [];
  }
}

/**
 * The optimizer as a fused Adam, or undefined. (`instanceof` cannot tell: tfjs's `Optimizer`
 * defines `Symbol.hasInstance` as "has minimize and applyGradients", true of every optimizer.)
 */
export function asFusedAdam(optimizer: tf.Optimizer): FusedAdamOptimizer | undefined {
  return Object.prototype.isPrototypeOf.call(FusedAdamOptimizer.prototype, optimizer)
    ? (optimizer as FusedAdamOptimizer)
    : undefined;
}

/**
 * AdamW (Loshchilov & Hutter 2019): w <- w (1 - lr wd), then the Adam step on the decayed w
 * (PyTorch's `AdamW` order), fused like {@link FusedAdamOptimizer}. Decays every variable given.
 */
export class AdamWOptimizer extends FusedAdamOptimizer {
  static override get className(): string {
    return 'AdamW';
  }
  readonly weightDecay: number;
  constructor(
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    weightDecay: number,
  ) {
    super(learningRate, beta1, beta2, epsilon);
    this.weightDecay = weightDecay;
    this.decay = weightDecay;
  }
  protected override applyDecayOps(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const names = Array.isArray(variableGradients)
      ? variableGradients.map((v) => v.name)
      : Object.keys(variableGradients);
    const keep = 1 - (this as unknown as AdamInternals).learningRate * this.weightDecay;
    tf.tidy(() => {
      for (const name of names) {
        const v = tf.engine().registeredVariables[name];
        if (v) v.assign(tf.mul(v, keep));
      }
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}
