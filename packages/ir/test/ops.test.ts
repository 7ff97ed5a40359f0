import { describe, expect, it } from 'vitest';
import { GraphBuilder, OP_KINDS, OP_SPECS, ShapeError, costReport, verifyGraph, windowOutput, materializeWeights, printGraph } from '../src/index.js';
import type { ConvAttributes } from '../src/index.js';

const conv = (out: number, k: number, s = 1, p = 0, groups = 1, bias = false): ConvAttributes => ({
  kernel: [k, k], stride: [s, s], pads: [p, p, p, p], dilation: [1, 1], groups, outChannels: out, bias,
});

describe('window arithmetic', () => {
  it('rounds pooling up in ceil mode like Caffe (112 → 56 with a 3x3/2 pool)', () => {
    expect(windowOutput(112, 3, 2, 0, 0, 1, true)).toBe(56);
    expect(windowOutput(112, 3, 2, 0, 0, 1, false)).toBe(55);
  });
  it('drops a last ceil-mode window that would start in the padding', () => {
    // PyTorch: MaxPool2d(2, 2, padding=1, ceil_mode=True) on 4 gives 3, not 4.
    expect(windowOutput(4, 2, 2, 1, 1, 1, true)).toBe(3);
  });
  it('applies dilation', () => {
    expect(windowOutput(10, 3, 1, 0, 0, 2)).toBe(6);
  });
});

describe('op shape and cost rules', () => {
  it('every op kind has a spec with a shape rule', () => {
    for (const kind of OP_KINDS) expect(typeof OP_SPECS[kind].inferShape).toBe('function');
  });

  it('conv: shape, weights and MACs', () => {
    const shape = OP_SPECS.Conv.inferShape([[64, 56, 56]], conv(128, 3, 2, 1, 32));
    expect(shape).toEqual([128, 28, 28]);
    const weights = OP_SPECS.Conv.weights!([[64, 56, 56]], conv(128, 3, 2, 1, 32, true));
    expect(weights.map((w) => [w.role, w.shape])).toEqual([['weight', [128, 2, 3, 3]], ['bias', [128]]]);
    expect(OP_SPECS.Conv.macs!([[64, 56, 56]], shape, conv(128, 3, 2, 1, 32))).toBe(128 * 28 * 28 * 2 * 9);
  });

  it('conv rejects groups that do not divide the channels, with E0402', () => {
    try {
      OP_SPECS.Conv.inferShape([[30, 8, 8]], conv(64, 3, 1, 1, 4));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ShapeError);
      expect((error as ShapeError).code).toBe('E0402');
    }
  });

  it('dense accepts [C] and [C,1,1] but not a spatial map', () => {
    expect(OP_SPECS.Dense.inferShape([[2048, 1, 1]], { outFeatures: 1000, bias: true })).toEqual([1000]);
    expect(() => OP_SPECS.Dense.inferShape([[2048, 7, 7]], { outFeatures: 1000, bias: true })).toThrow(/flat input/);
  });

  it('mul broadcasts a [C,1,1] scale and rejects other shapes', () => {
    expect(OP_SPECS.Mul.inferShape([[64, 8, 8], [64, 1, 1]], {})).toEqual([64, 8, 8]);
    expect(() => OP_SPECS.Mul.inferShape([[64, 8, 8], [32, 1, 1]], {})).toThrow(ShapeError);
  });

  it('concat sums channels and requires one spatial size', () => {
    expect(OP_SPECS.Concat.inferShape([[64, 8, 8], [32, 8, 8]], {})).toEqual([96, 8, 8]);
    expect(() => OP_SPECS.Concat.inferShape([[64, 8, 8], [32, 4, 4]], {})).toThrow(/spatial/);
  });
});

function tinySeGraph() {
  const b = new GraphBuilder('tiny', [16, 8, 8]);
  const c = b.add('Conv', conv(32, 3, 1, 1), [b.input], 'conv1');
  const n = b.add('BatchNorm', { eps: 1e-5 }, [c], 'bn1');
  const p = b.add('GlobalPool', { mode: 'avg' }, [n], 'se.squeeze', { se: 'se' });
  const f1 = b.add('Conv', conv(2, 1, 1, 0, 1, true), [p], 'se.fc1', { se: 'se' });
  const a = b.add('Relu', {}, [f1], 'se.act', { se: 'se' });
  const f2 = b.add('Conv', conv(32, 1, 1, 0, 1, true), [a], 'se.fc2', { se: 'se' });
  const g = b.add('Sigmoid', {}, [f2], 'se.gate', { se: 'se' });
  const s = b.add('Mul', {}, [n, g], 'se.scale', { se: 'se' });
  const gp = b.add('GlobalPool', { mode: 'avg' }, [s], 'pool');
  const d = b.add('Dense', { outFeatures: 10, bias: true }, [gp], 'fc');
  return b.finish(d);
}

describe('graphs', () => {
  it('a built graph verifies, and a corrupted one does not', () => {
    const graph = tinySeGraph();
    expect(verifyGraph(graph)).toEqual([]);
    const broken = { ...graph, nodes: graph.nodes.map((n) => (n.name === 'fc' ? { ...n, inputs: ['nowhere'] } : n)) };
    expect(verifyGraph(broken).join('\n')).toMatch(/fc: input nowhere is not defined/);
    const reordered = { ...graph, nodes: [...graph.nodes].reverse() };
    expect(verifyGraph(reordered).length).toBeGreaterThan(0);
  });

  it('costs count params, buffers, MACs and SE operations separately', () => {
    const report = costReport(tinySeGraph());
    // conv 32·16·9; bn 2·32 params + 2·32 buffers; SE FCs 32·2+2 and 2·32+32; dense 32·10+10
    expect(report.totals.params).toBe(32 * 16 * 9 + 64 + (64 + 2) + (64 + 32) + 330);
    expect(report.totals.buffers).toBe(64);
    expect(report.totals.macs).toBe(32 * 64 * 16 * 9 + 64 + 64 + 320);
    // SE squeeze reads 32·8·8, the scale writes 32·8·8; the classifier's pool is not an SE op
    expect(report.totals.seOps).toBe(2 * 32 * 64);
    expect(report.se).toEqual([{ name: 'se', stage: null, channels: 32, reduced: 2, params: 162, macs: 128, seOps: 4096 }]);
  });

  it('materialises the same weights for the same seed, other weights for another', () => {
    const graph = tinySeGraph();
    const a = materializeWeights(graph, 7).initializers.get('conv1.weight')!.data!;
    const b = materializeWeights(graph, 7).initializers.get('conv1.weight')!.data!;
    const c = materializeWeights(graph, 8).initializers.get('conv1.weight')!.data!;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // He-uniform: std = sqrt(2 / fanIn) = sqrt(2 / 144), every value within sqrt(6 / 144)
    expect(a.every((v) => Math.abs(v) <= Math.sqrt(6 / 144))).toBe(true);
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 144));
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 144));
    expect(Array.from(materializeWeights(graph, 7).initializers.get('bn1.gamma')!.data!)).toEqual(new Array(32).fill(1));
  });

  it('prints one line per node with shapes', () => {
    const text = printGraph(tinySeGraph());
    expect(text).toContain('%se.scale = Mul(%bn1, %se.gate) : [32,8,8]');
    expect(text).toContain('return %fc');
  });
});
