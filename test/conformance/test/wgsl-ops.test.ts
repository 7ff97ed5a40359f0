// Every WGSL kernel on awkward shapes (odd sizes, channels not a multiple of 4, groups, asymmetric padding, ceil mode),
// run on Dawn through the runtime with a batch of 2, against the reference interpreter.
import { describe, expect, it } from 'vitest';
import { emitWgsl } from '@excite/backend-wgsl';
import {
  GraphBuilder, interpret, randomValues, randomWeights, relativeError, tensor,
  type ConvAttributes, type Graph, type PoolAttributes, type SqueezeExciteAttributes,
} from '@excite/ir';
import { runWgsl } from './wgsl-helpers.js';

const conv = (out: number, k: number | [number, number], pad: number | [number, number, number, number], extra: Partial<ConvAttributes> = {}): ConvAttributes => ({
  kernel: typeof k === 'number' ? [k, k] : k,
  stride: [1, 1],
  pads: typeof pad === 'number' ? [pad, pad, pad, pad] : pad,
  dilation: [1, 1], groups: 1, outChannels: out, bias: true, ...extra,
});
const pool = (k: number, s: number, pad: number, ceil: boolean, countIncludePad = false): PoolAttributes => ({
  kernel: [k, k], stride: [s, s], pads: [pad, pad, pad, pad], ceil, countIncludePad,
});
const se = (extra: Partial<SqueezeExciteAttributes> = {}): SqueezeExciteAttributes => ({
  squeeze: 'avg', reduced: 3, act: 'relu', gate: 'sigmoid', bias: true, ...extra,
});

/** A graph of one input and the ops `build` adds, with seeded random weights. */
function graphOf(name: string, input: number[], build: (b: GraphBuilder, x: string) => string): Graph {
  const b = new GraphBuilder(name, input);
  return randomWeights(b.finish(build(b, b.input)), 7);
}

async function expectKernelAgreement(graph: Graph): Promise<number> {
  const size = graph.input.shape.reduce((a, b) => a * b, 1);
  const input = tensor([2, ...graph.input.shape], randomValues(2 * size, 3));
  const expected = interpret(graph, input).output;
  const { output, model } = await runWgsl(graph, input);
  const error = relativeError(expected.data, output);
  expect(error, `${graph.name}: relative error`).toBeLessThan(1e-4);
  model.destroy();
  return error;
}

