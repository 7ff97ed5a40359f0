export { buildLayersModel, layerName, type BuildOptions } from './build.js';
export { useBackend, type BackendName } from './backend.js';
export { CUSTOM_LAYERS, GroupedConv2D, HardSigmoid, Pool2D, Scale } from './layers.js';
export { convKernel, denseKernel, fromTf, nhwcShape, predictIr, toTf } from './layout.js';
export { LoweringError, type BuildContext, type LayerWeight, type Lowering, type Symbolic } from './lowering.js';
export { LOWERINGS } from './lowerings.js';
export { tf, tfl } from './tf.js';
export { fileHandler, layersArtifacts, writeLayersModel, type WriteOptions } from './artifacts.js';
export * from './training/index.js';
