/**
 * `@rnnkit/interop`: rnnkit models in and out of other frameworks. Keras 3 (`.keras`, `.h5`, a
 * tfjs-converter `model.json`), PyTorch (safetensors weights and a generated project that trains
 * with DistributedDataParallel under `torchrun`) and ONNX (the native LSTM/GRU/RNN operators, and
 * a one-step model for streaming generation). Every file read is untrusted input: it is checked
 * before anything is allocated, and no code in it runs.
 *
 * @packageDocumentation
 */
export type { InteropErrorCode } from './errors.js';
export { InteropError } from './errors.js';
export type {
  BidirectionalMerge,
  GraphLayer,
  LogicalLayer,
  ModelGraph,
  WeightArray,
} from './model-graph.js';
export { describeModel, logicalLayers, RECURRENT_CLASSES, weightOf } from './model-graph.js';
