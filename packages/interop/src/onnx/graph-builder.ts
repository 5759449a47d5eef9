/**
 * An ONNX graph under construction, written with the `onnx-proto` definitions (protobufjs code
 * generated from onnx.proto): nodes, float32 and int64 initializers, typed inputs and outputs
 * with named (dynamic) axes, and the model around them. No wire encoding by hand.
 *
 * @example
 * ```ts
 * const g = new GraphBuilder();
 * const x = g.input('x', 'float32', ['batch', 3]);
 * const w = g.floats('w', [3, 2], new Float32Array(6));
 * g.output(g.node('MatMul', [x, w])[0], 'float32', ['batch', 2], 'y');
 * const bytes = g.encode({ opset: 17, metadata: {} }); // a .onnx file
 * ```
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Element types used here, by ONNX's TensorProto.DataType. */
const DATA_TYPES = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
} as const;

export type ElementType = keyof typeof DATA_TYPES;

/** An axis: a fixed size, or a name for a dynamic one ('batch', 'time'). */
export type Dim = number | string;

export type AttributeValue = number | string | number[] | string[] | { floats: number[] };

export interface EncodeOptions {
  /** ai.onnx opset (17 or later). */
  opset: number;
  /** `metadata_props`: string keys and values. */
  metadata: Record<string, string>;
  /** `producer_version`. */
  producerVersion?: string;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** A fresh value name starting with `base`. */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: Dim[]): string {
    const n = this.fresh(name);
    this.inputs.push(valueInfo(n, type, dims));
    return n;
  }

  /** Declares `value` a graph output, renamed to `name` through an Identity when they differ. */
  output(value: string, type: ElementType, dims: Dim[], name: string = value): string {
    let out = value;
    if (name !== value) {
      out = this.fresh(name);
      this.nodes.push({ opType: 'Identity', input: [value], output: [out], name: out });
    }
    this.outputs.push(valueInfo(out, type, dims));
    return out;
  }

  /** A float32 initializer [shape] (row-major values). */
  floats(name: string, shape: number[], values: Float32Array): string {
    const n = this.fresh(name);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.initializers.push({
      name: n,
      dims: shape,
      dataType: DATA_TYPES.float32,
      rawData: littleEndian(bytes, 4),
    });
    return n;
  }

  /** A constant initializer, made once per value and type and shared by every reader. */
  private constant(
    key: string,
    base: string,
    type: ElementType,
    dims: number[],
    bytes: Uint8Array,
    width: number,
  ): string {
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh(base);
    this.initializers.push({
      name,
      dims,
      dataType: DATA_TYPES[type],
      rawData: littleEndian(bytes, width),
    });
    this.constants.set(key, name);
    return name;
  }

  /** An int64 constant: axes, shapes, indices. A scalar when `scalar`. */
  int64s(values: number[], scalar = false): string {
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    const tag = `${scalar ? 'scalar_' : ''}${values.join('_').replace(/-/g, 'm')}`;
    const dims = scalar ? [] : [values.length];
    return this.constant(
      `i64 ${tag}`,
      `const_${tag}`,
      'int64',
      dims,
      new Uint8Array(data.buffer),
      8,
    );
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    const bytes = new Uint8Array(Float32Array.of(value).buffer);
    const tag = String(value).replace(/[^0-9a-z]/gi, '_');
    return this.constant(`f32 ${value}`, `const_f${tag}`, 'float32', [], bytes, 4);
  }

  /** An int32 scalar constant, e.g. the padding id 0. */
  int32Scalar(value: number): string {
    const bytes = new Uint8Array(Int32Array.of(value).buffer);
    return this.constant(`i32 ${value}`, `const_i${value}`, 'int32', [], bytes, 4);
  }

  /**
   * Adds a node; returns its output names (`outputs` of them, named after `name`). An empty
   * string in `inputs` is an omitted optional input.
   */
  node(
    op: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputs = 1,
    name = op.toLowerCase(),
  ): string[] {
    const nodeName = this.fresh(name);
    const out = Array.from({ length: outputs }, (_, i) =>
      outputs === 1 ? nodeName : this.fresh(`${nodeName}_${i}`),
    );
    this.nodes.push({
      opType: op,
      name: nodeName,
      input: inputs,
      output: out,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** The serialized ModelProto. */
  encode(options: EncodeOptions, graphName = 'rnnkit'): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: onnx.Version.IR_VERSION,
      producerName: 'rnnkit',
      producerVersion: options.producerVersion ?? '',
      opsetImport: [{ domain: '', version: options.opset }],
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, type: ElementType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPES[type],
        shape: {
          dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

function attribute(name: string, v: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (!Array.isArray(v)) return { name, type: T.FLOATS, floats: v.floats };
  if (v.every((x) => typeof x === 'string')) {
    return {
      name,
      type: T.STRINGS,
      strings: (v as string[]).map((s) => new TextEncoder().encode(s)),
    };
  }
  return { name, type: T.INTS, ints: v as number[] };
}

/** ONNX raw_data is little-endian; so are the machines this runs on, but check rather than assume. */
function littleEndian(bytes: Uint8Array, width: number): Uint8Array {
  const copy = new Uint8Array(bytes); // its own buffer: the caller's array may be a view
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return copy;
  for (let i = 0; i < copy.length; i += width) copy.subarray(i, i + width).reverse();
  return copy;
}
