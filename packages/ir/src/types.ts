import type { Span } from '@excite/diagnostics';
import type { OpAttributes, OpKind } from './ops/index.js';

/**
 * Per-sample shape, batch excluded: [C, H, W] for feature maps, [F] for flat vectors. Every tensor in the IR
 * has an implicit leading batch dimension; backends add it (and choose their own layout: tfjs is NHWC).
 */
export type Shape = readonly number[];

export interface TensorInfo {
  name: string;
  shape: Shape;
}

/** How a weight's values are produced when none are supplied: deterministic from the seed and its name. */
export type WeightInit =
  | { kind: 'he_uniform'; fanIn: number }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number };

/** A named weight. `param`s are trained; `buffer`s are statistics (BN running mean and variance). */
export interface Initializer {
  name: string;
  shape: Shape;
  role: 'param' | 'buffer';
  init: WeightInit;
  /** Supplied or materialised values (row-major, length = product of shape). */
  data?: Float32Array;
}

export interface IrNode<K extends OpKind = OpKind> {
  name: string;
  op: K;
  /** Data inputs: names of graph tensors (the graph input or other nodes' outputs). */
  inputs: string[];
  /** Weights by role (`weight`, `bias`, `gamma`, …): names of initializers. */
  weights: Record<string, string>;
  /** One output tensor per node; by convention named like the node. */
  output: string;
  attrs: OpAttributes[K];
  /** Where in the `.se` source this node came from. */
  span?: Span;
  /** The named stage it belongs to (`conv3_x`), for reports. */
  stage?: string;
  /** Set on every node of an SE block: that block's name. */
  se?: string;
}

export interface Graph {
  name: string;
  input: TensorInfo;
  output: string;
  /** In topological order. */
  nodes: IrNode[];
  /** Every tensor: the input and each node's output. */
  tensors: Map<string, TensorInfo>;
  initializers: Map<string, Initializer>;
  /** The source the graph came from, if any, for metadata and error messages. */
  source?: { file: string; model: string };
}
