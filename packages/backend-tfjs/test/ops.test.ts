import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, OP_KINDS, type Graph, type OpKind } from '@excite/ir';
import { buildLayersModel, tf, useBackend } from '../src/index.js';
import { conv, expectTfjsAgreement } from './util.js';

beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

const covered = new Set<OpKind>();
function check(graph: Graph, tolerance = 1e-5): void {
  for (const node of graph.nodes) covered.add(node.op);
  expectTfjsAgreement(graph, { tolerance });
}

/** A one-input graph: `body` adds nodes after the input, returning the output tensor. */
function graph(name: string, input: number[], body: (b: GraphBuilder, x: string) => string): Graph {
  const b = new GraphBuilder(name, input);
  return b.finish(body(b, b.input));
}

describe('convolutions (NCHW weights → NHWC kernels)', () => {
  it('odd sizes, stride 2, asymmetric padding, bias', () => {
    check(graph('conv-asym', [5, 7, 9], (b, x) => b.add('Conv', conv(6, 3, 2, [1, 0, 2, 1], 1, { bias: true }), [x], 'c')));
  });
  it('rectangular kernel and stride', () => {
    check(graph('conv-rect', [3, 9, 6], (b, x) =>
      b.add('Conv', { ...conv(5, 1), kernel: [3, 1], stride: [2, 1], pads: [1, 0, 1, 0] }, [x], 'c')));
  });
  it('grouped (groups = 3, 6 → 9 channels) with a fused relu', () => {
    check(graph('conv-grouped', [6, 7, 7], (b, x) =>
      b.add('Conv', conv(9, 3, 1, [1, 1, 1, 1], 3, { activation: 'relu', bias: true }), [x], 'c')));
  });
  it('grouped 1×1 with groups = 3 over 15 channels, stride 2', () => {
    check(graph('conv-grouped-1x1', [15, 5, 5], (b, x) => b.add('Conv', conv(12, 1, 2, [0, 0, 0, 0], 3), [x], 'c')));
  });
  it('depthwise (groups = C = 5) and depth multiplier 2, asymmetric padding', () => {
    check(graph('conv-dw', [5, 9, 7], (b, x) => {
      const d = b.add('Conv', conv(5, 3, 2, [0, 1, 1, 0], 5), [x], 'dw');
      return b.add('Conv', conv(10, 3, 1, [1, 1, 1, 1], 5, { bias: true, activation: 'relu6' }), [d], 'dw2');
    }));
  });
  it('fused hard sigmoid (PyTorch relu6(x+3)/6) and swish', () => {
    check(graph('conv-act', [3, 6, 6], (b, x) => {
      const c = b.add('Conv', conv(4, 3, 1, [1, 1, 1, 1], 1, { activation: 'hard_sigmoid', bias: true }), [x], 'c1');
      return b.add('Conv', conv(5, 1, 1, [0, 0, 0, 0], 1, { activation: 'swish' }), [c], 'c2');
    }));
  });
});

describe('pooling (PyTorch semantics)', () => {
  // sigmoid then × −1: every value strictly negative, so padding with zeros instead of -inf would change maxima.
  const negative = (b: GraphBuilder, x: string) => b.add('Scale', { factor: -1 }, [b.add('Sigmoid', {}, [x], 'sig')], 'neg');
  it('max pool, ceil mode, no padding, odd size (needs an extra -inf row and column)', () => {
    check(graph('max-ceil', [3, 8, 7], (b, x) =>
      b.add('MaxPool', { kernel: [3, 3], stride: [2, 2], pads: [0, 0, 0, 0], ceil: true, countIncludePad: false }, [negative(b, x)], 'p')));
  });
  it('max pool with asymmetric padding pads with -inf, not zero (all inputs negative)', () => {
    check(graph('max-pad', [3, 7, 7], (b, x) =>
      b.add('MaxPool', { kernel: [3, 3], stride: [2, 2], pads: [1, 0, 0, 1], ceil: false, countIncludePad: false }, [negative(b, x)], 'p')));
  });
  it("3×3 stride 1 padding 1 max and average pooling ('same' windows) on negative inputs, odd size", () => {
    check(graph('same-pools', [3, 7, 6], (b, x) => {
      const n = negative(b, x);
      const m = b.add('MaxPool', { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], ceil: false, countIncludePad: false }, [n], 'pm');
      const a = b.add('AvgPool', { kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], ceil: false, countIncludePad: false }, [n], 'pa');
      return b.add('Add', {}, [m, a], 'sum');
    }));
  });
  it('plain 2×2 max pool uses the stock layer', () => {
    check(graph('max-plain', [4, 8, 8], (b, x) =>
      b.add('MaxPool', { kernel: [2, 2], stride: [2, 2], pads: [0, 0, 0, 0], ceil: false, countIncludePad: false }, [x], 'p')));
  });
  for (const countIncludePad of [false, true]) {
    it(`avg pool, padding 1, ceil mode, countIncludePad = ${countIncludePad}`, () => {
      check(graph(`avg-${countIncludePad}`, [3, 8, 9], (b, x) =>
        b.add('AvgPool', { kernel: [3, 3], stride: [2, 2], pads: [1, 1, 1, 1], ceil: true, countIncludePad }, [x], 'p')));
    });
  }
  it('avg pool, asymmetric padding, stride 1', () => {
    check(graph('avg-asym', [5, 6, 5], (b, x) =>
      b.add('AvgPool', { kernel: [3, 2], stride: [1, 1], pads: [0, 1, 2, 0], ceil: false, countIncludePad: false }, [x], 'p')));
  });
  it('global avg and max pooling keep [C, 1, 1] (explicit reshape)', () => {
    check(graph('global', [7, 5, 3], (b, x) => {
      const a = b.add('GlobalPool', { mode: 'avg' }, [x], 'ga');
      const m = b.add('GlobalPool', { mode: 'max' }, [x], 'gm');
      return b.add('Add', {}, [a, m], 'sum');
    }));
  });
});

