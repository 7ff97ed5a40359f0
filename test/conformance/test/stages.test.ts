import { describe, expect, it } from 'vitest';
import { compile } from '@excite/compiler';
import { float32NoiseFloor, interpret, relativeError, verifyGraph } from '@excite/ir';
import { expectAgreement, sampleOf, smallModel } from './helpers.js';

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
