import { createDiagnostic, DiagnosticError, type Span } from '@excite/diagnostics';
import { OP_SPECS, type OpAttributes, type OpKind } from './ops/index.js';
import { ShapeError, elementCount } from './ops/spec.js';
import type { Graph, Initializer, IrNode, Shape } from './types.js';

/** Where a node comes from and what it belongs to; all optional. */
export interface NodeContext {
  span?: Span;
  stage?: string;
  se?: string;
}

/** Graphs larger than this are refused: no real network has a billion-weight layer, a typo can. */
const MAX_WEIGHTS_PER_TENSOR = 2 ** 30;
const MAX_NODES = 200_000;

/**
 * Builds a graph one op at a time, in topological order by construction. Each `add` applies the op's shape rule
 * to the inputs and creates the op's weights, so a graph built here is shaped and verified as it grows; a shape
 * error becomes a Diagnostic at the node's source span.
 */
export class GraphBuilder {
  private readonly nodes: IrNode[] = [];
  private readonly tensors = new Map<string, { name: string; shape: Shape }>();
  private readonly initializers = new Map<string, Initializer>();
  private readonly usedNames = new Set<string>();
  readonly input: string;

  constructor(
    private readonly name: string,
    inputShape: Shape,
    private readonly source?: { file: string; model: string },
  ) {
    this.input = 'input';
    this.tensors.set('input', { name: 'input', shape: inputShape });
    this.usedNames.add('input');
  }

  shapeOf(tensor: string): Shape {
    const info = this.tensors.get(tensor);
    if (!info) throw new Error(`internal: unknown tensor ${tensor}`);
    return info.shape;
  }

  /** A name not used yet: `base`, else `base_2`, `base_3`, … */
  uniqueName(base: string): string {
    if (!this.usedNames.has(base)) return base;
    for (let i = 2; ; i++) {
      const candidate = `${base}_${i}`;
      if (!this.usedNames.has(candidate)) return candidate;
    }
  }

  add<K extends OpKind>(op: K, attrs: OpAttributes[K], inputs: string[], name: string, context: NodeContext = {}): string {
    if (this.nodes.length >= MAX_NODES) {
      throw new DiagnosticError(
        createDiagnostic('E0308', `the model has more than ${MAX_NODES} layers`, context.span),
      );
    }
    const spec = OP_SPECS[op];
    const inputShapes = inputs.map((t) => this.shapeOf(t));
    let shape: Shape;
    try {
      shape = spec.inferShape(inputShapes, attrs);
    } catch (error) {
      if (error instanceof ShapeError) {
        throw new DiagnosticError(createDiagnostic(error.code, error.message, context.span, error.hint));
      }
      throw error;
    }
    const nodeName = this.uniqueName(name);
    this.usedNames.add(nodeName);
    const weights: Record<string, string> = {};
    for (const w of spec.weights?.(inputShapes, attrs) ?? []) {
      const size = elementCount(w.shape);
      if (!Number.isSafeInteger(size) || size > MAX_WEIGHTS_PER_TENSOR) {
        throw new DiagnosticError(
          createDiagnostic('E0308', `${nodeName}.${w.role} would hold ${size} weights`, context.span),
        );
      }
      const weightName = `${nodeName}.${w.role}`;
      this.initializers.set(weightName, { name: weightName, shape: w.shape, role: w.kind, init: w.init });
      weights[w.role] = weightName;
    }
    const node: IrNode<K> = { name: nodeName, op, inputs, weights, output: nodeName, attrs };
    if (context.span) node.span = context.span;
    if (context.stage) node.stage = context.stage;
    if (context.se) node.se = context.se;
    this.nodes.push(node as unknown as IrNode);
    this.tensors.set(nodeName, { name: nodeName, shape });
    return nodeName;
  }

  finish(output: string): Graph {
    const graph: Graph = {
      name: this.name,
      input: { name: this.input, shape: this.shapeOf(this.input) },
      output,
      nodes: [...this.nodes],
      tensors: new Map(this.tensors),
      initializers: new Map(this.initializers),
    };
    if (this.source) graph.source = this.source;
    return graph;
  }
}
