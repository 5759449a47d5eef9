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
// The formats of rnnkit export / rnnkit import (Node: they read and write files)
export type { ExportOptions, ImportOptions, InteropFormat } from './formats.js';
export { detectFormat, FORMATS, formatOf, writeFileAtomic, writeFolder } from './formats.js';
// Keras 3: .keras files (config.json + model.weights.h5) in and out
export type {
  HistorySpec,
  ImportedModel,
  ImportKerasOptions,
  KerasArchive,
  KerasGraph,
  KerasLayer,
  KerasSource,
  KerasTask,
  KerasTaskOptions,
  ScalerSpec,
  TensorRef as KerasTensorRef,
} from './keras/index.js';
export {
  exportKeras,
  importKeras,
  KERAS_TASKS,
  KERAS_VERSION,
  kerasBytes,
  readKerasArchive,
  readKerasConfig,
  SUPPORTED_LAYERS,
  toKeras,
  vocabFromList,
  writeKerasArchive,
} from './keras/index.js';
export type {
  BidirectionalMerge,
  GraphLayer,
  LogicalLayer,
  ModelGraph,
  TensorRef,
  WeightArray,
} from './model-graph.js';
export { describeModel, logicalLayers, RECURRENT_CLASSES, weightOf } from './model-graph.js';
// ONNX
export type {
  ArtifactFacts,
  OnnxExportOptions,
  OnnxGenerateArgs,
  StepSession,
  StepStateSpec,
  TensorClass,
} from './onnx/index.js';
export {
  DEFAULT_OPSET,
  exportArtifactOnnx,
  exportOnnx,
  MAX_OPSET,
  ONNX_LAYER_CLASSES,
  onnxGenerate,
  onnxMetadata,
  readOnnxMetadata,
} from './onnx/index.js';
// PyTorch: safetensors weights and a generated project (model.py, train.py under torchrun)
export type {
  Safetensors,
  TensorArray,
  TorchArchitecture,
  TorchFiles,
  TorchLoss,
  TorchPlan,
  TorchTrainingData,
} from './torch/index.js';
export {
  exportTorch,
  importTorch,
  modelPy,
  readSafetensors,
  TORCH_FILES,
  TRAIN_FILES,
  torchPlan,
  torchStateDict,
  trainPy,
  weightsFromTorch,
  writeSafetensors,
} from './torch/index.js';
