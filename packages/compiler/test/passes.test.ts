import { describe, expect, it } from 'vitest';
import { GraphBuilder, applyRules, costReport, materializeWeights, type ConvAttributes, type Graph, type RuleSet } from '@excite/ir';
import {
  compile,
  dropInferenceNoops,
  eliminateDeadCode,
  foldBatchNorm,
  foldConstantScale,
  fuseConvActivation,
  fuseScaleAdd,
  fuseSqueezeExcite,
} from '../src/index.js';
import { expectSameOutputs, ops } from './helpers.js';

const conv = (out: number, k: number, s = 1, bias = false): ConvAttributes => ({
  kernel: [k, k], stride: [s, s], pads: [(k - 1) / 2, (k - 1) / 2, (k - 1) / 2, (k - 1) / 2], dilation: [1, 1], groups: 1, outChannels: out, bias,
});

interface SeOptions {
  squeeze?: 'avg' | 'max' | 'none';
  gate?: 'Sigmoid' | 'HardSigmoid' | 'Tanh' | 'Relu';
  bias?: boolean;
}

/** conv-bn-relu, conv-bn, SE, + shortcut, relu, dropout, classifier: one residual SE block. */
function seBlock(options: SeOptions = {}): Graph {
  const { squeeze = 'avg', gate = 'Sigmoid', bias = true } = options;
  const b = new GraphBuilder('block', [8, 6, 6]);
  const se = { se: 'se' };
  let x = b.add('Conv', conv(8, 3), [b.input], 'conv1');
  x = b.add('BatchNorm', { eps: 1e-5 }, [x], 'bn1');
  x = b.add('Relu', {}, [x], 'relu1');
  x = b.add('Conv', conv(8, 3), [x], 'conv2');
  const branch = b.add('BatchNorm', { eps: 1e-3 }, [x], 'bn2');
  const squeezed = squeeze === 'none' ? branch : b.add('GlobalPool', { mode: squeeze }, [branch], 'se.squeeze', se);
  let e = b.add('Conv', conv(2, 1, 1, bias), [squeezed], 'se.fc1', se);
  e = b.add('Relu', {}, [e], 'se.act', se);
  e = b.add('Conv', conv(8, 1, 1, bias), [e], 'se.fc2', se);
  e = b.add(gate, {}, [e], 'se.gate', se);
  const scaled = b.add('Mul', {}, [branch, e], 'se.scale', se);
  let y = b.add('Add', {}, [scaled, b.input], 'add');
  y = b.add('Relu', {}, [y], 'relu2');
  y = b.add('Dropout', { rate: 0.2 }, [y], 'dropout');
  y = b.add('GlobalPool', { mode: 'avg' }, [y], 'pool');
  y = b.add('Dense', { outFeatures: 4, bias: true }, [y], 'fc');
  return materializeWeights(b.finish(y));
}

const run = (rules: RuleSet) => (g: Graph) => applyRules(g, rules).graph;

describe('fold-batch-norm', () => {
  it('structure: every conv+bn becomes a biased conv', () => {
    const { graph, firings } = applyRules(seBlock(), foldBatchNorm);
    expect(ops(graph)).toEqual(['Conv', 'Relu', 'Conv', 'GlobalPool', 'Conv', 'Relu', 'Conv', 'Sigmoid', 'Mul', 'Add', 'Relu', 'Dropout', 'GlobalPool', 'Dense']);
    expect(firings.map((f) => f.matched)).toEqual([['conv2', 'bn2'], ['conv1', 'bn1']]);
    expect(graph.nodes[0]).toMatchObject({ name: 'conv1', output: 'conv1', attrs: { bias: true }, weights: { weight: 'conv1.weight', bias: 'conv1.bias' } });
    expect(graph.nodes.find((n) => n.op === 'Mul')!.inputs).toEqual(['conv2', 'se.gate']);
    expect([...graph.initializers.keys()].some((k) => k.startsWith('bn'))).toBe(false);
  });
  it('numerics: outputs unchanged on random weights and statistics', () => {
    expectSameOutputs(seBlock(), run(foldBatchNorm));
  });
  it('leaves a batch norm whose conv output is also used elsewhere', () => {
    const b = new GraphBuilder('shared', [4, 4, 4]);
    const c = b.add('Conv', conv(4, 1), [b.input], 'conv');
    const n = b.add('BatchNorm', { eps: 1e-5 }, [c], 'bn');
    const sum = b.add('Add', {}, [c, n], 'add');
    const g = b.finish(b.add('Flatten', {}, [sum], 'flat'));
    expect(applyRules(g, foldBatchNorm).firings).toEqual([]);
  });
});

describe('fuse-squeeze-excite', () => {
  for (const options of [{}, { squeeze: 'max' as const, gate: 'HardSigmoid' as const }, { gate: 'Tanh' as const, bias: false }, { gate: 'Relu' as const }, { squeeze: 'none' as const }]) {
    it(`structure and numerics: ${JSON.stringify(options)}`, () => {
      const { graph, firings } = applyRules(seBlock(options), fuseSqueezeExcite);
      expect(firings).toHaveLength(1);
      const se = graph.nodes.find((n) => n.op === 'SqueezeExcite')!;
      expect(se).toMatchObject({ name: 'se', inputs: ['bn2'], se: 'se' });
      expect(se.attrs).toMatchObject({ squeeze: options.squeeze ?? 'avg', reduced: 2, bias: options.bias ?? true });
      expect(graph.nodes.find((n) => n.op === 'Mul')!.inputs).toEqual(['bn2', 'se']);
      expect(graph.nodes.filter((n) => n.se).map((n) => n.op)).toEqual(['SqueezeExcite', 'Mul']);
      expectSameOutputs(seBlock(options), run(fuseSqueezeExcite));
      // Costs are unchanged by fusion: same params, MACs and SE operations.
      expect(costReport(graph).totals).toEqual(costReport(seBlock(options)).totals);
    });
  }
  it('does not fuse a conv-act-conv-sigmoid chain outside an SE block without a squeeze', () => {
    const b = new GraphBuilder('plain', [4, 4, 4]);
    let x = b.add('Conv', conv(2, 1, 1, true), [b.input], 'a');
    x = b.add('Relu', {}, [x], 'r');
    x = b.add('Conv', conv(4, 1, 1, true), [x], 'b');
    x = b.add('Sigmoid', {}, [x], 's');
    const g = b.finish(b.add('Flatten', {}, [x], 'f'));
    expect(applyRules(g, fuseSqueezeExcite).firings).toEqual([]);
  });
});

