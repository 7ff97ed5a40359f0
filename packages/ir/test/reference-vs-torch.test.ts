import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OP_SPECS, randomValues, relativeError, tensor, type OpAttributes, type OpKind, type Shape } from '../src/index.js';

// Our reference interpreter's kernels against PyTorch (Debian's python3-torch under /usr/bin/python3, installed by
// .ci/run as root): an implementation we did not write, on awkward shapes — odd sizes, groups, dilation,
// asymmetric padding, ceil mode.
const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const script = fileURLToPath(new URL('./torch/reference_ops.py', import.meta.url));

interface Case<K extends OpKind = OpKind> {
  name: string;
  op: K;
  attrs: OpAttributes[K];
  inputs: Shape[];
  /** Positive-only weights (BN variance) */
  positive?: string[];
}

const conv = (o: Partial<OpAttributes['Conv']> & { outChannels: number }): OpAttributes['Conv'] => ({
  kernel: [3, 3], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, bias: false, ...o,
});
const pool = (o: Partial<OpAttributes['MaxPool']>): OpAttributes['MaxPool'] => ({
  kernel: [3, 3], stride: [2, 2], pads: [0, 0, 0, 0], ceil: false, countIncludePad: false, ...o,
});

const CASES: Case[] = [
  { name: 'conv 3x3 stride 2, asymmetric pads, bias, relu', op: 'Conv', attrs: conv({ outChannels: 5, stride: [2, 2], pads: [1, 0, 2, 1], bias: true, activation: 'relu' }), inputs: [[3, 9, 7]] },
  { name: 'conv grouped (3 groups), 5x3 kernel, dilation 2', op: 'Conv', attrs: conv({ outChannels: 6, kernel: [5, 3], groups: 3, dilation: [2, 2], pads: [2, 1, 2, 1] }), inputs: [[9, 11, 10]] },
  { name: 'conv depthwise 3x3 stride 2 (MobileNet)', op: 'Conv', attrs: conv({ outChannels: 7, groups: 7, stride: [2, 2], pads: [1, 1, 1, 1], activation: 'relu6' }), inputs: [[7, 13, 13]] },
  { name: 'conv 1x1 (GEMM path)', op: 'Conv', attrs: conv({ outChannels: 13, kernel: [1, 1], bias: true }), inputs: [[10, 5, 6]] },
  { name: 'conv 7x7 stride 2 pad 3 (stem)', op: 'Conv', attrs: conv({ outChannels: 4, kernel: [7, 7], stride: [2, 2], pads: [3, 3, 3, 3] }), inputs: [[3, 17, 15]] },
  { name: 'batch norm', op: 'BatchNorm', attrs: { eps: 1e-3 }, inputs: [[6, 4, 5]], positive: ['var'] },
  { name: 'max pool 3x3/2 ceil mode (Caffe stem)', op: 'MaxPool', attrs: pool({ ceil: true }), inputs: [[3, 112, 112]] },
  { name: 'max pool 3x3/2 ceil mode, odd size, pad 1', op: 'MaxPool', attrs: pool({ ceil: true, pads: [1, 1, 1, 1] }), inputs: [[2, 10, 9]] },
  { name: 'avg pool 3x3/2 pad 1, padding excluded (ShuffleNet)', op: 'AvgPool', attrs: pool({ pads: [1, 1, 1, 1] }), inputs: [[3, 9, 8]] },
  { name: 'avg pool 3x3/1 pad 1, padding counted (BN-Inception)', op: 'AvgPool', attrs: pool({ stride: [1, 1], pads: [1, 1, 1, 1], countIncludePad: true }), inputs: [[2, 7, 7]] },
  { name: 'avg pool 3x3/2 ceil mode, padding counted', op: 'AvgPool', attrs: pool({ ceil: true, countIncludePad: true, pads: [1, 1, 1, 1] }), inputs: [[2, 8, 8]] },
  { name: 'global max pool', op: 'GlobalPool', attrs: { mode: 'max' }, inputs: [[5, 3, 7]] },
  { name: 'global avg pool', op: 'GlobalPool', attrs: { mode: 'avg' }, inputs: [[5, 3, 7]] },
  { name: 'dense on [C,1,1]', op: 'Dense', attrs: { outFeatures: 7, bias: true }, inputs: [[9, 1, 1]] },
  { name: 'channel shuffle g = 3', op: 'ChannelShuffle', attrs: { groups: 3 }, inputs: [[12, 2, 3]] },
  { name: 'hard sigmoid', op: 'HardSigmoid', attrs: {}, inputs: [[4, 3, 3]] },
  { name: 'swish', op: 'Swish', attrs: {}, inputs: [[4, 3, 3]] },
  { name: 'relu6', op: 'Relu6', attrs: {}, inputs: [[4, 3, 3]] },
  { name: 'softmax', op: 'Softmax', attrs: {}, inputs: [[10]] },
  { name: 'concat', op: 'Concat', attrs: {}, inputs: [[2, 3, 3], [5, 3, 3]] },
  { name: 'SE channel scale', op: 'Mul', attrs: {}, inputs: [[6, 4, 4], [6, 1, 1]] },
  { name: 'SqueezeExcite avg / relu / sigmoid', op: 'SqueezeExcite', attrs: { squeeze: 'avg', reduced: 3, act: 'relu', gate: 'sigmoid', bias: true }, inputs: [[12, 5, 4]] },
  { name: 'SqueezeExcite max / swish / hard sigmoid, no bias', op: 'SqueezeExcite', attrs: { squeeze: 'max', reduced: 2, act: 'swish', gate: 'hard_sigmoid', bias: false }, inputs: [[10, 3, 3]] },
  { name: 'SqueezeExcite without squeeze / tanh gate', op: 'SqueezeExcite', attrs: { squeeze: 'none', reduced: 2, act: 'relu', gate: 'tanh', bias: true }, inputs: [[6, 3, 4]] },
  { name: 'ScaleAdd + relu (Axpy)', op: 'ScaleAdd', attrs: { activation: 'relu' }, inputs: [[6, 4, 4], [6, 1, 1], [6, 4, 4]] },
];

