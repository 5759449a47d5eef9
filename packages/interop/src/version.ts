/**
 * The version of @rnnkit/interop, written into exported files (an ONNX model's producer_version
 * and `rnnkit.version`). A constant rather than a read of package.json, so the package bundles
 * for the browser; `version.test.ts` keeps it equal to package.json's.
 */
export const VERSION = '0.1.0';