describe('fuse-scale-add', () => {
  it('structure: SE scale + residual sum + ReLU become one ScaleAdd', () => {
    const fused = applyRules(seBlock(), fuseSqueezeExcite).graph;
    const { graph, firings } = applyRules(fused, fuseScaleAdd);
    expect(firings.map((f) => f.rule)).toEqual(['fuse-scale-add-activation']);
    const scaleAdd = graph.nodes.find((n) => n.op === 'ScaleAdd')!;
    expect(scaleAdd).toMatchObject({ name: 'scale_add', inputs: ['bn2', 'se', 'input'], attrs: { activation: 'relu' }, se: 'se' });
    expect(ops(graph)).not.toContain('Mul');
    expect(ops(graph)).not.toContain('Add');
    expectSameOutputs(seBlock(), (g) => run(fuseScaleAdd)(run(fuseSqueezeExcite)(g)));
    expect(costReport(graph).totals).toEqual(costReport(seBlock()).totals);
  });
  it('fuses a sum without activation, with the scaled branch on either side', () => {
    const b = new GraphBuilder('sum', [4, 3, 3]);
    const s = b.add('GlobalPool', { mode: 'avg' }, [b.input], 'pool');
    const m = b.add('Mul', {}, [b.input, s], 'mul');
    const g = b.finish(b.add('Add', {}, [b.input, m], 'add'));
    const { graph } = applyRules(g, fuseScaleAdd);
    expect(graph.nodes.map((n) => [n.op, n.inputs])).toEqual([['GlobalPool', ['input']], ['ScaleAdd', ['input', 'pool', 'input']]]);
    expect(graph.output).toBe('scale_add');
    expectSameOutputs(g, run(fuseScaleAdd));
  });
});

describe('fuse-conv-activation, fold-constant-scale, drop-inference-noops, eliminate-dead-code', () => {
  it('fuses activations into convs', () => {
    const folded = applyRules(seBlock(), foldBatchNorm).graph;
    const { graph } = applyRules(folded, fuseConvActivation);
    expect(graph.nodes.filter((n) => n.op === 'Conv').map((n) => (n.attrs as ConvAttributes).activation)).toEqual(['relu', undefined, 'relu', 'sigmoid']);
    expectSameOutputs(folded, run(fuseConvActivation));
  });
  it('folds a constant residual scale into the conv before it', () => {
    const b = new GraphBuilder('scaled', [4, 5, 5]);
    const c = b.add('Conv', conv(4, 3, 1, true), [b.input], 'conv');
    const s = b.add('Scale', { factor: 0.17 }, [c], 'scale');
    const g = materializeWeights(b.finish(b.add('Flatten', {}, [b.add('Add', {}, [s, b.input], 'add')], 'flat')));
    const { graph } = applyRules(g, foldConstantScale);
    expect(ops(graph)).toEqual(['Conv', 'Add', 'Flatten']);
    expectSameOutputs(g, run(foldConstantScale));
  });
  it('drops dropout and identities; the graph output follows', () => {
    const b = new GraphBuilder('noops', [4, 2, 2]);
    const i = b.add('Identity', {}, [b.input], 'id');
    const g = b.finish(b.add('Dropout', { rate: 0.5 }, [b.add('Flatten', {}, [i], 'flat')], 'drop'));
    const { graph } = applyRules(g, dropInferenceNoops);
    expect(graph.nodes.map((n) => [n.op, n.inputs])).toEqual([['Flatten', ['input']]]);
    expect(graph.output).toBe('flat');
    expectSameOutputs(g, run(dropInferenceNoops));
  });
  it('removes nodes that do not reach the output', () => {
    const b = new GraphBuilder('dead', [4, 2, 2]);
    b.add('Conv', conv(4, 1), [b.input], 'unused');
    const g = b.finish(b.add('Flatten', {}, [b.input], 'flat'));
    const graph = eliminateDeadCode(g);
    expect(ops(graph)).toEqual(['Flatten']);
    expect(graph.initializers.size).toBe(0);
  });
});

describe('the inference pipeline', () => {
  it('folds, fuses and keeps the numbers, verifying after every stage', () => {
    const before = seBlock();
    const result = expectSameOutputs(before, (g) => compile(g, { verify: true }).graph);
    expect(ops(result)).toEqual(['Conv', 'Conv', 'SqueezeExcite', 'ScaleAdd', 'GlobalPool', 'Dense']);
    const { stages } = compile(before);
    expect(stages.map((s) => [s.stage, s.nodes])).toEqual([
      ['drop-inference-noops', 15], ['fold-batch-norm', 13], ['fold-constant-scale', 13], ['fuse-squeeze-excite', 9],
      ['fuse-scale-add', 7], ['fuse-conv-activation', 6], ['eliminate-dead-code', 6],
    ]);
  });
});
