export {
  DEFAULT_OPSET, FUNCTION_DOMAIN, MAX_OPSET, MIN_OPSET, checkOpset, emitOnnx, irVersionFor, locate,
  type EmitOptions, type EmitResult,
} from './emit.js';
export { importOnnx, type ImportOptions, type ImportResult } from './import.js';
export { LOWERINGS } from './lowerings.js';
export { ONNX_PROFILES, LoweringError, isOnnxProfile, type EmitContext, type ImportGroup, type Imported, type Lowering, type OnnxProfileName } from './lowering.js';
export { onnx } from './onnx.js';
