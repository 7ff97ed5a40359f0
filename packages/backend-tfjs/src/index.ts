export { buildLayersModel, createLayer, layerName, realizePlan, type BuildOptions } from './build.js';
export { useBackend, type BackendName } from './backend.js';
export { convKernel, denseKernel, fromTf, nhwcShape, predictIr, toTf } from './layout.js';
export {
  LoweringError,
  type BuildContext,
  type LayerCall,
  type LayerConfig,
  type LayerFactory,
  type LayerWeight,
  type Lowering,
  type Symbolic,
  type Value,
} from './lowering.js';
export { LOWERINGS } from './lowerings.js';
export { planLayers, type LayerPlan } from './plan.js';
export { tf, tfl } from './tf.js';
export {
  fileHandler,
  layersArtifacts,
  layersModelFiles,
  memoryHandler,
  predictLayersArtifacts,
  weightBytes,
  writeLayersModel,
  type EmittedFile,
  type WriteOptions,
} from './artifacts.js';
export * from './training/index.js';
export { buildInferenceFunction, emitTfjs, evaluateModule, type EmitTfjsOptions, type InferenceFunction } from './emit.js';
export { inferenceModule, type InferenceModule, type InferenceModuleOptions } from './inference/module.js';
export { INFERENCE_LOWERINGS } from './inference/lowerings.js';
export { type Expr, type InferenceContext, type InferenceLowering } from './inference/context.js';
export { trainableModule, type TrainableModuleOptions } from './codegen/trainable.js';
export { type Sources } from './codegen/source.js';
export { typeCheckModules } from './typecheck.js';
