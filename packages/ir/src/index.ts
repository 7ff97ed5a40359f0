export type { Graph, IrNode, Initializer, Shape, TensorInfo, WeightInit } from './types.js';
export * from './ops/index.js';
export {
  ShapeError,
  elementCount,
  formatShape,
  windowOutput,
  type LayerGeometry,
  type OpSpec,
  type WeightSpec,
} from './ops/spec.js';
export { GraphBuilder, type NodeContext } from './graph-builder.js';
export { verifyGraph } from './verify.js';
export { printGraph, graphToJson, formatAttributes, type GraphJson } from './print.js';
export { costReport, type CostReport, type LayerCost, type SeBlockCost } from './cost.js';
export { initialValues, materializeWeights, randomValues, randomWeights } from './weights.js';
export { interpret, type InterpretOptions } from './reference/interpret.js';
export { calibrateWeights } from './reference/calibrate.js';
export { float32NoiseFloor, relativeError } from './reference/compare.js';
export { tensor, type Tensor, type WeightValues } from './reference/tensor.js';
export { capture, indexGraph, matchPattern, node, type CapturePattern, type GraphIndex, type Match, type NodePattern, type Pattern } from './rewrite/pattern.js';
export {
  applyRules,
  rebuildTables,
  replacementNode,
  type Firing,
  type Replacement,
  type RewriteContext,
  type RewriteRule,
  type RuleSet,
} from './rewrite/engine.js';