describe.skipIf(!hasTorch)('reference kernels agree with PyTorch (float64) within 1e-5', () => {
  const N = 2;
  let seed = 100;
  const prepared = CASES.map((c) => {
    const spec = OP_SPECS[c.op];
    const inputs = c.inputs.map((shape) => {
      const full = [N, ...shape];
      return tensor(full, randomValues(full.reduce((a, b) => a * b, 1), seed++));
    });
    const weights: Record<string, Float32Array> = {};
    const weightShapes: Record<string, { shape: number[]; data: number[] }> = {};
    for (const w of spec.weights?.(c.inputs, c.attrs as never) ?? []) {
      const data = randomValues(w.shape.reduce((a, b) => a * b, 1), seed++).map((v) => (c.positive?.includes(w.role) ? Math.abs(v) + 0.1 : v));
      weights[w.role] = data;
      weightShapes[w.role] = { shape: [...w.shape], data: Array.from(data) };
    }
    const output = spec.inferShape(c.inputs, c.attrs as never);
    const ours = spec.reference(inputs, weights, c.attrs as never, output);
    return { c, ours, json: { op: c.op, attrs: c.attrs, inputs: inputs.map((t) => ({ shape: t.shape, data: Array.from(t.data) })), weights: weightShapes } };
  });
  const results = hasTorch
    ? (JSON.parse(execFileSync(PYTHON, [script], { input: JSON.stringify(prepared.map((p) => p.json)), maxBuffer: 1 << 28 }).toString()) as number[][])
    : [];

  prepared.forEach(({ c, ours }, i) => {
    it(c.name, () => {
      const theirs = Float32Array.from(results[i]!);
      expect(ours.data.length).toBe(theirs.length);
      expect(relativeError(theirs, ours.data)).toBeLessThan(1e-5);
    });
  });
});
