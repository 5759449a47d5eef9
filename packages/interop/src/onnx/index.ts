/** ONNX export: the model, or its step model for generation, as an .onnx file. */
export type { ArtifactFacts, OnnxExportOptions } from './export.js';
export { DEFAULT_OPSET, exportOnnx, onnxMetadata } from './export.js';
export { ONNX_LAYER_CLASSES } from './layers.js';
