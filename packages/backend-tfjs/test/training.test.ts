import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, randomWeights } from '@excite/ir';
import { buildLayersModel, tf, tfl, toTf, useBackend } from '../src/index.js';
import { conv, sample } from './util.js';

// Gradients on the cpu backend: wasm lacks some gradient kernels (Conv2DBackpropFilter and friends) for now.
beforeAll(async () => {
  expect(await useBackend('cpu')).toBe('cpu');
});

describe('training the built model', () => {
  it('one optimizer step changes the SE excitation FC weights (gradients flow through the SE gate)', async () => {
    const b = new GraphBuilder('se-train', [4, 6, 6]);
    const c = b.add('Relu', {}, [b.add('BatchNorm', { eps: 1e-5 }, [b.add('Conv', conv(8, 3, 1, [1, 1, 1, 1]), [b.input], 'conv')], 'bn')], 'relu');
    const p = b.add('GlobalPool', { mode: 'avg' }, [c], 'se.squeeze');
    const f1 = b.add('Relu', {}, [b.add('Conv', conv(2, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [p], 'se.fc1')], 'se.act');
    const g = b.add('Sigmoid', {}, [b.add('Conv', conv(8, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [f1], 'se.fc2')], 'se.gate');
    const s = b.add('Mul', {}, [c, g], 'se.scale');
    const pooled = b.add('GlobalPool', { mode: 'avg' }, [s], 'pool');
    const out = b.add('Softmax', {}, [b.add('Dense', { outFeatures: 3, bias: true }, [pooled], 'fc')], 'softmax');
    const graph = randomWeights(b.finish(out), 2);
    const model = buildLayersModel(graph);
    const kernels = () => ['se.fc1', 'se.fc2'].map((n) => Array.from(model.getLayer(n).getWeights()[0]!.dataSync()));
    const before = kernels();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    const x = toTf(sample(graph, 4, 1));
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Number.isFinite(history.history.loss![0] as number)).toBe(true);
    const after = kernels();
    for (const [i, kernel] of after.entries()) {
      const moved = kernel.reduce((m, v, j) => Math.max(m, Math.abs(v - before[i]![j]!)), 0);
      expect(moved, ['se.fc1', 'se.fc2'][i]).toBeGreaterThan(1e-6);
    }
    tf.dispose([x, y]);
    model.dispose();
    expect(tfl).toBeDefined();
  });
});
