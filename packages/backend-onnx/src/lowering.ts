import type { Graph, IrNode, OpAttributes, OpKind, Shape } from '@excite/ir';
import type { AttributeProto, AttributeValue, NodeProto, TensorProto } from './onnx.js';

/** Raised when a node cannot be expressed in ONNX at the requested opset (a bug or an unsupported combination). */
export class LoweringError extends Error {
  constructor(readonly node: string, message: string) {
    super(`${node}: ${message}`);
    this.name = 'LoweringError';
  }
}

/** What a lowering sees while it emits one IR node. */
export interface EmitContext {
  readonly graph: Graph;
  readonly opset: number;
  readonly profile: OnnxProfileName;
  /** The ONNX name of data input i (IR tensor names are kept). */
  input(i: number): string;
  /** Per-sample shape of an IR tensor. */
  shape(tensor: string): Shape;
  /** The initializer holding the node's weight of `role` (IR weight names are kept), or undefined when absent. */
  weight(role: string): string | undefined;
  /** A constant of this node: an initializer named `<node>/<suffix>`. */
  constant(suffix: string, kind: 'float' | 'int64', dims: readonly number[], data: readonly number[]): string;
  /**
   * Adds an ONNX node. With `part`, it is an intermediate node named `<node>/<part>` whose output has that name too;
   * without, it is the node that produces the IR node's output and carries the IR node's name.
   */
  add(opType: string, inputs: readonly string[], attrs?: Record<string, AttributeValue | undefined>, part?: string): string;
  /** Declares an intermediate's per-sample shape as graph value_info (batch dim `N`), for runtimes' layout passes. */
  declare(tensor: string, shape: Shape): void;
}

/** One IR node, as the importer hands it to a lowering: the run of ONNX nodes the emitter wrote for it. */
export interface ImportGroup {
  /** ONNX nodes, in order; the last produces the IR output. */
  nodes: NodeProto[];
  opTypes: string[];
  /** Initializers by name (IR weights and lowering constants alike). */
  initializer(name: string): TensorProto | undefined;
}

/** What a lowering's import produces: everything of the IR node except its name, output and span. */
export interface Imported<K extends OpKind = OpKind> {
  op: K;
  inputs: string[];
  /** Weight role → initializer name, in the order the emitter reads them. */
  weights: Record<string, string>;
  attrs: OpAttributes[K];
}

/**
 * One op's lowering, the same shape for every op: check what ONNX cannot express, compute the ONNX attributes, emit
 * the nodes; and the inverse, recognising the nodes it emits.
 */
export interface Lowering<K extends OpKind> {
  validate?(node: IrNode<K>, ctx: EmitContext): void;
  attributes(node: IrNode<K>, ctx: EmitContext): Record<string, AttributeValue | undefined>;
  emit(node: IrNode<K>, attrs: Record<string, AttributeValue | undefined>, ctx: EmitContext): void;
  /** Recognises a group of ONNX nodes as this op, or returns undefined. */
  import(group: ImportGroup): Imported<K> | undefined;
}

export type { AttributeProto };

/**
 * Emission profiles. `standard`: the plainest standard-ONNX form of each op. `ort-cpu`: SE blocks shaped so
 * onnxruntime's CPU provider keeps its NCHWc layout and its conv fusions through them: the channel scale's gate resized
 * to the map's shape (an equal-shape Mul stays in NCHWc), and identity residuals read through a 1×1 depthwise conv of
 * weight 1 (so the residual Add and ReLU fuse into a conv, as in a plain ResNet). Standard ONNX either way, and the
 * same numbers; tools/bench/onnx.ts measures the alternatives.
 */
export const ONNX_PROFILES = ['standard', 'ort-cpu'] as const;
export type OnnxProfileName = (typeof ONNX_PROFILES)[number];

export function isOnnxProfile(name: string): name is OnnxProfileName {
  return (ONNX_PROFILES as readonly string[]).includes(name);
}
