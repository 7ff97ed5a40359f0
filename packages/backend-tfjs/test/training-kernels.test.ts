import { beforeAll, describe, expect, it } from 'vitest';
import { randomValues, relativeError } from '@excite/ir';
import { useBackend } from '../src/backend.js';
import { tf } from '../src/tf.js';
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from '../src/training/index.js';

// Every gradient our kernels take part in, computed on wasm and on the cpu backend (which has all of tfjs's
// reference gradient kernels), on awkward shapes: odd sizes, stride 2, same/valid/explicit padding, batch > 1.

interface Input {
  shape: number[];
  data: Float32Array;
}

const input = (shape: number[], seed: number): Input => ({ shape, data: randomValues(shape.reduce((a, b) => a * b, 1), seed) });

type Fn = (...xs: tf.Tensor[]) => tf.Tensor;

/** The gradients of Σ f(xs)·dy w.r.t. every input (dy random, not ones, so every output position counts differently). */
async function gradients(backend: 'cpu' | 'wasm', f: Fn, inputs: Input[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const grads = tf.tidy(() => {
    const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
    const y = f(...xs);
    const dy = tf.tensor(randomValues(y.size, 99), y.shape);
    return tf.grads(f)(xs, dy);
  });
  const data = grads.map((g) => Float32Array.from(g.dataSync()));
  tf.dispose(grads);
  return data;
}

async function expectParity(f: Fn, inputs: Input[]): Promise<void> {
  const expected = await gradients('cpu', f, inputs);
  const before = (await tf.setBackend('wasm'), tf.memory().numTensors);
  const actual = await gradients('wasm', f, inputs);
  expect(tf.memory().numTensors, 'tensors leaked on wasm').toBe(before);
  for (const [i, e] of expected.entries()) {
    expect(e.some((v) => v !== 0), `gradient ${i} is all zeros`).toBe(true);
    const error = relativeError(e, actual[i]!);
    expect(error, `gradient w.r.t. input ${i}: relative error ${error.toExponential(2)}`).toBeLessThan(1e-4);
  }
}

const nhwc = (n: number, h: number, w: number, c: number, seed = 1) => input([n, h, w, c], seed);
const filter = (kh: number, kw: number, c: number, o: number, seed = 2) => input([kh, kw, c, o], seed);

beforeAll(async () => {
  await useBackend('cpu');
  await useBackend('wasm');
  expect(registerWasmTrainingKernels().sort()).toEqual(Object.keys(WASM_TRAINING_KERNELS).sort());
});

describe('registerWasmTrainingKernels', () => {
  it('registers each missing kernel once and reports the same list on every call', () => {
    const names = registerWasmTrainingKernels();
    expect(names.sort()).toEqual(['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput',
      'MaxPoolGrad', 'UnsortedSegmentSum']);
    expect(registerWasmTrainingKernels().sort()).toEqual(names);
    for (const name of names) expect(tf.getKernel(name, 'wasm')!.kernelFunc).toBe(WASM_TRAINING_KERNELS[name]);
  });
});

describe('conv2d gradients on wasm equal the cpu backend\'s', () => {
  const conv = (strides: number | [number, number], pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]]) =>
    (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
  it('3×3, stride 2, same, odd 7×9, batch 2', () => expectParity(conv(2, 'same'), [nhwc(2, 7, 9, 3), filter(3, 3, 3, 5)]));
  it('3×3, stride 1, valid, 5×5', () => expectParity(conv(1, 'valid'), [nhwc(1, 5, 5, 4), filter(3, 3, 4, 6)]));
  it('1×1, stride 1 (one tap: a single MatMul), batch 3', () => expectParity(conv(1, 'valid'), [nhwc(3, 4, 5, 8), filter(1, 1, 8, 4)]));
  it('1×1, stride 2 (a strided shortcut), odd 7×7', () => expectParity(conv(2, 'valid'), [nhwc(2, 7, 7, 6), filter(1, 1, 6, 10)]));
  it('7×7, stride 2, explicit pad 3 (a stem), 11×11', () =>
    expectParity(conv(2, [[0, 0], [3, 3], [3, 3], [0, 0]]), [nhwc(2, 11, 11, 3), filter(7, 7, 3, 4)]));
  it('1×3, strides [2, 1], asymmetric explicit padding', () =>
    expectParity(conv([2, 1], [[0, 0], [1, 0], [0, 2], [0, 0]]), [nhwc(2, 6, 5, 3), filter(1, 3, 3, 4)]));
  it('fused conv2d with bias and ReLU (what Conv2D layers run)', () =>
    expectParity((x, w, b) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: 2, pad: 'same', activation: 'relu' }),
      [nhwc(2, 6, 7, 3), filter(3, 3, 3, 4), input([4], 3)]));
  it('grouped conv as split → conv2d per group → concat, stride 2', () =>
    expectParity((x, w) => {
      const xs = tf.split(x as tf.Tensor4D, 2, 3) as tf.Tensor4D[];
      const ws = tf.split(w as tf.Tensor4D, 2, 3) as tf.Tensor4D[];
      return tf.concat(xs.map((part, g) => tf.conv2d(part, ws[g]!, 2, 'valid')), 3);
    }, [nhwc(2, 7, 7, 4), filter(3, 3, 2, 6)]));
  it('the kernel itself on NCHW data', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const x = tf.tensor(input([2, 3, 7, 6], 4).data, [2, 3, 7, 6]);
      const dy = tf.tensor(input([2, 5, 4, 3], 5).data, [2, 5, 4, 3]);
      const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy } as never,
        { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 3, 5] }) as tf.Tensor;
      const data = Float32Array.from(dw.dataSync());
      tf.dispose([x, dy, dw]);
      return data;
    };
    expect(relativeError(await run('cpu'), await run('wasm'))).toBeLessThan(1e-4);
  });
});

