/**
 * Adam and AdamW as one pass over the Float32Arrays of all variables, bit for bit the numbers of tfjs's
 * `AdamOptimizer` (and of the op-by-op AdamW) on the cpu and wasm backends.
 *
 * tfjs's Adam dispatches 13 kernels per variable and 4 more per update (`mul`, `add`, `square`,
 * `div`, `sqrt`, `assign`...); for the small models rnnkit trains that dispatch costs more than the
 * arithmetic (about a quarter of a W2 step: bench/speed/profile-step.mjs, figures in
 * bench/speed/README.md). Here each
 * variable costs one gradient copy and one tensor write, and the update is one call over all of
 * them (`AdamArena`). The moments live in that arena and reach the optimizer's slot variables only
 * when someone reads them (`getWeights`, which checkpoints use), so the saved state is the one
 * tfjs's Adam would have: same slot names, order and values.
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
import { AdamArena, type AdamScalars } from './adam-pass.js';
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

const f32 = Math.fround;

/** The wasm backend's fields read by {@link readInto} (stable across tfjs 4). */
interface WasmData {
  dataIdMap?: { has(id: object): boolean; get(id: object): { memoryOffset?: number | null } };
  wasm?: { HEAPF32?: Float32Array };
}

/**
 * Copies a float32 tensor's values into `dst`: on the wasm backend straight from its heap (a
 * `dataSync` there copies them into a new array first, garbage each step), elsewhere through
 * `dataSync` (the cpu backend returns its own array, no copy).
 */
function readInto(t: tf.Tensor, dst: Float32Array): void {
  const be = tf.backend() as unknown as WasmData;
  const heap = be.wasm?.HEAPF32;
  if (heap !== undefined && be.dataIdMap?.has(t.dataId) === true) {
    const at = be.dataIdMap.get(t.dataId).memoryOffset;
    if (typeof at === 'number') {
      dst.set(heap.subarray(at >>> 2, (at >>> 2) + t.size));
      return;
    }
  }
  dst.set(t.dataSync() as Float32Array);
}

