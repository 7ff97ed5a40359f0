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
export { initialValues, materializeWeights } from './weights.js';
