import type { OpAttributes, OpKind } from '../ops/index.js';
import type { Graph, IrNode } from '../types.js';

/**
 * Patterns are data: a tree over producers, rooted at the node whose output a rule replaces. A node pattern names
 * the op (or ops), optional attribute predicate, and patterns for its data inputs; a capture binds an input tensor
 * by name, and the same capture name used twice must bind the same tensor (`x` in `Mul(x, gate(… GlobalPool(x)))`).
 */
export type Pattern = NodePattern | CapturePattern;

export interface NodePattern<K extends OpKind = OpKind> {
  op: K | readonly K[];
  /** Binds the matched node under this name for the rewrite. */
  as?: string;
  /** A predicate on the matched node (method syntax on purpose: a NodePattern<'Conv'> is a NodePattern). */
  where?(attrs: OpAttributes[K], node: IrNode<K>, graph: Graph): boolean;
  /** Patterns for the data inputs, positionally; omitted: any inputs. */
  inputs?: readonly Pattern[];
  /** Try the two inputs of a binary op in both orders. */
  commutative?: boolean;
}

export interface CapturePattern {
  capture: string;
}

/** `node('Conv', { as: 'conv' })`: a readable way to write node patterns. */
export function node<K extends OpKind>(op: K | readonly K[], options: Omit<NodePattern<K>, 'op'> = {}): NodePattern<K> {
  return { op, ...options };
}

/** Any tensor, bound to `name`. */
export function capture(name: string): CapturePattern {
  return { capture: name };
}

export interface Match {
  root: IrNode;
  /** Nodes bound with `as`. */
  nodes: Record<string, IrNode>;
  /** Tensors bound with `capture`. */
  tensors: Record<string, string>;
  /** Every node the pattern matched, root last. */
  matched: IrNode[];
}

/** Producer and consumer tables of a graph, built once per rewrite sweep. */
export interface GraphIndex {
  producer: Map<string, IrNode>;
  consumers: Map<string, IrNode[]>;
}

export function indexGraph(graph: Graph): GraphIndex {
  const producer = new Map<string, IrNode>();
  const consumers = new Map<string, IrNode[]>();
  for (const n of graph.nodes) {
    producer.set(n.output, n);
    for (const input of n.inputs) {
      const list = consumers.get(input) ?? [];
      list.push(n);
      consumers.set(input, list);
    }
  }
  return { producer, consumers };
}

/**
 * Matches `pattern` rooted at `root`. Every matched node other than the root must be used only inside the match
 * (and not be the graph's output), so replacing the root never leaves a consumer without its input.
 */
export function matchPattern(pattern: NodePattern, root: IrNode, graph: Graph, index: GraphIndex): Match | undefined {
  // Most roots fail on their op: answer those before building any match state (a sweep tries every node).
  if (!opMatches(pattern, root)) return undefined;
  const bound: Match = { root, nodes: {}, tensors: {}, matched: [] };
  if (!matchNode(pattern, root, graph, index, bound)) return undefined;
  const inside = new Set(bound.matched);
  for (const n of bound.matched) {
    if (n === root) continue;
    if (n.output === graph.output) return undefined;
    if ((index.consumers.get(n.output) ?? []).some((c) => !inside.has(c))) return undefined;
  }
  bound.matched.sort((a, b) => graph.nodes.indexOf(a) - graph.nodes.indexOf(b));
  return bound;
}

function opMatches(pattern: NodePattern, n: IrNode): boolean {
  return typeof pattern.op === 'string' ? pattern.op === n.op : pattern.op.includes(n.op);
}

function matchNode(pattern: NodePattern, n: IrNode, graph: Graph, index: GraphIndex, bound: Match): boolean {
  if (!opMatches(pattern, n)) return false;
  if (pattern.where && !pattern.where(n.attrs as never, n as never, graph)) return false;
  if (pattern.as) {
    if (bound.nodes[pattern.as] && bound.nodes[pattern.as] !== n) return false;
    bound.nodes[pattern.as] = n;
  }
  if (!bound.matched.includes(n)) bound.matched.push(n);
  const inputs = pattern.inputs;
  if (!inputs) return true;
  if (inputs.length !== n.inputs.length) return false;
  const orders = pattern.commutative && n.inputs.length === 2 ? [[0, 1], [1, 0]] : [n.inputs.map((_, i) => i)];
  for (const order of orders) {
    const snapshot = { nodes: { ...bound.nodes }, tensors: { ...bound.tensors }, matched: [...bound.matched] };
    if (order.every((from, i) => matchInput(inputs[i]!, n.inputs[from]!, graph, index, bound))) return true;
    Object.assign(bound, snapshot);
  }
  return false;
}

function matchInput(pattern: Pattern, tensor: string, graph: Graph, index: GraphIndex, bound: Match): boolean {
  if ('capture' in pattern) {
    const previous = bound.tensors[pattern.capture];
    if (previous !== undefined) return previous === tensor;
    bound.tensors[pattern.capture] = tensor;
    return true;
  }
  const producer = index.producer.get(tensor);
  return producer !== undefined && matchNode(pattern, producer, graph, index, bound);
}