describe('structure and elementwise ops', () => {
  it('flatten is channel-major, so dense weights match (3×5×3 map)', () => {
    check(graph('flatten-dense', [3, 5, 3], (b, x) => {
      const f = b.add('Flatten', {}, [x], 'f');
      const d = b.add('Dense', { outFeatures: 7, bias: true }, [f], 'fc');
      const s = b.add('Softmax', {}, [d], 'soft');
      return b.add('Dropout', { rate: 0.5 }, [s], 'drop');
    }));
  });
  it('dense on a [C, 1, 1] map after global pooling, tanh', () => {
    check(graph('pool-dense', [6, 4, 4], (b, x) => {
      const p = b.add('GlobalPool', { mode: 'avg' }, [x], 'p');
      const d = b.add('Dense', { outFeatures: 5, bias: false }, [p], 'fc');
      return b.add('Tanh', {}, [d], 't');
    }));
  });
  it('channel shuffle (15 channels, 3 groups), concat along channels', () => {
    check(graph('shuffle', [15, 3, 5], (b, x) => {
      const s = b.add('ChannelShuffle', { groups: 3 }, [x], 'shuffle');
      const c = b.add('Conv', conv(2, 1), [x], 'c');
      return b.add('Concat', {}, [s, c, x], 'cat');
    }));
  });
  it('batch norm (running statistics, eps), activations, identity, scale', () => {
    check(graph('bn-acts', [5, 4, 3], (b, x) => {
      const n = b.add('BatchNorm', { eps: 1e-3 }, [x], 'bn');
      const r6 = b.add('Relu6', {}, [b.add('Scale', { factor: 4 }, [n], 'up')], 'r6');
      const hs = b.add('HardSigmoid', {}, [n], 'hs');
      const sw = b.add('Swish', {}, [n], 'sw');
      const sg = b.add('Sigmoid', {}, [n], 'sg');
      const id = b.add('Identity', {}, [n], 'id');
      return b.add('Add', {}, [r6, hs, sw, sg, id], 'sum');
    }));
  });
  it('SE block unfused: channel-scale Mul broadcast over H, W, and a same-shape Mul', () => {
    check(graph('se-unfused', [6, 5, 5], (b, x) => {
      const p = b.add('GlobalPool', { mode: 'avg' }, [x], 'sq');
      const f1 = b.add('Conv', conv(3, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [p], 'fc1');
      const a = b.add('Relu', {}, [f1], 'act');
      const f2 = b.add('Conv', conv(6, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [a], 'fc2');
      const g = b.add('Sigmoid', {}, [f2], 'gate');
      const s = b.add('Mul', {}, [x, g], 'scale');
      return b.add('Mul', {}, [s, x], 'square');
    }));
  });
});

describe('fused inference ops', () => {
  for (const squeeze of ['avg', 'max', 'none'] as const) {
    it(`SqueezeExcite (squeeze = ${squeeze}) + ScaleAdd with relu`, () => {
      check(graph(`se-${squeeze}`, [6, 5, 7], (b, x) => {
        const s = b.add('SqueezeExcite', { squeeze, reduced: 3, act: 'relu', gate: 'sigmoid', bias: true }, [x], 'se');
        const y = b.add('Conv', conv(6, 1), [x], 'shortcut');
        return b.add('ScaleAdd', { activation: 'relu' }, [x, s, y], 'axpy');
      }));
    });
  }
  it('SqueezeExcite with a hard-sigmoid gate, no bias; ScaleAdd without activation', () => {
    check(graph('se-hard', [5, 4, 4], (b, x) => {
      const s = b.add('SqueezeExcite', { squeeze: 'avg', reduced: 2, act: 'swish', gate: 'hard_sigmoid', bias: false }, [x], 'se');
      return b.add('ScaleAdd', {}, [x, s, x], 'axpy');
    }));
  });
});

describe('the model', () => {
  it('every IR op is covered by the tests above', () => {
    expect(OP_KINDS.filter((k) => !covered.has(k))).toEqual([]);
  });
  it('builds twice in one process (layer and variable names do not clash) and is trainable', () => {
    const g = graph('twice', [3, 5, 5], (b, x) => b.add('BatchNorm', { eps: 1e-5 }, [b.add('Conv', conv(4, 3), [x], 'c')], 'bn'));
    const m1 = buildLayersModel(g);
    const m2 = buildLayersModel(g);
    expect(m1.trainableWeights.map((w) => w.shape)).toEqual([[3, 3, 3, 4], [4], [4]]);
    expect(m2.layers.map((l) => l.name)).toEqual(['input', 'c', 'bn']);
    m1.dispose();
    m2.dispose();
    expect(tf.memory().numTensors).toBeGreaterThanOrEqual(0);
  });
});