const CASES: Array<[string, number[], (b: GraphBuilder, x: string) => string]> = [
  ['conv 3x3 direct (7 outputs), bias, relu', [5, 7, 9], (b, x) => b.add('Conv', conv(7, 3, 1, { activation: 'relu' }), [x], 'c')],
  ['conv 3x3 gemm, stride 2, asymmetric pads, sigmoid', [6, 11, 13], (b, x) => b.add('Conv', conv(19, 3, [1, 0, 1, 1], { stride: [2, 2], activation: 'sigmoid' }), [x], 'c')],
  ['conv 1x1 pointwise gemm, no bias', [37, 5, 7], (b, x) => b.add('Conv', conv(70, 1, 0, { bias: false }), [x], 'c')],
  ['conv 1x1 stride 2', [10, 9, 9], (b, x) => b.add('Conv', conv(24, 1, 0, { stride: [2, 2] }), [x], 'c')],
  ['conv 7x7 stride 2 pad 3 (a stem), relu', [3, 13, 15], (b, x) => b.add('Conv', conv(17, 7, 3, { stride: [2, 2], activation: 'relu' }), [x], 'c')],
  ['conv 3x3 gemm tiles of 64, many channels', [67, 9, 8], (b, x) => b.add('Conv', conv(65, 3, 1, { activation: 'relu' }), [x], 'c')],
  ['grouped conv, 2 groups of 16 (gemm per group)', [12, 6, 5], (b, x) => b.add('Conv', conv(32, 3, 1, { groups: 2, activation: 'relu' }), [x], 'c')],
  ['grouped conv, 4 narrow groups (direct), stride 2', [8, 7, 7], (b, x) => b.add('Conv', conv(12, 3, 1, { groups: 4, stride: [2, 2] }), [x], 'c')],
  ['depthwise 3x3 stride 2', [9, 9, 11], (b, x) => b.add('Conv', conv(9, 3, 1, { groups: 9, stride: [2, 2], bias: false }), [x], 'c')],
  ['1x7 then 7x1 (factorised)', [6, 8, 9], (b, x) =>
    b.add('Conv', conv(10, [7, 1], [3, 0, 3, 0]), [b.add('Conv', conv(9, [1, 7], [0, 3, 0, 3], { activation: 'relu' }), [x], 'a')], 'c')],
  ['dilated conv', [5, 10, 10], (b, x) => b.add('Conv', conv(11, 3, 2, { dilation: [2, 2] }), [x], 'c')],
  ['max pool 3x3 stride 2 ceil mode', [5, 10, 10], (b, x) => b.add('MaxPool', pool(3, 2, 0, true), [x], 'p')],
  ['max pool 3x3 stride 2 pad 1', [3, 9, 8], (b, x) => b.add('MaxPool', pool(3, 2, 1, false), [x], 'p')],
  ['avg pool 3x3 pad 1, padding excluded', [5, 7, 6], (b, x) => b.add('AvgPool', pool(3, 1, 1, false), [x], 'p')],
  ['avg pool 3x3 pad 1, padding counted', [5, 7, 6], (b, x) => b.add('AvgPool', pool(3, 1, 1, false, true), [x], 'p')],
  ['avg pool 3x3 stride 2 pad 1, ceil mode', [4, 10, 9], (b, x) => b.add('AvgPool', pool(3, 2, 1, true), [x], 'p')],
  ['global avg pool, workgroup reduction (plane ≥ 64)', [13, 11, 9], (b, x) => b.add('GlobalPool', { mode: 'avg' }, [x], 'g')],
  ['global max pool, per-channel (small plane)', [13, 3, 5], (b, x) => b.add('GlobalPool', { mode: 'max' }, [x], 'g')],
  ['global max pool, workgroup reduction', [6, 17, 5], (b, x) => b.add('GlobalPool', { mode: 'max' }, [x], 'g')],
  ['dense, wide input (workgroup per output), bias', [150], (b, x) => b.add('Dense', { outFeatures: 19, bias: true }, [x], 'd')],
  ['dense on a pooled map, narrow input, no bias', [21, 3, 3], (b, x) =>
    b.add('Dense', { outFeatures: 11, bias: false }, [b.add('GlobalPool', { mode: 'avg' }, [x], 'g')], 'd')],
  ['flatten then dense (flatten aliases its input)', [3, 5, 7], (b, x) => b.add('Dense', { outFeatures: 6, bias: true }, [b.add('Flatten', {}, [x], 'f')], 'd')],
  ['softmax over 1000', [1000], (b, x) => b.add('Softmax', {}, [x], 's')],
  ['softmax over 7', [7], (b, x) => b.add('Softmax', {}, [x], 's')],
  ['squeeze-excite, one dispatch (small map)', [10, 5, 7], (b, x) => b.add('SqueezeExcite', se(), [x], 'se')],
  ['squeeze-excite, two dispatches (large map), tanh gate', [21, 30, 31], (b, x) => b.add('SqueezeExcite', se({ gate: 'tanh', reduced: 5, bias: false }), [x], 'se')],
  ['squeeze-excite, max squeeze, hard-sigmoid gate', [19, 4, 4], (b, x) => b.add('SqueezeExcite', se({ squeeze: 'max', gate: 'hard_sigmoid', act: 'relu6' }), [x], 'se')],
  ['squeeze-excite, max squeeze over a large map', [7, 50, 50], (b, x) => b.add('SqueezeExcite', se({ squeeze: 'max', reduced: 2 }), [x], 'se')],
  ['squeeze-excite, vec4 FC rows (C and C/r multiples of 4)', [12, 3, 5], (b, x) => b.add('SqueezeExcite', se({ reduced: 4 }), [x], 'se')],
  ['squeeze-excite, vec4 FC rows, two dispatches, no bias', [8, 45, 50], (b, x) => b.add('SqueezeExcite', se({ reduced: 4, bias: false }), [x], 'se')],
  ['squeeze-excite without squeeze (per pixel)', [9, 5, 3], (b, x) => b.add('SqueezeExcite', se({ squeeze: 'none', reduced: 4 }), [x], 'se')],
  ['scale-add per channel, relu (an SE residual join)', [6, 5, 7], (b, x) => {
    const s = b.add('SqueezeExcite', se({ reduced: 2 }), [x], 'se');
    const c = b.add('Conv', conv(6, 3, 1), [x], 'c');
    return b.add('ScaleAdd', { activation: 'relu' }, [c, s, x], 'sa');
  }],
  ['scale-add elementwise, no activation', [5, 4, 3], (b, x) => {
    const s = b.add('SqueezeExcite', se({ squeeze: 'none', reduced: 2 }), [x], 'se');
    return b.add('ScaleAdd', {}, [x, s, b.add('Relu', {}, [x], 'r')], 'sa');
  }],
  ['add of three, mul per channel and elementwise, scale', [7, 3, 5], (b, x) => {
    const r = b.add('Relu', {}, [x], 'r');
    const t = b.add('Tanh', {}, [x], 't');
    const sum = b.add('Add', {}, [x, r, t], 'sum');
    const g = b.add('SqueezeExcite', se({ reduced: 2 }), [sum], 'se');
    const m = b.add('Mul', {}, [sum, g], 'm');
    const m2 = b.add('Mul', {}, [m, t], 'm2');
    return b.add('Scale', { factor: 0.17 }, [m2], 'scale');
  }],
  ['concat of three, channel shuffle in 3 groups', [4, 5, 3], (b, x) => {
    const a = b.add('Conv', conv(6, 1, 0), [x], 'a');
    const c = b.add('Relu', {}, [x], 'c');
    const cat = b.add('Concat', {}, [a, x, c], 'cat');
    return b.add('ChannelShuffle', { groups: 3 }, [b.add('Concat', {}, [cat, x], 'cat2')], 'shuffle');
  }],
  ['batch norm (unfolded), every activation, dropout and identity', [6, 3, 4], (b, x) => {
    const bn = b.add('BatchNorm', { eps: 1e-3 }, [x], 'bn');
    const acts = (['Relu', 'Relu6', 'Sigmoid', 'HardSigmoid', 'Tanh', 'Swish'] as const).map((op) => b.add(op, {}, [bn], op));
    const id = b.add('Identity', {}, [b.add('Dropout', { rate: 0.5 }, [acts[0]!], 'drop')], 'id');
    return b.add('Concat', {}, [b.add('Add', {}, [id, ...acts.slice(1, 3)], 'sum'), ...acts.slice(3)], 'cat');
  }],
];

describe('WGSL kernels agree with the reference interpreter (Dawn, batch 2)', () => {
  for (const [name, input, build] of CASES) {
    it(name, async () => {
      await expectKernelAgreement(graphOf(name, input, build));
    });
  }

  it('the bundle is deterministic and kernels with one source are emitted once', () => {
    const graph = graphOf('twice', [6, 5, 5], (b, x) =>
      b.add('Conv', conv(6, 3, 1, { activation: 'relu' }), [b.add('Conv', conv(6, 3, 1, { activation: 'relu' }), [x], 'c1')], 'c2'));
    const first = emitWgsl(graph);
    const second = emitWgsl(graph);
    expect(first.plan.dispatches).toHaveLength(2);
    expect(first.plan.kernels).toHaveLength(1);
    expect(JSON.stringify(second.plan)).toBe(JSON.stringify(first.plan));
    expect([...second.kernels]).toEqual([...first.kernels]);
    expect(Buffer.from(second.weights).equals(Buffer.from(first.weights))).toBe(true);
  });
});
