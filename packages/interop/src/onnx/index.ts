/** ONNX export: the model, or its step model for generation, as an .onnx file. */
export { exportArtifactOnnx } from './artifact.js';
export type { OnnxExportOptions } from './export.js';
export { DEFAULT_OPSET, exportOnnx, MAX_OPSET } from './export.js';
export type {
  OnnxGenerateArgs,
  StepSession,
  StepStateSpec,
  TensorClass,
} from './generate.js';
export { onnxGenerate } from './generate.js';
export { ONNX_LAYER_CLASSES } from './layers.js';
export type { ArtifactFacts } from './metadata.js';
export { onnxMetadata, readOnnxMetadata } from './metadata.js';