describe('depthwise conv gradients on wasm equal the cpu backend\'s', () => {
  const depthwise = (strides: number, pad: 'same' | 'valid' | number) =>
    (x: tf.Tensor, w: tf.Tensor) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad);
  it('3×3, stride 2, same, 7×7, batch 2', () => expectParity(depthwise(2, 'same'), [nhwc(2, 7, 7, 4), filter(3, 3, 4, 1)]));
  it('3×3, stride 1, pad 1, odd 5×7', () => expectParity(depthwise(1, 1), [nhwc(2, 5, 7, 3), filter(3, 3, 3, 1)]));
  it('channel multiplier 2, valid, 6×5', () => expectParity(depthwise(1, 'valid'), [nhwc(2, 6, 5, 3), filter(3, 3, 3, 2)]));
  it('5×5, stride 2, valid, multiplier 3, 9×8', () => expectParity(depthwise(2, 'valid'), [nhwc(1, 9, 8, 2), filter(5, 5, 2, 3)]));
  it('fused depthwise with bias and ReLU6 (what DepthwiseConv2D layers run)', () =>
    expectParity((x, w, b) => tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: 2, pad: 'same',
      activation: 'relu6' }), [nhwc(2, 7, 6, 4), filter(3, 3, 4, 1), input([4], 3)]));
  it('the kernels themselves with dilation 2, against the forward conv by linearity (cpu\'s kernels ignore dilation)', async () => {
    // Σ dy · conv(x, w) is linear in w and in x, so its gradient's entry i is Σ dy · conv(…, eᵢ): one forward
    // depthwise conv per entry, on the cpu backend, whose forward conv does honour dilation.
    const [xShape, wShape, dyShape] = [[2, 7, 6, 3], [3, 3, 3, 2], [2, 7, 6, 6]] as const;
    const attrs = { strides: 1, dilations: 2, pad: 'same' as const };
    const [xData, wData, dyData] = [input([...xShape], 4).data, input([...wShape], 6).data, input([...dyShape], 5).data];
    await tf.setBackend('cpu');
    const basis = (shape: readonly number[], i: number) => tf.tidy(() => tf.cast(tf.reshape(tf.oneHot(i, shape.reduce((a, b) => a * b, 1)), [...shape]), 'float32'));
    const linear = (x: tf.Tensor, w: tf.Tensor) =>
      tf.tidy(() => tf.sum(tf.mul(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2), tf.tensor(dyData, [...dyShape]))).dataSync()[0]!);
    const x = tf.tensor(xData, [...xShape]);
    const w = tf.tensor(wData, [...wShape]);
    const expectedDw = Float32Array.from({ length: w.size }, (_, i) => { const e = basis(wShape, i); const v = linear(x, e); e.dispose(); return v; });
    const expectedDx = Float32Array.from({ length: x.size }, (_, i) => { const e = basis(xShape, i); const v = linear(e, w); e.dispose(); return v; });
    tf.dispose([x, w]);
    await tf.setBackend('wasm');
    const [xw, ww, dyw] = [tf.tensor(xData, [...xShape]), tf.tensor(wData, [...wShape]), tf.tensor(dyData, [...dyShape])];
    const dw = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xw, dy: dyw }, { ...attrs, filterShape: [...wShape] }) as tf.Tensor;
    const dx = tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy: dyw, filter: ww }, { ...attrs, inputShape: [...xShape] }) as tf.Tensor;
    expect(relativeError(expectedDw, Float32Array.from(dw.dataSync()))).toBeLessThan(1e-4);
    expect(relativeError(expectedDx, Float32Array.from(dx.dataSync()))).toBeLessThan(1e-4);
    tf.dispose([xw, ww, dyw, dw, dx]);
  });
});

