import type { Graph, IrNode, OpKind, Shape } from '@excite/ir';

/** A TypeScript expression (in the generated `predict`), or the name of a variable holding a tensor. */
export type Expr = string;

/** The tfjs tensor type of a batched IR shape: [C, H, W] → Tensor4D (NHWC), [F] → Tensor2D. */
export function tensorType(shape: Shape): string {
  return shape.length === 3 ? 'tf.Tensor4D' : shape.length === 1 ? 'tf.Tensor2D' : 'tf.Tensor';
}

/** What an inference lowering sees while it writes one IR node as tfjs ops on NHWC tensors. */
export interface InferenceContext {
  readonly graph: Graph;
  /** The variable holding data input i. */
  input(i: number): Expr;
  /** The IR (NCHW, per-sample) shape of data input i. */
  inputShape(i: number): Shape;
  /** The IR shape of the node's output. */
  outputShape(): Shape;
  /** The node's weight of `role` (IR layout), or undefined when it has none. */
  weight(role: string): Float32Array | undefined;
  /** The node's weight of `role`; throws when absent. */
  requireWeight(role: string): Float32Array;
  /**
   * Stores a constant (tfjs layout) in the weights file as `<node>_<part>` and returns the expression that reads it
   * in `predict` (`w.<node>_<part>`). With `split`, the loaded tensor is split along `axis` into `count` parts: the
   * expression is then an array (one part per convolution group).
   */
  constant(part: string, values: Float32Array, shape: number[], split?: { count: number; axis: number }): Expr;
  /** Writes `const <node>_<part>: <type> = expr;` and returns the variable. */
  assign(part: string, expr: Expr, type: string): Expr;
}

/** One op's lowering to the inference form: the expression of the node's output (an input's variable for no-ops). */
export type InferenceLowering<K extends OpKind> = (node: IrNode<K>, ctx: InferenceContext) => Expr;

/** A tfjs `pad` argument: 'valid' when there is none, a number when it is the same on every side, else explicit NHWC. */
export function padding([t, l, b, r]: readonly number[]): string {
  if (!(t || l || b || r)) return "'valid'";
  if (t === l && t === b && t === r) return String(t);
  return `[[0, 0], [${t}, ${b}], [${l}, ${r}], [0, 0]]`;
}
