import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  applyRules,
  capture,
  indexGraph,
  matchPattern,
  node,
  randomWeights,
  rebuildTables,
  replacementNode,
  type ConvAttributes,
  type Firing,
  type Graph,
  type IrNode,
  type Match,
  type Replacement,
  type RewriteContext,
  type RuleSet,
} from '@excite/ir';
import {
  PIPELINES,
  STAGES,
  dropInferenceNoops,
  foldBatchNorm,
  foldConstantScale,
  fuseConvActivation,
  fuseScaleAdd,
  fuseSqueezeExcite,
} from '../src/index.js';

const RULE_SETS: Record<string, RuleSet> = Object.fromEntries(
  [dropInferenceNoops, foldBatchNorm, foldConstantScale, fuseSqueezeExcite, fuseScaleAdd, fuseConvActivation].map((r) => [r.name, r]),
);

/**
 * The rewrite engine keeps its tables current edit by edit for speed. This is the definition it must agree with,
 * firing for firing: after every single firing, splice and re-derive every table from scratch.
 */
function referenceApplyRules(graph: Graph, ruleSet: RuleSet): { graph: Graph; firings: Firing[] } {
  const firings: Firing[] = [];
  let current = graph;
  for (;;) {
    const index = indexGraph(current);
    const g = current;
    const context: RewriteContext = {
      graph: g,
      shapeOf: (t) => g.tensors.get(t)!.shape,
      values: (w) => g.initializers.get(w)!.data!,
    };
    let fired: { match: Match; replacement: Replacement; rule: string } | undefined;
    search: for (let i = g.nodes.length - 1; i >= 0; i--) {
      for (const rule of ruleSet.rules) {
        const match = matchPattern(rule.pattern, g.nodes[i]!, g, index);
        const replacement = match && rule.rewrite(match, context);
        if (match && replacement) {
          fired = { match, replacement, rule: rule.name };
          break search;
        }
      }
    }
    if (!fired) return { graph: current, firings };
    const { match, replacement } = fired;
    const firing: Firing = { rule: fired.rule, matched: match.matched.map((n) => n.name), created: replacement.nodes.map((n) => n.name) };
    if (match.root.span) firing.span = match.root.span;
    firings.push(firing);
    const output = replacement.output ?? replacement.nodes.at(-1)!.output;
    const rename = (t: string) => (t === match.root.output ? output : t);
    const nodes = g.nodes.flatMap((n): IrNode[] => {
      if (n === match.root) return replacement.nodes;
      if (match.matched.includes(n)) return [];
      return n.inputs.includes(match.root.output) ? [{ ...n, inputs: n.inputs.map(rename) }] : [n];
    });
    const initializers = new Map(g.initializers);
    for (const init of replacement.initializers ?? []) initializers.set(init.name, init);
    current = rebuildTables({ ...g, nodes, initializers, output: rename(g.output) });
  }
}

/** Graphs equal including the order of their tables (ONNX initializers and value infos are emitted in that order). */
function expectSameGraph(actual: Graph, expected: Graph) {
  expect(actual).toEqual(expected);
  expect([...actual.initializers.keys()]).toEqual([...expected.initializers.keys()]);
  expect([...actual.tensors.keys()]).toEqual([...expected.tensors.keys()]);
}

const conv = (out: number, k: number, s = 1, bias = false, groups = 1): ConvAttributes => ({
  kernel: [k, k], stride: [s, s], pads: [(k - 1) / 2, (k - 1) / 2, (k - 1) / 2, (k - 1) / 2], dilation: [1, 1], groups, outChannels: out, bias,
});

/**
 * A small SENet: stem, then residual SE blocks (projection shortcuts, grouped convs, a scaled residual, an SE
 * without biases), dropout and a classifier — so every inference stage fires several times, in interleaved places.
 */
