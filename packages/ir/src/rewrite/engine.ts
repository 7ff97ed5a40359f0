import type { Span } from '@excite/diagnostics';
import { OP_SPECS, type OpAttributes, type OpKind } from '../ops/index.js';
import type { Graph, Initializer, IrNode, Shape } from '../types.js';
import { indexGraph, matchPattern, type Match, type NodePattern } from './pattern.js';

/** One firing of a rule, for `--trace` output and tests. */
export interface Firing {
  rule: string;
  /** The matched nodes' names, in graph order (the root last among equals). */
  matched: string[];
  /** Names of the nodes that replaced them. */
  created: string[];
  span?: Span;
}

/**
 * What a rule puts in place of its match: new nodes, and the tensor that now stands for the root's output
 * (default: the last new node's output). Every consumer of the root's output is redirected to it, so a rule can
 * also remove a node outright: `{ nodes: [], output: x }`.
 */
export interface Replacement {
  nodes: IrNode[];
  output?: string;
  /** New or changed weights (e.g. a conv's weights with a batch norm folded in). */
  initializers?: Initializer[];
}

/** Helpers a rule's rewrite uses to build well-formed nodes. */
export interface RewriteContext {
  graph: Graph;
  /** Shape of a tensor of the graph. */
  shapeOf(tensor: string): Shape;
  /** Values of a weight (weights must be materialised before passes that read them). */
  values(weight: string): Float32Array;
}

export interface RewriteRule {
  name: string;
  /** One line: what the rule does and why it is sound. */
  doc: string;
  pattern: NodePattern;
  /** Returns the replacement, or undefined to decline (the match did not satisfy a rule-specific condition). */
  rewrite(match: Match, context: RewriteContext): Replacement | undefined;
}

export interface RuleSet {
  name: string;
  rules: readonly RewriteRule[];
}

/**
 * Makes a node in the root's image: the root's name, output tensor, span, stage and SE membership, unless
 * overridden. Shapes are re-inferred by the driver after the splice.
 */
export function replacementNode<K extends OpKind>(
  root: IrNode,
  op: K,
  attrs: OpAttributes[K],
  inputs: string[],
  weights: Record<string, string>,
  overrides: Partial<Pick<IrNode, 'name' | 'output' | 'se' | 'stage' | 'span'>> = {},
): IrNode {
  const n: IrNode<K> = { name: root.name, op, inputs, weights, output: root.output, attrs };
  if (root.span) n.span = root.span;
  if (root.stage) n.stage = root.stage;
  if (root.se) n.se = root.se;
  Object.assign(n, overrides);
  for (const key of ['se', 'stage', 'span'] as const) if (n[key] === undefined) delete n[key];
  return n as unknown as IrNode;
}

const MAX_SWEEPS = 1000;

/**
 * Runs a rule set to a fixpoint: sweep the graph from its output back to its input (so the largest pattern rooted
 * furthest downstream wins), fire the first rule that matches a node, splice its replacement in, and start a new
 * sweep; stop when a sweep fires nothing. Returns the new graph and every firing.
 */
export function applyRules(graph: Graph, ruleSet: RuleSet): { graph: Graph; firings: Firing[] } {
  let current = graph;
  const firings: Firing[] = [];
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    const fired = sweepOnce(current, ruleSet);
    if (!fired) return { graph: current, firings };
    current = fired.graph;
    firings.push(fired.firing);
  }
  throw new Error(`internal: rule set ${ruleSet.name} did not reach a fixpoint in ${MAX_SWEEPS} sweeps`);
}

function sweepOnce(graph: Graph, ruleSet: RuleSet): { graph: Graph; firing: Firing } | undefined {
  const index = indexGraph(graph);
  const context: RewriteContext = {
    graph,
    shapeOf: (t) => {
      const info = graph.tensors.get(t);
      if (!info) throw new Error(`internal: no tensor ${t}`);
      return info.shape;
    },
    values: (w) => {
      const data = graph.initializers.get(w)?.data;
      if (!data) throw new Error(`internal: weight ${w} has no values; materialise weights before this pass`);
      return data;
    },
  };
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const root = graph.nodes[i]!;
    for (const rule of ruleSet.rules) {
      const match = matchPattern(rule.pattern, root, graph, index);
      if (!match) continue;
      const replacement = rule.rewrite(match, context);
      if (!replacement) continue;
      if (replacement.nodes.length === 0 && replacement.output === undefined) {
        throw new Error(`internal: rule ${rule.name} replaced ${root.name} by nothing`);
      }
      const firing: Firing = {
        rule: rule.name,
        matched: match.matched.map((n) => n.name),
        created: replacement.nodes.map((n) => n.name),
      };
      if (root.span) firing.span = root.span;
      return { graph: splice(graph, match, replacement), firing };
    }
  }
  return undefined;
}

/** Replaces the matched nodes by the replacement's, at the root's position, and re-derives shapes and weights. */
function splice(graph: Graph, match: Match, replacement: Replacement): Graph {
  const removed = new Set(match.matched);
  const output = replacement.output ?? replacement.nodes[replacement.nodes.length - 1]!.output;
  const rename = (t: string) => (t === match.root.output ? output : t);
  const nodes: IrNode[] = [];
  for (const n of graph.nodes) {
    if (n === match.root) nodes.push(...replacement.nodes);
    else if (!removed.has(n)) nodes.push(n.inputs.includes(match.root.output) ? { ...n, inputs: n.inputs.map(rename) } : n);
  }
  const initializers = new Map(graph.initializers);
  for (const init of replacement.initializers ?? []) initializers.set(init.name, init);
  return rebuildTables({ ...graph, nodes, initializers, output: rename(graph.output) });
}

/**
 * Recomputes the tensor table from the nodes (each op's shape rule) and drops weights no node uses: the one place
 * graph tables are derived after an edit, so passes only ever say which nodes there are.
 */
export function rebuildTables(graph: Graph): Graph {
  const tensors = new Map([[graph.input.name, graph.input]]);
  const used = new Set<string>();
  for (const n of graph.nodes) {
    const shapes = n.inputs.map((t) => {
      const info = tensors.get(t);
      if (!info) throw new Error(`internal: ${n.name} reads ${t}, which is not defined before it`);
      return info.shape;
    });
    tensors.set(n.output, { name: n.output, shape: OP_SPECS[n.op].inferShape(shapes, n.attrs as never) });
    for (const w of Object.values(n.weights)) used.add(w);
  }
  const initializers = new Map([...graph.initializers].filter(([name]) => used.has(name)));
  return { ...graph, tensors, initializers };
}
