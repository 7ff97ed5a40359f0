import type { Graph, IrNode, OpKind, Shape } from '@excite/ir';
import type { tfl } from './tf.js';

/**
 * A value in the layer plan: the name of the variable that holds a symbolic tensor. The runtime builder maps it to
 * a `tf.SymbolicTensor`, the code generator prints it.
 */
export type Value = string;

/** A symbolic tfjs tensor (the runtime builder's values). */
export type Symbolic = tfl.SymbolicTensor;

/** The stock tfjs-layers factories (`tf.layers.<factory>`) the lowerings use: nothing else, so no custom classes. */
export type LayerFactory =
  | 'activation'
  | 'add'
  | 'averagePooling2d'
  | 'batchNormalization'
  | 'concatenate'
  | 'conv2d'
  | 'cropping2D'
  | 'dense'
  | 'depthwiseConv2d'
  | 'dropout'
  | 'flatten'
  | 'globalAveragePooling2d'
  | 'globalMaxPooling2d'
  | 'maxPooling2d'
  | 'multiply'
  | 'permute'
  | 'rescaling'
  | 'reshape'
  | 'zeroPadding2d';

/** The argument of `tf.layers.<F>` (its name included). */
export type LayerConfig<F extends LayerFactory> = NonNullable<Parameters<(typeof tfl.layers)[F]>[0]>;

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

/** One stock layer applied to values: a line of the generated module, a layer of the built model. */
export interface LayerCall<F extends LayerFactory = LayerFactory> {
  factory: F;
  /** The factory's argument; `name` is the layer's (and, made an identifier, the output value's) name. */
  config: LayerConfig<F> & { name: string };
  inputs: Value[];
  /** Whether the layer takes a list (merge layers) rather than one tensor. */
  list: boolean;
  output: Value;
  /** Weights in the layer's weight order, tfjs layout. */
  weights: LayerWeight[];
  /** The IR node the layer computes (part of). */
  node: IrNode;
}

/** What a lowering sees while it plans one IR node. Tensors are NHWC ([N, H, W, C]) or [N, F]. */
export interface BuildContext {
  readonly graph: Graph;
  /** The value of data input i. */
  input(i: number): Value;
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
  /**
   * Applies the stock layer `tf.layers.<factory>(config)` to one value, or (merge layers) to a list, loading
   * `weights` (tfjs layout, in the layer's weight order) into it. Returns its output value.
   */
  layer<F extends LayerFactory>(factory: F, config: LayerConfig<F> & { name: string }, inputs: Value | Value[], weights?: LayerWeight[]): Value;
}

/** One op's lowering: the layers that compute the node, returning the value of its output. */
export type Lowering<K extends OpKind> = (node: IrNode<K>, ctx: BuildContext) => Value;

/**
 * What every lowering context reads of its node — its inputs' values, the input and output shapes, its weights — shared
 * by the layer plan (values are symbolic layer outputs) and the generated inference form (values are expressions).
 */
export function nodeReader<V>(graph: Graph, node: IrNode, values: ReadonlyMap<string, V>) {
  const tensorShape = (t: string): Shape => {
    const info = graph.tensors.get(t);
    if (!info) throw new LoweringError(node.name, `unknown tensor ${t}`);
    return info.shape;
  };
  const weight = (role: string): Float32Array | undefined => {
    const name = node.weights[role];
    return name === undefined ? undefined : graph.initializers.get(name)?.data;
  };
  return {
    graph,
    input(i: number): V {
      const value = values.get(node.inputs[i]!);
      if (value === undefined) throw new LoweringError(node.name, `reads ${node.inputs[i]} before it is computed`);
      return value;
    },
    inputShape: (i: number) => tensorShape(node.inputs[i]!),
    outputShape: () => tensorShape(node.output),
    weight,
    requireWeight(role: string): Float32Array {
      const data = weight(role);
      if (!data) throw new LoweringError(node.name, `has no ${role} weight`);
      return data;
    },
  };
}
