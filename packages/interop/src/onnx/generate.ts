/**
 * Generation with an exported step model on any ONNX runtime: feed the prompt one token per call,
 * then draw each next token from the logits and feed it back, the state passed from each call's
 * outputs to the next call's inputs. It draws as `generate` in `@rnnkit/models` does (its
 * `sampleToken`, seeded by `mulberry32`), so the same seed and settings give the same tokens.
 * The runtime is passed in (onnxruntime-node, onnxruntime-web: both have this API), so this
 * module imports none.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const meta = readOnnxMetadata(bytes);
 * const session = await ort.InferenceSession.create(bytes);
 * const tokens = await onnxGenerate(session, ort.Tensor, JSON.parse(meta['rnnkit.states']!), {
 *   prompt: vocab.encode('The '), maxLength: 200, seed: 1, temperature: 0.8 });
 * vocab.decode(tokens); // the same text as generate(model, { prompts: [ids], ... }) in rnnkit
 * ```
 */
import { checkSampling, type SamplingArgs, sampleToken } from '@rnnkit/models';
import { mulberry32 } from '@rnnkit/windowing';
import { InteropError } from '../errors.js';

/** A state input of the step model and the output that gives its next value (`rnnkit.states`). */
export interface StepStateSpec {
  input: string;
  output: string;
  units: number;
}

/** The Tensor class of an ONNX runtime (onnxruntime-common's). */
export type TensorClass = new (
  type: 'int32' | 'float32',
  data: Int32Array | Float32Array,
  dims: readonly number[],
) => unknown;

/** What generation needs of an inference session (onnxruntime-common's InferenceSession). */
export interface StepSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, never>): Promise<Record<string, { data: unknown }>>;
}

export interface OnnxGenerateArgs extends SamplingArgs {
  /** Token ids to prime with (at least one). */
  prompt: ArrayLike<number>;
  /** New tokens to make, at most. */
  maxLength: number;
  /** Seed of the draws. */
  seed: number;
  /** Ids that end generation (not included). */
  stopTokens?: readonly number[];
  /** Called with each new token as it is drawn. */
  onToken?: (token: number) => void;
}

/** The new tokens (without the prompt and the stop token). */
export async function onnxGenerate(
  session: StepSession,
  Tensor: TensorClass,
  states: readonly StepStateSpec[],
  args: OnnxGenerateArgs,
): Promise<number[]> {
  checkSampling(args);
  if (args.prompt.length === 0) {
    throw new InteropError('BAD_OPTION', 'prompt is empty: give at least one token id');
  }
  const stateInputs = new Set(states.map((s) => s.input));
  const tokenInput = session.inputNames.find((n) => !stateInputs.has(n));
  const logitsOutput = session.outputNames[0]; // the logits, then the states
  if (tokenInput === undefined || logitsOutput === undefined || states.length === 0) {
    throw new InteropError(
      'BAD_OPTION',
      'not a step model (no state inputs): export it with step: true (rnnkit export --step)',
    );
  }
  // zeros to start: h (and c) [batch 1, units] per recurrent layer
  let state: Record<string, unknown> = Object.fromEntries(
    states.map((s) => [s.input, new Tensor('float32', new Float32Array(s.units), [1, s.units])]),
  );
  const step = async (token: number): Promise<ArrayLike<number>> => {
    const feeds = { [tokenInput]: new Tensor('int32', Int32Array.of(token), [1, 1]), ...state };
    const out = await session.run(feeds as Record<string, never>);
    state = Object.fromEntries(states.map((s) => [s.input, out[s.output]]));
    return out[logitsOutput]!.data as Float32Array; // [1, 1, classes]
  };
  const rand = mulberry32(args.seed);
  const stops = new Set(args.stopTokens ?? []);
  let logits: ArrayLike<number> = new Float32Array(0);
  for (let t = 0; t < args.prompt.length; t++) logits = await step(args.prompt[t]!);
  const tokens: number[] = [];
  while (tokens.length < args.maxLength) {
    const token = sampleToken(logits, args, rand);
    if (stops.has(token)) break;
    tokens.push(token);
    args.onToken?.(token);
    if (tokens.length < args.maxLength) logits = await step(token);
  }
  return tokens;
}
