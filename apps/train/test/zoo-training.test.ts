import { beforeAll, describe, expect, it } from 'vitest';
import { materializeWeights, randomValues, relativeError, type Graph } from '@excite/ir';
import { createModel } from '@excite/zoo';
import { buildLayersModel, registerWasmTrainingKernels, tf, useBackend } from '@excite/backend-tfjs';

// Every zoo family takes a training step on the wasm backend (with our gradient kernels) at a small input, batch 2:
// the loss is finite, every weight's gradient is finite, the SE excitation FCs get a gradient, and the optimizer
// step moves them. One model's gradients are compared with the cpu backend's, weight by weight, with BN in
// inference mode: in training mode at these sizes the last stages' BN normalises 2 to 16 values per channel, whose
// normalised outputs barely depend on the input, so the gradient through them is rounding noise on either backend
// (measured: 3e-6 relative in inference mode, up to 0.4 in training mode, forward activations agreeing to 2e-4).

/** One representative per family, at the smallest input its stride pyramid takes, and what it exercises. */
const FAMILIES: { name: string; input: [number, number]; covers: string; timeout?: number }[] = [
  { name: 'se-resnet-50', input: [32, 32], covers: 'bottleneck residuals, strided 1×1 shortcuts, 3×3/2 max pool', timeout: 120_000 },
  { name: 'se-resnext-50', input: [32, 32], covers: 'grouped 3×3 convs (32 groups)' },
  { name: 'se-mobilenet', input: [32, 32], covers: 'depthwise 3×3 convs, stride 2' },
  { name: 'se-shufflenet', input: [32, 32], covers: 'grouped 1×1 convs, channel shuffle, depthwise, avg-pool shortcuts, concat' },
  { name: 'se-bn-inception', input: [64, 64], covers: 'concat of branches, max and avg pools, ceil mode' },
  { name: 'se-inception-resnet-v2', input: [75, 75], covers: 'scaled residuals, asymmetric 1×7/7×1 convs, valid-padded stems',
    timeout: 240_000 },
  { name: 'se-vgg-16', input: [32, 32], covers: 'biased convs, 2×2 max pools, dropout, large FCs' },
];

const BATCH = 2;

function smallGraph(name: string, input: [number, number]): Graph {
  return materializeWeights(createModel(name, { input }), 1);
}

/** Cross-entropy of the model's probabilities (every zoo model ends in softmax) against fixed labels. */
function lossOf(model: ReturnType<typeof buildLayersModel>, x: tf.Tensor, y: tf.Tensor, training = true): tf.Scalar {
  const p = model.apply(x, { training }) as tf.Tensor;
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), 1))) as tf.Scalar;
}

function batchFor(graph: Graph, classes: number) {
  const [c, h, w] = graph.input.shape;
  return {
    x: tf.tensor4d(randomValues(BATCH * c! * h! * w!, 2), [BATCH, h!, w!, c!]),
    y: tf.oneHot(tf.tensor1d([1, classes - 2], 'int32'), classes),
  };
}

beforeAll(async () => {
  await useBackend('cpu');
  await useBackend('wasm');
  registerWasmTrainingKernels();
});

describe('every zoo family trains on wasm', () => {
  for (const { name, input, covers, timeout } of FAMILIES) {
    it(`${name} at ${input.join('×')} (${covers})`, async () => {
      await tf.setBackend('wasm');
      const graph = smallGraph(name, input);
      const model = buildLayersModel(graph);
      const { x, y } = batchFor(graph, model.outputs[0]!.shape[1]!);
      const excitation = new Set(graph.nodes.filter((n) => /\.se\.fc[12]$/.test(n.name)).map((n) => n.name));
      expect(excitation.size).toBeGreaterThan(0);
      try {
        const { value, grads } = tf.variableGrads(() => lossOf(model, x, y));
        expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
        let seGradient = 0;
        for (const [variable, grad] of Object.entries(grads)) {
          const data = grad.dataSync() as Float32Array;
          expect(data.every(Number.isFinite), `${variable}: non-finite gradient`).toBe(true);
          if (excitation.has(variable.split('/')[0]!)) for (const v of data) seGradient = Math.max(seGradient, Math.abs(v));
        }
        expect(seGradient, 'the SE excitation FCs get no gradient').toBeGreaterThan(0);
        const probe = model.getLayer([...excitation][0]!).getWeights()[0]!.dataSync().slice();
        tf.train.sgd(1e-3).applyGradients(grads);
        expect(model.getLayer([...excitation][0]!).getWeights()[0]!.dataSync()).not.toEqual(probe);
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    }, timeout);
  }
});

describe('zoo model gradients on wasm equal the cpu backend\'s', () => {
  it('se-mobilenet at 32×32: every weight\'s gradient', async () => {
    const graph = smallGraph('se-mobilenet', [32, 32]);
    const gradients = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const model = buildLayersModel(graph);
      const { x, y } = batchFor(graph, model.outputs[0]!.shape[1]!);
      // By position in the model: tfjs suffixes variable names (_1, _2 …) when a second model reuses them.
      const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => lossOf(model, x, y, false), variables);
      const result = variables.map((v) => ({ name: model.trainableWeights.find((w) => w.read() === v)!.originalName,
        data: Float32Array.from(grads[v.name]!.dataSync()) }));
      tf.dispose([x, y, value, ...Object.values(grads)]);
      model.dispose();
      return result;
    };
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(wasm.map((g) => g.name)).toEqual(cpu.map((g) => g.name));
    for (const [i, { name, data }] of cpu.entries()) {
      const error = relativeError(data, wasm[i]!.data);
      expect(error, `${name}: relative error ${error.toExponential(2)}`).toBeLessThan(1e-4);
    }
  }, 180_000);
});
