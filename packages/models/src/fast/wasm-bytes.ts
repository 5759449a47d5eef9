/**
 * WebAssembly bytecode written by hand: the encodings (LEB128), the opcodes the SIMD modules use
 * (and relaxed SIMD's fused multiply-adds, with `hasRelaxedSimd` to ask the engine at run time)
 * and a builder for a module of functions over one exported memory. The SIMD LSTM gates
 * (`gates-simd.ts`) and `@rnnkit/training`'s Adam pass (through `@rnnkit/models/kernels`) build
 * their modules with it. Opcode numbers: the WebAssembly core, SIMD and relaxed SIMD
 * specifications.
 *
 * Neighbours in `fast/` (the speed code, which the model code never imports): `fast.ts` (the kernel
 * op) over `fast-core.ts`, `fast-gates.ts`, `gates-simd.ts` and `fast-wasm.ts`; `pool.ts` and
 * `worker.ts` (the second thread); `fused-head.ts` and `fast-head.ts` (the fused losses).
 *
 * @example
 * ```ts
 * leb(624485);                         // [0xe5, 0x8e, 0x26]
 * const bytes = wasmModuleBytes({ types: [[[], []]], functions: [{ type: 0, body: [0, 0x0b] }],
 *   exports: [['nop', 0]] });
 * instantiateWasm<{ nop(): void }>(bytes)?.nop(); // undefined (null where wasm cannot run)
 * hasRelaxedSimd();                    // true in Chromium and Node 22+ (false in Node 20 unflagged)
 * ```
 */

/** Unsigned LEB128 (WebAssembly's encoding of counts, sizes and opcodes). */
export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** local.get, local.set, local.tee of local i. */
export const localGet = (i: number): number[] => [0x20, i];
export const localSet = (i: number): number[] => [0x21, i];
export const localTee = (i: number): number[] => [0x22, i];
export const I32_ADD = 0x6a;
export const I32_SUB = 0x6b;

/** A SIMD instruction: the 0xfd prefix and its opcode. */
export const simd = (code: number): number[] => [0xfd, ...leb(code)];
/** v128.load and v128.store, align 16, offset 0. */
export const V128_LOAD = [...simd(0x00), 4, 0];
export const V128_STORE = [...simd(0x0b), 4, 0];

/** f32x4 operations. pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a. */
export const F32X4 = {
  splat: simd(0x13),
  abs: simd(0xe0),
  neg: simd(0xe1),
  sqrt: simd(0xe3),
  add: simd(0xe4),
  sub: simd(0xe5),
  mul: simd(0xe6),
  div: simd(0xe7),
  pmin: simd(0xea),
  pmax: simd(0xeb),
} as const;

/**
 * Relaxed SIMD's fused multiply-adds (the relaxed SIMD proposal, opcodes 0x105 and 0x106):
 * madd(a, b, c) = a b + c and nmadd(a, b, c) = c - a b, with the three operands pushed in that
 * order. The engine may round once (an FMA instruction, where the CPU has one) or twice (a
 * multiply and an add): either is allowed, so results differ from the plain sequence in the last
 * bit at most per operation.
 */
export const F32X4_RELAXED = {
  madd: simd(0x105),
  nmadd: simd(0x106),
} as const;

/** Emits a b + c (`madd`) or c - a b (`nmadd`) from the code of its three operands. */
export interface MulAdd {
  madd(a: number[], b: number[], c: number[]): number[];
  nmadd(a: number[], b: number[], c: number[]): number[];
}

/**
 * Multiply-adds as relaxed SIMD's fused instructions (`relaxed: true`), or as today's f32x4.mul
 * then f32x4.add / f32x4.sub (`false`: every engine with SIMD runs it, and the numbers are the
 * plain sequence's bit for bit).
 */
export function mulAdd(relaxed: boolean): MulAdd {
  const { mul, add, sub } = F32X4;
  const { madd, nmadd } = F32X4_RELAXED;
  return relaxed
    ? {
        madd: (a, b, c) => [...a, ...b, ...c, ...madd],
        nmadd: (a, b, c) => [...a, ...b, ...c, ...nmadd],
      }
    : {
        madd: (a, b, c) => [...a, ...b, ...mul, ...c, ...add],
        nmadd: (a, b, c) => [...c, ...a, ...b, ...mul, ...sub],
      };
}

export interface WasmModuleSpec {
  /** Function types as [params, results], each a list of value types (0x7f i32, 0x7d f32). */
  types: [number[], number[]][];
  /** The functions: a type index and the body (local declarations, then the code). */
  functions: { type: number; body: number[] }[];
  /** Exported functions, by name and index; memory 0 is exported as `memory`. */
  exports: [string, number][];
}

const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const name = (s: string) => [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vector = (items: number[][]) => [...leb(items.length), ...items.flat()];

/** A module: the types, the functions, one memory of one page to start, the exports. */
export function wasmModuleBytes(spec: WasmModuleSpec): Uint8Array<ArrayBuffer> {
  const types = spec.types.map(([p, r]) => [0x60, ...leb(p.length), ...p, ...leb(r.length), ...r]);
  const exports = [
    [...name('memory'), 2, 0],
    ...spec.exports.map(([n, i]) => [...name(n), 0, ...leb(i)]),
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0], // magic, version 1
    ...section(1, vector(types)),
    ...section(3, vector(spec.functions.map((f) => leb(f.type)))),
    ...section(5, [1, 0, 1]), // one memory, 1 page to start
    ...section(7, vector(exports)),
    ...section(10, vector(spec.functions.map((f) => [...leb(f.body.length), ...f.body]))),
  ]);
}

/**
 * Whether this engine runs relaxed SIMD, checked by validating a module of one function that
 * returns f32x4.relaxed_madd of three zero vectors (Chromium and Node 22+ have it on; Node 20
 * only with `--experimental-wasm-relaxed-simd`). `validate` is WebAssembly's (a parameter for
 * the tests).
 */
export function hasRelaxedSimd(
  validate: (bytes: Uint8Array<ArrayBuffer>) => boolean = (b) => WebAssembly.validate(b),
): boolean {
  const zero = [...simd(0x0c), ...Array(16).fill(0)]; // v128.const 0
  const bytes = wasmModuleBytes({
    types: [[[], [0x7b]]], // () -> v128
    functions: [{ type: 0, body: [0, ...zero, ...zero, ...zero, ...F32X4_RELAXED.madd, 0x0b] }],
    exports: [],
  });
  try {
    return typeof WebAssembly === 'object' && validate(bytes);
  } catch {
    return false;
  }
}

/**
 * A function giving a float32 view of `memory` that holds at least `floats` floats, growing the
 * memory as needed (the view is a new object after it grew; re-read it after every call).
 */
export function memoryView(memory: WebAssembly.Memory): (floats: number) => Float32Array {
  let heap = new Float32Array(memory.buffer);
  return (floats) => {
    const have = memory.buffer.byteLength;
    if (have < 4 * floats) memory.grow(Math.ceil((4 * floats - have) / 65536));
    if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
    return heap;
  };
}

/** The module's exports, or null where WebAssembly (or an instruction it uses) is unavailable. */
export function instantiateWasm<T>(bytes: Uint8Array<ArrayBuffer>): T | null {
  try {
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as T;
  } catch {
    return null;
  }
}