/**
 * Adam (Kingma & Ba 2015) with tfjs's exact numbers, one pass over all variables on cpu and wasm.
 * A drop-in `tf.AdamOptimizer`: `getWeights`/`setWeights`, `getConfig` and the class name are
 * tfjs's, so checkpoints and serialised configs are interchangeable with `tf.train.adam`.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * Run the fused pass on cpu and wasm (default). false: always tfjs's op-by-op update, the
   * reference the fused pass is tested against.
   */
  fused = true;
  /** Decoupled weight decay (AdamW); 0 for plain Adam. */
  protected decay = 0;
  /**
   * Weights, gradients and moments of every slot (the position of a variable in the gradient
   * list, as tfjs indexes them), or null before the first update.
   */
  private arena: AdamArena | null = null;
  private names: string[] = [];
  private shapes: number[][] = [];
  /** Per slot: the dataId of the variable's values the arena's w holds (else it is stale). */
  private held: (object | undefined)[] = [];
  private accB1 = 0;
  private accB2 = 0;
  /** The arena holds the state (else the slot variables do). */
  private jsValid = false;
  /** The slot variables hold the state (else only the arena does). */
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
    const registered = tf.engine().registeredVariables;
    const variables = list.map(({ name }) => registered[name]);
    const arena = this.layout(list, variables);
    // the scalars exactly as tfjs makes them: float32 tensors of JS doubles
    const c: AdamScalars = {
      b1: f32(o.beta1),
      b2: f32(o.beta2),
      omb1: f32(1 - o.beta1),
      omb2: f32(1 - o.beta2),
      eps: f32(o.epsilon),
      negLr: f32(-o.learningRate),
      keep: f32(1 - o.learningRate * this.decay), // AdamWOptimizer's tf.mul(v, keep)
      omab1: f32(1 - this.accB1),
      omab2: f32(1 - this.accB2),
    };
    // slots this update leaves alone (no variable, no gradient, not in this list): kept as they
    // are around the pass, which runs over every slot
    const kept: { i: number; w: Float32Array; m: Float32Array; v: Float32Array }[] = [];
    for (let i = 0; i < arena.sizes.length; i++) {
      const variable = variables[i];
      const grad = list[i]?.tensor;
      if (variable !== undefined && this.held[i] !== variable.dataId) {
        readInto(variable, arena.w(i)); // set from outside (or first seen): read it
        this.held[i] = variable.dataId;
      }
      if (variable === undefined || grad == null) {
        kept.push({ i, w: arena.w(i).slice(), m: arena.m(i).slice(), v: arena.v(i).slice() });
      } else {
        readInto(grad, arena.g(i));
      }
    }
    arena.run(c);
    for (const k of kept) {
      arena.w(k.i).set(k.w);
      arena.m(k.i).set(k.m);
      arena.v(k.i).set(k.v);
    }
    // the cpu backend keeps the array a tensor is made of: give it a copy; wasm copies it
    const copy = tf.getBackend() !== 'wasm';
    for (let i = 0; i < list.length; i++) {
      const variable = variables[i];
      if (variable === undefined) continue;
      const w = arena.w(i);
      if (list[i]!.tensor == null) {
        if (this.decay === 0) continue; // tfjs's Adam skips it (slots made)
        for (let j = 0; j < w.length; j++) w[j] = f32((w[j] as number) * c.keep); // AdamW: decay only
      }
      const t = tf.tensor(copy ? w.slice() : w, variable.shape, 'float32');
      variable.assign(t);
      t.dispose();
      this.held[i] = variable.dataId;
    }
    this.accB1 = f32(this.accB1 * c.b1);
    this.accB2 = f32(this.accB2 * c.b2);
    this.varsValid = false;
    o.incrementIterations();
  }

  /**
   * The arena for this list: the current one when its slots fit the variables, else a new one
   * with every slot's moments carried over where its size is unchanged (zeros for new slots).
   */
  private layout(list: readonly NamedTensor[], variables: (tf.Variable | undefined)[]): AdamArena {
    const old = this.arena;
    const count = Math.max(list.length, old?.sizes.length ?? 0);
    const sizes = Array.from({ length: count }, (_, i) => variables[i]?.size ?? old?.sizes[i] ?? 0);
    if (old !== null && sizes.every((n, i) => n === old.sizes[i])) return old;
    const arena = new AdamArena(sizes);
    sizes.forEach((n, i) => {
      const variable = variables[i];
      if (this.names[i] === undefined && variable !== undefined) this.names[i] = list[i]!.name;
      if (variable !== undefined) this.shapes[i] = variable.shape;
      if (old !== null && old.sizes[i] === n) {
        arena.m(i).set(old.m(i));
        arena.v(i).set(old.v(i));
      }
      this.held[i] = undefined;
    });
    this.arena = arena;
    return arena;
  }

  /** The decoupled decay as tfjs ops (AdamW on GPU backends); nothing for Adam. */
  protected applyDecayOps(_variableGradients: tf.NamedTensorMap | NamedTensor[]): void {}

  /**
   * Writes the arena's state into tfjs's slot variables (creating them as tfjs's Adam names them),
   * so `getWeights` and anything reading the slots see the current state.
   */
  flush(): void {
    if (this.varsValid) return;
    const o = this.internals;
    const arena = this.arena;
    tf.tidy(() => {
      this.names.forEach((name, i) => {
        if (arena === null || name === undefined || i >= arena.sizes.length) return;
        // copies: the arena keeps changing (and the cpu backend keeps the arrays it is given)
        const slots: [typeof o.accumulatedFirstMoment, string, Float32Array][] = [
          [o.accumulatedFirstMoment, `${name}/m`, arena.m(i).slice()],
          [o.accumulatedSecondMoment, `${name}/v`, arena.v(i).slice()],
        ];
        for (const [list, originalName, values] of slots) {
          const t = tf.tensor(values, [values.length], 'float32');
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
  }

  /** Reads the state from the slot variables (after `setWeights`, or at the first update). */
  private load(): void {
    const o = this.internals;
    this.names = [];
    this.shapes = [];
    this.held = [];
    const sizes: number[] = [];
    o.accumulatedFirstMoment.forEach((slot, i) => {
      const second = o.accumulatedSecondMoment[i];
      if (!slot || !second) return;
      sizes[i] = slot.variable.size;
      this.names[i] = slot.originalName.replace(/\/m$/, '');
      this.shapes[i] = slot.variable.shape;
    });
    const arena = sizes.length > 0 ? new AdamArena(Array.from(sizes, (n) => n ?? 0)) : null;
    o.accumulatedFirstMoment.forEach((slot, i) => {
      const second = o.accumulatedSecondMoment[i];
      if (!slot || !second || arena === null) return;
      readInto(slot.variable, arena.m(i));
      readInto(second.variable, arena.v(i));
    });
    this.arena = arena;
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
    this.held = [];
  }

  /** Frees the slot variables (tfjs) and lets go of the arena (its memory goes with it). */
  override dispose(): void {
    super.dispose();
    this.arena = null;
    this.held = [];
    this.jsValid = false;
    this.varsValid = true;
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
