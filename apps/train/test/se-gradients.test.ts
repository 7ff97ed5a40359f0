import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, memoryHost } from '@excite/dsl';
import { materializeWeights, randomValues, relativeError, type Graph } from '@excite/ir';
import { buildLayersModel, registerWasmTrainingKernels, tf, useBackend } from '@excite/backend-tfjs';

// Gradients flow through the SE gate on the wasm backend: one optimizer step on a tiny SE network written in `.se`
// moves the excitation FC weights, and their gradients equal the cpu backend's.
const SOURCE = `
block unit(out: int, stride: int = 1) {
  conv(3x3, out, stride: stride, pad: 1)
  bn
  relu
  se
}
model tiny-se {
  input 3x9x9
  classes 4
  config se { r: 2 }
  stage a { unit(8, stride: 2) }
  stage b { unit(8) }
  global_pool(avg)
  dense(classes)
  softmax
}
`;

function tinySe(): Graph {
  const { graph, diagnostics } = loadModel('tiny.se', memoryHost({ 'tiny.se': SOURCE }));
  expect(diagnostics).toEqual([]);
  return materializeWeights(graph!, 3);
}

/** The names of the layers holding the excitation FCs: the IR's Conv nodes fed (through a Reshape) by an SE squeeze. */
function excitationLayers(graph: Graph): string[] {
  return graph.nodes.filter((n) => n.op === 'Conv' && /\.se\.fc[12]$/.test(n.name)).map((n) => n.name);
}

const batch = 4;
const inputs = (graph: Graph) => {
  const [c, h, w] = graph.input.shape;
  return {
    x: tf.tensor4d(randomValues(batch * c! * h! * w!, 5), [batch, h!, w!, c!]),
    y: tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4),
  };
};

beforeAll(async () => {
  await useBackend('wasm');
  registerWasmTrainingKernels();
});

describe('SE on the wasm backend', () => {
  it('one optimizer step moves every excitation FC weight tensor, with a finite loss', async () => {
    await tf.setBackend('wasm');
    const graph = tinySe();
    const fcs = excitationLayers(graph);
    expect(fcs).toHaveLength(4);
    const model = buildLayersModel(graph);
    const kernels = () => fcs.map((name) => Float32Array.from(model.getLayer(name).getWeights()[0]!.dataSync()));
    const before = kernels();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const { x, y } = inputs(graph);
    const loss = await model.trainOnBatch(x, y) as number;
    expect(Number.isFinite(loss)).toBe(true);
    for (const [i, after] of kernels().entries()) {
      const moved = after.reduce((m, v, j) => Math.max(m, Math.abs(v - before[i]![j]!)), 0);
      expect(moved, fcs[i]).toBeGreaterThan(1e-5);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  it('the excitation FCs\' gradients on wasm equal the cpu backend\'s', async () => {
    const graph = tinySe();
    const fcs = excitationLayers(graph);
    const gradients = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      const model = buildLayersModel(graph);
      const { x, y } = inputs(graph);
      const weights = fcs.flatMap((name) => model.getLayer(name).trainableWeights.map((w) => w.read() as tf.Variable));
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, tf.log(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
        weights);
      const result = weights.map((w) => Float32Array.from(grads[w.name]!.dataSync()));
      tf.dispose([x, y, value, ...Object.values(grads)]);
      model.dispose();
      return result;
    };
    const cpu = await gradients('cpu');
    const wasm = await gradients('wasm');
    expect(cpu).toHaveLength(8); // kernel and bias of each FC
    for (const [i, expected] of cpu.entries()) {
      expect(expected.some((v) => v !== 0)).toBe(true);
      expect(relativeError(expected, wasm[i]!), `weight ${i}`).toBeLessThan(1e-4);
    }
  });
});
