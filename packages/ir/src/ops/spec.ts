import type { DiagnosticCode } from '@excite/diagnostics';
import type { Shape, WeightInit } from '../types.js';
import type { Tensor, WeightValues } from '../reference/tensor.js';

/** A weight an op needs, derived from its attributes and input shape. */
export interface WeightSpec {
  role: string;
  shape: Shape;
  kind: 'param' | 'buffer';
  init: WeightInit;
}

/** How the info table describes a layer's geometry (absent fields print as '-'). */
export interface LayerGeometry {
  kernel?: [number, number];
  stride?: [number, number];
  /** [top, left, bottom, right] */
  padding?: [number, number, number, number];
  groups?: number;
}

/**
 * Everything the IR knows about one op, in one place: its data inputs, the weights it owns, the shape rule
 * and the cost rule. Backends add their lowerings in their own packages, keyed by the same OpKind.
 */
export interface OpSpec<A> {
  /** One line for docs and the IR printer's legend. */
  doc: string;
  /** Number of data inputs; 'variadic' means two or more. */
  arity: number | 'variadic';
  /** The output shape, or a ShapeError explaining why the inputs do not fit. */
  inferShape(inputs: readonly Shape[], attrs: A): Shape;
  /** Weights by role, from the first input's shape (empty for weightless ops). */
  weights?(inputs: readonly Shape[], attrs: A): WeightSpec[];
  /** Multiply-accumulates of one sample: counted for conv and dense layers, as the paper counts. */
  macs?(inputs: readonly Shape[], output: Shape, attrs: A): number;
  /** Elementwise or reduction operations of one sample, reported separately (SE pooling and scaling). */
  elementOps?(inputs: readonly Shape[], output: Shape, attrs: A): number;
  geometry?(attrs: A): LayerGeometry;
  /**
   * The op's meaning, as a plain float32 computation over batched NCHW tensors: the reference interpreter.
   * Required, so an op cannot join the IR without defining what it computes. `output` is the per-sample shape.
   */
  reference(inputs: readonly Tensor[], weights: WeightValues, attrs: A, output: Shape): Tensor;
  /** Attributes to print, in order; defaults to all of them. */
  describe?(attrs: A): string;
}

/** A shape rule's complaint. The graph builder attaches the node's source span and rethrows it as a Diagnostic. */
export class ShapeError extends Error {
  constructor(
    readonly code: DiagnosticCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function elementCount(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function requireRank(shape: Shape | undefined, rank: number, op: string): Shape {
  if (!shape || shape.length !== rank) {
    const what = rank === 3 ? 'a C×H×W feature map' : rank === 1 ? 'a flat vector' : `rank ${rank}`;
    throw new ShapeError(
      rank === 1 ? 'E0406' : 'E0409',
      `${op} needs ${what}, but its input is ${shape ? formatShape(shape) : 'missing'}`,
      rank === 3 ? 'place it before `global_pool`/`flatten`, where the input is still a feature map' : undefined,
    );
  }
  return shape;
}

/** Output size of a sliding window along one axis (PyTorch/Caffe rule, including ceil mode's last-window clip). */
export function windowOutput(
  size: number,
  kernel: number,
  stride: number,
  padBefore: number,
  padAfter: number,
  dilation = 1,
  ceil = false,
): number {
  const effective = (kernel - 1) * dilation + 1;
  const span = size + padBefore + padAfter - effective;
  if (span < 0) return 0;
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // In ceil mode the last window must start inside the input or its leading padding (Caffe, PyTorch).
  if (ceil && (out - 1) * stride >= size + padBefore) out--;
  return out;
}
