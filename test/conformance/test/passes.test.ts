import { describe, expect, it } from 'vitest';
import { compile } from '@excite/compiler';
import {
  calibrateWeights,
  float32NoiseFloor,
  interpret,
  randomValues,
  randomWeights,
  relativeError,
  tensor,
  verifyGraph,
  type Graph,
} from '@excite/ir';
import { ZOO, createModel } from '@excite/zoo';

/** The logits: softmax squashes differences, so compare what comes before it when the model ends with one. */
function withoutSoftmax(graph: Graph): Graph {
  const last = graph.nodes[graph.nodes.length - 1]!;
  if (last.op !== 'Softmax') return graph;
  return { ...graph, nodes: graph.nodes.slice(0, -1), output: last.inputs[0]! };
}

/**
 * Input sizes: 64×64 as the issue suggests; the deepest models (and the ablation variants, which only re-place SE
 * blocks in SE-ResNet-50) at 32×32 to keep the suite's time in budget; Inception-ResNet-v2 at its smallest valid 75×75.
 */
function smallInput(name: string): [number, number] {
  if (name.includes('inception-resnet')) return [75, 75];
  if (/-(101|152)$|senet-154|vgg|^se-resnet-50-/.test(name)) return [32, 32];
  return [64, 64];
}

const sampleOf = (graph: Graph, n: number, seed: number) =>
  tensor([n, ...graph.input.shape], randomValues(n * graph.input.shape.reduce((a, b) => a * b, 1), seed));

/**
 * A zoo model at a small input with random weights, its batch norm statistics calibrated on a sample (as a trained
 * network's are), so depth does not blow activations up and the comparison measures the passes, not conditioning.
 */
function smallModel(name: string): Graph {
  const graph = withoutSoftmax(createModel(name, { input: smallInput(name) }));
  return calibrateWeights(randomWeights(graph, 11), sampleOf(graph, 2, 1));
}

/**
 * The pass-correctness criterion: outputs agree within 1e-5 relative — or, where the random network itself is so
 * ill-conditioned that rounding its weights by one float32 ulp moves the output further (deep and SE-POST models),
 * within twice that noise floor: a difference float32 cannot tell from rounding.
 */
function expectAgreement(graph: Graph, optimised: Graph, input = sampleOf(graph, 1, 5), label = graph.name) {
  const expected = interpret(graph, input).output;
  const error = relativeError(expected.data, interpret(optimised, input).output.data);
  if (error < 1e-5) return;
  const floor = float32NoiseFloor(graph, input, expected);
  expect(error, `${label}: error ${error.toExponential(2)} vs float32 noise floor ${floor.toExponential(2)}`).toBeLessThan(2 * floor);
}

describe('every zoo model: the inference pipeline keeps the numbers (reference interpreter, random weights)', () => {
  for (const entry of ZOO) {
    it(entry.name, { timeout: 180_000 }, () => {
      const graph = smallModel(entry.name);
      const { graph: optimised } = compile(graph, { verify: true });
      expect(optimised.nodes.some((n) => n.op === 'BatchNorm' || n.op === 'Dropout')).toBe(false);
      expectAgreement(graph, optimised);
    });
  }
});

describe('SE-ResNet-50 through the inference pipeline', () => {
  const graph = smallModel('se-resnet-50');
  const result = compile(graph, { verify: true, keepGraphs: true });
  const stage = (name: string) => result.stages.find((s) => s.stage === name)!;

  it('folds all 53 batch norms, fuses all 16 SE blocks and all 16 scale+add+ReLU', () => {
    expect(graph.nodes.filter((n) => n.op === 'BatchNorm')).toHaveLength(53);
    expect(stage('fold-batch-norm').firings).toHaveLength(53);
    expect(stage('fuse-squeeze-excite').firings).toHaveLength(16);
    expect(stage('fuse-scale-add').firings.map((f) => f.rule)).toEqual(new Array(16).fill('fuse-scale-add-activation'));
    expect(result.graph.nodes.filter((n) => n.op === 'BatchNorm')).toHaveLength(0);
    expect(result.graph.nodes.filter((n) => n.op === 'SqueezeExcite')).toHaveLength(16);
    expect(result.graph.nodes.filter((n) => n.op === 'ScaleAdd' && (n.attrs as { activation?: string }).activation === 'relu')).toHaveLength(16);
  });

  it('every stage keeps the outputs within 1e-5 relative and passes the verifier', () => {
    const input = sampleOf(graph, 1, 9);
    const expected = interpret(graph, input).output;
    for (const s of result.stages) {
      expect(verifyGraph(s.graph!), s.stage).toEqual([]);
      expect(relativeError(expected.data, interpret(s.graph!, input).output.data), s.stage).toBeLessThan(1e-5);
    }
    // What a float32 ulp of weight rounding alone does to this network, for comparison (printed for the record).
    console.log(`se-resnet-50 float32 noise floor: ${float32NoiseFloor(graph, input, expected).toExponential(2)}`);
  });
});

describe('per-stage numerics for one model of each family', () => {
  // SENet-154 shares SE-ResNeXt's structure (grouped bottlenecks); its end-to-end check above covers it.
  for (const name of ['se-resnext-50', 'se-bn-inception', 'se-inception-resnet-v2', 'se-vgg-16', 'se-mobilenet', 'se-shufflenet']) {
    it(name, { timeout: 180_000 }, () => {
      const graph = smallModel(name);
      const { stages } = compile(graph, { verify: true, keepGraphs: true });
      const input = sampleOf(graph, 1, 9);
      for (const s of stages) if (s.firings.length > 0) expectAgreement(graph, s.graph!, input, `${name} after ${s.stage}`);
    });
  }
});
