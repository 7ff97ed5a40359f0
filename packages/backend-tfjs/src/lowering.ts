import type { Graph, IrNode, OpKind, Shape } from '@excite/ir';
import type { tfl } from './tf.js';

export type Symbolic = tfl.SymbolicTensor;

/** Raised when a node cannot be expressed in tfjs (an unsupported combination of attributes). */
export class LoweringError extends Error {
  constructor(
    readonly node: string,
    message: string,
  ) {
    super(`${node}: ${message}`);
    this.name = 'LoweringError';
  }
}

/** A weight in tfjs layout, ready for `layer.setWeights`. */
export interface LayerWeight {
  values: Float32Array;
  shape: number[];
}

/** What a lowering sees while it builds one IR node. Tensors are NHWC ([N, H, W, C]) or [N, F]. */
export interface BuildContext {
  readonly graph: Graph;
  /** The symbolic tfjs tensor of data input i. */
  input(i: number): Symbolic;
  /** The IR (NCHW, per-sample) shape of data input i. */
  inputShape(i: number): Shape;
  /** The IR shape of the node's output. */
  outputShape(): Shape;
  /** The node's weight of `role` (IR layout), or undefined when it has none. */
  weight(role: string): Float32Array | undefined;
  /** The node's weight of `role`; throws a LoweringError when absent. */
  requireWeight(role: string): Float32Array;
  /**
   * A layer name: the node's own (sanitised) name for the layer that produces the node's output (no `part`), or
   * `<node>_<part>` for intermediate layers.
   */
  name(part?: string): string;
  /** Applies a layer to inputs and loads `weights` (tfjs layout, in the layer's weight order) into it. */
  apply(layer: tfl.layers.Layer, inputs: Symbolic | Symbolic[], weights?: LayerWeight[]): Symbolic;
}

/** One op's lowering: the layers that compute the node, returning the symbolic tensor of its output. */
export type Lowering<K extends OpKind> = (node: IrNode<K>, ctx: BuildContext) => Symbolic;
