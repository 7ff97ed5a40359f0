import type { ActivationKind, Graph, IrNode, OpKind, Shape } from '@excite/ir';
import type { RequiredLimits } from './plan.js';
import { Shader, f32, type BindingSource, type KernelDispatch } from './shader.js';


/** A binding a kernel can declare: where it comes from and how many floats of it the kernel reads or writes. */
export interface Operand {
  source: BindingSource;
  elements: number;
}

/** What a lowering sees while it turns one IR node into kernels. */
export interface LowerContext {
  readonly graph: Graph;
  readonly limits: RequiredLimits;
  /** Per-sample shape of a graph tensor. */
  shape(tensor: string): Shape;
  /** Elements of one sample of a graph tensor. */
  size(tensor: string): number;
  /** The node's data input i. */
  input(i: number): Operand;
  /** The node's output tensor. */
  output(): Operand;
  /** The node's weight of `role`, or undefined when it has none. */
  weight(role: string): Operand | undefined;
  /** Values of the node's weight of `role` (for lowerings that fold weights at compile time). */
  weightValues(role: string): Float32Array;
  /** A weight the lowering computes at compile time, named `<node>/<suffix>`. */
  constant(suffix: string, values: Float32Array): Operand;
  /** A temporary of `elements` floats, live only while this node runs (a fused kernel's intermediate). */
  scratch(suffix: string, elements: number): Operand;
  /** A shader builder for one of this node's kernels. */
  shader(name: string, description: string): Shader;
  /** Adds a dispatch of a built kernel, in order. */
  dispatch(kernel: KernelDispatch): void;
  /** The output is the input's memory, unchanged (flatten, dropout, identity): no kernel at all. */
  alias(): void;
}

/** One op's lowering, the same shape for every op: check what WGSL cannot do, then build and dispatch kernels. */
export interface Lowering<K extends OpKind> {
  lower(node: IrNode<K>, ctx: LowerContext): void;
}

/** A pointwise activation as a WGSL expression of `v` (overflow-safe where exp is involved). */
export function activationExpression(kind: ActivationKind | undefined, v: string): string {
  switch (kind ?? 'identity') {
    case 'identity':
      return v;
    case 'relu':
      return `max(${v}, 0.0)`;
    case 'relu6':
      return `clamp(${v}, 0.0, 6.0)`;
    case 'sigmoid':
      return `(1.0 / (1.0 + exp(-${v})))`;
    case 'hard_sigmoid':
      return `(clamp(${v} + 3.0, 0.0, 6.0) / 6.0)`;
    // tanh of a large argument is NaN on some drivers (exp overflow inside); it is ±1 to float32 beyond 10.
    case 'tanh':
      return `tanh(clamp(${v}, -10.0, 10.0))`;
    case 'swish':
      return `(${v} / (1.0 + exp(-${v})))`;
  }
}

/** Short tag for kernel names: `_relu`, or nothing for identity. */
export function activationTag(kind: ActivationKind | undefined): string {
  return kind && kind !== 'identity' ? `_${kind}` : '';
}

/** `64x56x56` for kernel names. */
export function shapeTag(shape: Shape): string {
  return shape.join('x');
}

export { f32 };