function smallSeNet(): Graph {
  const b = new GraphBuilder('small-senet', [3, 8, 8]);
  let x = b.add('Conv', conv(8, 3, 2), [b.input], 'stem.conv');
  x = b.add('BatchNorm', { eps: 1e-5 }, [x], 'stem.bn');
  x = b.add('Relu', {}, [x], 'stem.relu');
  const widths = [8, 16, 16];
  let channels = 8;
  widths.forEach((width, i) => {
    const p = `block${i}`;
    const se = { se: `${p}.se` };
    let y = b.add('Conv', conv(width, 1), [x], `${p}.conv1`);
    y = b.add('BatchNorm', { eps: 1e-5 }, [y], `${p}.bn1`);
    y = b.add('Relu', {}, [y], `${p}.relu1`);
    y = b.add('Conv', conv(width, 3, 1, false, 4), [y], `${p}.conv2`);
    const branch = b.add('BatchNorm', { eps: 1e-3 }, [y], `${p}.bn2`);
    let e = b.add('GlobalPool', { mode: 'avg' }, [branch], `${p}.se.squeeze`, se);
    e = b.add('Conv', conv(width / 4, 1, 1, i !== 1), [e], `${p}.se.fc1`, se);
    e = b.add('Relu', {}, [e], `${p}.se.act`, se);
    e = b.add('Conv', conv(width, 1, 1, i !== 1), [e], `${p}.se.fc2`, se);
    e = b.add('Sigmoid', {}, [e], `${p}.se.gate`, se);
    const scaled = b.add('Mul', {}, [branch, e], `${p}.se.scale`, se);
    let shortcut = x;
    if (width !== channels) {
      shortcut = b.add('Conv', conv(width, 1), [x], `${p}.proj`);
      shortcut = b.add('BatchNorm', { eps: 1e-5 }, [shortcut], `${p}.proj.bn`);
    } else if (i === 2) {
      shortcut = b.add('Scale', { factor: 1 }, [shortcut], `${p}.identity`);
    }
    x = b.add('Relu', {}, [b.add('Add', {}, [scaled, shortcut], `${p}.add`)], `${p}.relu`);
    channels = width;
  });
  x = b.add('GlobalPool', { mode: 'avg' }, [x], 'pool');
  x = b.add('Dropout', { rate: 0.2 }, [x], 'dropout');
  x = b.add('Dense', { outFeatures: 5, bias: true }, [x], 'fc');
  return randomWeights(b.finish(b.add('Softmax', {}, [x], 'softmax')), 11);
}

describe('rewrite engine: incremental tables agree with re-deriving them after every firing', () => {
  it('gives the same graph and firing trace in every stage of the inference pipeline', () => {
    let expected = smallSeNet();
    let actual = expected;
    let fired = 0;
    for (const stage of PIPELINES.inference) {
      const rules = RULE_SETS[stage];
      const reference = rules ? referenceApplyRules(expected, rules) : STAGES[stage].run(expected);
      const result = STAGES[stage].run(actual);
      expect(result.firings).toEqual(reference.firings);
      expectSameGraph(result.graph, reference.graph);
      fired += result.firings.length;
      [expected, actual] = [reference.graph, result.graph];
    }
    expect(fired).toBeGreaterThan(15);
  });

  it('re-derives shapes downstream when a rewrite changes them, and drops weights that fall out of use', () => {
    // A rule that removes stride-2 max pools changes every shape after them; a second removes unit scales.
    const b = new GraphBuilder('reshape', [4, 8, 8]);
    let x = b.add('Conv', conv(4, 3), [b.input], 'conv1');
    x = b.add('MaxPool', { kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0], ceil: false, countIncludePad: false }, [x], 'pool1');
    x = b.add('Conv', conv(6, 3, 1, true), [x], 'conv2');
    x = b.add('Scale', { factor: 1 }, [x], 'scale');
    x = b.add('MaxPool', { kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0], ceil: false, countIncludePad: false }, [x], 'pool2');
    const unused = b.add('Conv', conv(2, 1), [b.input], 'dead');
    const graph = randomWeights(b.finish(b.add('Relu', {}, [x], 'relu')), 5);
    const rules: RuleSet = {
      name: 'test',
      rules: [
        { name: 'drop-pool', doc: '', pattern: node('MaxPool', { inputs: [capture('x')] }), rewrite: (m) => ({ nodes: [], output: m.tensors.x! }) },
        ...dropInferenceNoops.rules,
        {
          // Reads a shape the pool removals changed two nodes downstream of the edit.
          name: 'relu-to-sigmoid-at-full-resolution',
          doc: '',
          pattern: node('Relu'),
          rewrite: (m, ctx) =>
            ctx.shapeOf(m.root.output)[1] === 8 ? { nodes: [replacementNode(m.root, 'Sigmoid', {}, m.root.inputs, {})] } : undefined,
        },
      ],
    };
    // The dead conv's node is gone but its weight stays in the table: the first splice drops it, as a rebuild does.
    const withStray = { ...graph, nodes: graph.nodes.filter((n) => n.name !== unused) };
    const nodesBefore = [...withStray.nodes];
    const result = applyRules(withStray, rules);
    // The engine edits its own copies of the tables: the input graph is left as it was.
    expect(withStray.nodes).toEqual(nodesBefore);
    expect(withStray.initializers.size).toBe(graph.initializers.size);
    expect(withStray.tensors.get('relu')!.shape).toEqual([6, 2, 2]);
    const reference = referenceApplyRules(withStray, rules);
    expect(result.firings.map((f) => f.rule)).toEqual(['drop-pool', 'drop-unit-scale', 'drop-pool', 'relu-to-sigmoid-at-full-resolution']);
    expect(result.firings).toEqual(reference.firings);
    expectSameGraph(result.graph, reference.graph);
    expect(result.graph.nodes.at(-1)!.op).toBe('Sigmoid');
    expect(result.graph.tensors.get('relu')!.shape).toEqual([6, 8, 8]);
    expect(result.graph.initializers.has('dead.weight')).toBe(false);
  });

  it('returns the input graph itself when nothing fires', () => {
    const graph = smallSeNet();
    expect(applyRules(graph, { name: 'none', rules: [] }).graph).toBe(graph);
  });
});
