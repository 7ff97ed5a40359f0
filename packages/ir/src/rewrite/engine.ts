import type { Span } from '@excite/diagnostics';
import { OP_SPECS, type OpAttributes, type OpKind } from '../ops/index.js';
import type { Graph, Initializer, IrNode, Shape, TensorInfo } from '../types.js';
import { indexGraph, matchPattern, type GraphIndex, type Match, type NodePattern } from './pattern.js';

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
 *
 * The graph's tables (producers, consumers, shapes, weight uses) are kept up to date edit by edit rather than
 * re-derived after each firing: a stage fires once per block of a network (SENet-154: ~160 times over ~1,300 nodes),
 * and re-deriving made a stage O(firings × nodes) in map building alone. The result is the same graph, firing for
 * firing, as re-deriving everything would give; one `rebuildTables` at the end re-checks it.
 */
export function applyRules(graph: Graph, ruleSet: RuleSet): { graph: Graph; firings: Firing[] } {
  const firings: Firing[] = [];
  let state: RewriteState | undefined;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    state ??= new RewriteState(graph);
    const firing = state.sweepOnce(ruleSet);
    if (!firing) return { graph: firings.length === 0 ? graph : rebuildTables(state.view()), firings };
    firings.push(firing);
  }
  throw new Error(`internal: rule set ${ruleSet.name} did not reach a fixpoint in ${MAX_SWEEPS} sweeps`);
}

/** A graph being rewritten, with its tables kept current across splices (see `applyRules`). */
class RewriteState {
  private nodes: IrNode[];
  private output: string;
  private readonly tensors: Map<string, TensorInfo>;
  private readonly initializers: Map<string, Initializer>;
  /** How many node references each weight has; a weight is dropped when its count reaches zero. */
  private readonly uses = new Map<string, number>();
  private readonly index: GraphIndex;
  /** Weights no node used to begin with are dropped by the first splice, as a full rebuild would. */
  private pruned = false;

  constructor(private readonly base: Graph) {
    this.nodes = base.nodes;
    this.output = base.output;
    this.tensors = new Map(base.tensors);
    this.initializers = new Map(base.initializers);
    this.index = indexGraph(base);
    for (const n of base.nodes) this.countWeights(n, 1);
  }

  view(): Graph {
    return { ...this.base, nodes: this.nodes, tensors: this.tensors, initializers: this.initializers, output: this.output };
  }

  sweepOnce(ruleSet: RuleSet): Firing | undefined {
    const graph = this.view();
    const context: RewriteContext = {
      graph,
      shapeOf: (t) => {
        const info = this.tensors.get(t);
        if (!info) throw new Error(`internal: no tensor ${t}`);
        return info.shape;
      },
      values: (w) => {
        const data = this.initializers.get(w)?.data;
        if (!data) throw new Error(`internal: weight ${w} has no values; materialise weights before this pass`);
        return data;
      },
    };
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const root = this.nodes[i]!;
      for (const rule of ruleSet.rules) {
        const match = matchPattern(rule.pattern, root, graph, this.index);
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
        this.splice(match, replacement);
        return firing;
      }
    }
    return undefined;
  }

  /** Replaces the matched nodes by the replacement's, at the root's position, and updates every table to match. */
  private splice(match: Match, replacement: Replacement): void {
    const removed = new Set(match.matched);
    const output = replacement.output ?? replacement.nodes[replacement.nodes.length - 1]!.output;
    const rename = (t: string) => (t === match.root.output ? output : t);
    const nodes: IrNode[] = [];
    const redirected: [before: IrNode, after: IrNode][] = [];
    for (const n of this.nodes) {
      if (n === match.root) nodes.push(...replacement.nodes);
      else if (!removed.has(n)) {
        if (n.inputs.includes(match.root.output)) {
          const after = { ...n, inputs: n.inputs.map(rename) };
          redirected.push([n, after]);
          nodes.push(after);
        } else nodes.push(n);
      }
    }
    this.nodes = nodes;
    this.output = rename(this.output);

    const { producer, consumers } = this.index;
    const unlink = (n: IrNode) => {
      if (producer.get(n.output) === n) producer.delete(n.output);
      for (const input of n.inputs) {
        const list = consumers.get(input);
        if (list) consumers.set(input, list.filter((c) => c !== n));
      }
    };
    const link = (n: IrNode) => {
      producer.set(n.output, n);
      for (const input of n.inputs) {
        const list = consumers.get(input);
        if (list) list.push(n);
        else consumers.set(input, [n]);
      }
    };
    for (const n of removed) unlink(n);
    for (const [before] of redirected) unlink(before);
    for (const n of replacement.nodes) link(n);
    for (const [, after] of redirected) link(after);

    // Shapes: only the new nodes and the redirected consumers can change; if a consumer's shape did, everything
    // downstream of it may too, so fall back to re-deriving the whole table.
    for (const n of removed) this.tensors.delete(n.output);
    let reshaped = false;
    for (const n of [...replacement.nodes, ...redirected.map(([, after]) => after)]) {
      const previous = this.tensors.get(n.output)?.shape;
      const shape = this.inferShape(n);
      if (previous && !sameShape(previous, shape)) reshaped = true;
      this.tensors.set(n.output, { name: n.output, shape });
    }
    if (reshaped) {
      const rebuilt = rebuildTables(this.view()).tensors;
      this.tensors.clear();
      for (const [name, info] of rebuilt) this.tensors.set(name, info);
    }

    // Weights: same order and contents as copying the map, setting the new ones and dropping the unused.
    for (const n of removed) this.countWeights(n, -1);
    for (const n of replacement.nodes) this.countWeights(n, 1);
    for (const init of replacement.initializers ?? []) this.initializers.set(init.name, init);
    const candidates = this.pruned
      ? [...[...removed].flatMap((n) => Object.values(n.weights)), ...(replacement.initializers ?? []).map((i) => i.name)]
      : [...this.initializers.keys()];
    this.pruned = true;
    for (const name of candidates) if (!this.uses.get(name)) this.initializers.delete(name);
  }

  private inferShape(n: IrNode): Shape {
    const shapes = n.inputs.map((t) => {
      const info = this.tensors.get(t);
      if (!info) throw new Error(`internal: ${n.name} reads ${t}, which is not defined before it`);
      return info.shape;
    });
    return OP_SPECS[n.op].inferShape(shapes, n.attrs as never);
  }

  private countWeights(n: IrNode, delta: number): void {
    for (const w of Object.values(n.weights)) this.uses.set(w, (this.uses.get(w) ?? 0) + delta);
  }
}

function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Recomputes the tensor table from the nodes (each op's shape rule) and drops weights no node uses: the definition of
 * a graph's tables after an edit, so passes only ever say which nodes there are (`applyRules` keeps them current
 * edit by edit, and calls this once at the end of each stage).
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