describe('other gradients our layers need on wasm equal the cpu backend\'s', () => {
  // tfjs-backend-wasm's own MaxPoolGrad fails all but the first of these; ours replaces it.
  const maxPool = (k: number, s: number, pad: 'same' | 'valid') => (x: tf.Tensor) => tf.maxPool(x as tf.Tensor4D, k, s, pad);
  it('max pooling 3×3 stride 2 valid, odd 7×8', () => expectParity(maxPool(3, 2, 'valid'), [nhwc(2, 7, 8, 3)]));
  it('max pooling 2×2 stride 2 valid, odd 7×9 (windows stop short of the edge)', () => expectParity(maxPool(2, 2, 'valid'), [nhwc(2, 7, 9, 3)]));
  it('max pooling 3×3 stride 2 same, 3×3 stride 1 same', () => expectParity(maxPool(3, 2, 'same'), [nhwc(2, 7, 8, 3)])
    .then(() => expectParity(maxPool(3, 1, 'same'), [nhwc(1, 5, 6, 2)])));
  it('max pooling 3×3 stride 2 over -inf padding (the IR\'s ceil mode)', () =>
    expectParity((x) => tf.maxPool(tf.pad(x as tf.Tensor4D, [[0, 0], [1, 2], [1, 2], [0, 0]], -Infinity), 3, 2, 'valid'), [nhwc(2, 7, 8, 3)]));
  it('max pooling after ReLU: windows of tied zeros send dy to their first cell', () =>
    expectParity((x) => tf.maxPool(tf.relu(tf.sub(x, 0.6)) as tf.Tensor4D, 3, 2, 'same'), [nhwc(2, 9, 9, 3)]));
  it('average pooling 2×2 stride 2 and 3×3 stride 1, valid, odd sizes', () =>
    expectParity((x) => tf.concat([tf.reshape(tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), [-1]), tf.reshape(tf.avgPool(x as tf.Tensor4D, 3, 1, 'valid'), [-1])]),
      [nhwc(2, 7, 7, 3)]));
  it('a channel permutation by Gather (UnsortedSegmentSum)', () =>
    expectParity((x) => tf.gather(x, [0, 3, 1, 4, 2, 5, 0], 3), [nhwc(2, 3, 4, 6)]));
  it('an SE block: conv → batch norm → ReLU → squeeze → FC → ReLU → FC → sigmoid → scale', () =>
    expectParity((x, w, w1, w2) => {
      const c = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same');
      const { mean, variance } = tf.moments(c, [0, 1, 2]);
      const a = tf.relu(tf.div(tf.sub(c, mean), tf.sqrt(tf.add(variance, 1e-3))));
      const s = tf.mean(a, [1, 2], true) as tf.Tensor4D;
      const gate = tf.sigmoid(tf.conv2d(tf.relu(tf.conv2d(s, w1 as tf.Tensor4D, 1, 'valid')) as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid'));
      return tf.mul(a, gate);
    }, [nhwc(2, 5, 5, 3), filter(3, 3, 3, 8), filter(1, 1, 8, 2, 7), filter(1, 1, 2, 8, 8)]));
});
