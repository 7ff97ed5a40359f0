import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder, randomWeights, relativeError, type Graph } from '@excite/ir';
import { buildLayersModel, fileHandler, predictIr, tfl, useBackend, writeLayersModel } from '../src/index.js';
import { conv, sample } from './util.js';

beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

/** A small SE network using stock and custom layers alike: grouped conv, PyTorch pooling, hard sigmoid, scale. */
function seNet(): Graph {
  const b = new GraphBuilder('se-net', [3, 11, 9]);
  let x = b.add('Conv', conv(12, 3, 2, [1, 1, 1, 1], 1, { bias: true }), [b.input], 'stem');
  x = b.add('Relu', {}, [b.add('BatchNorm', { eps: 1e-5 }, [x], 'bn')], 'relu');
  x = b.add('MaxPool', { kernel: [3, 3], stride: [2, 2], pads: [0, 0, 0, 0], ceil: true, countIncludePad: false }, [x], 'pool');
  const y = b.add('Conv', conv(12, 3, 1, [1, 1, 1, 1], 3), [x], 'grouped');
  const p = b.add('GlobalPool', { mode: 'avg' }, [y], 'se.squeeze');
  const f1 = b.add('Relu', {}, [b.add('Conv', conv(3, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [p], 'se.fc1')], 'se.act');
  const g = b.add('HardSigmoid', {}, [b.add('Conv', conv(12, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [f1], 'se.fc2')], 'se.gate');
  const s = b.add('Add', {}, [b.add('Mul', {}, [y, g], 'se.scale'), b.add('Scale', { factor: 0.5 }, [x], 'half')], 'sum');
  const avg = b.add('AvgPool', { kernel: [2, 2], stride: [1, 1], pads: [0, 0, 1, 1], ceil: false, countIncludePad: false }, [s], 'avg');
  return b.finish(b.add('Dense', { outFeatures: 5, bias: true }, [b.add('Flatten', {}, [avg], 'flat')], 'fc'));
}

describe('tfjs Layers artifacts', () => {
  it('model.json + shards reload with stock tf.loadLayersModel (custom classes registered by this package) and agree', async () => {
    const graph = randomWeights(seNet(), 4);
    const input = sample(graph, 2, 9);
    const model = buildLayersModel(graph);
    const dir = await mkdtemp(join(tmpdir(), 'excite-tfjs-'));
    try {
      const files = await writeLayersModel(model, dir, { shardBytes: 1024 });
      expect(files[0]).toBe('model.json');
      expect(files.length).toBeGreaterThan(2);
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.format).toBe('layers-model');
      const classes = new Set<string>((json.modelTopology.model_config ?? json.modelTopology).config.layers.map((l: { class_name: string }) => l.class_name));
      expect([...classes].filter((c) => c.startsWith('Excite')).sort()).toEqual(['ExciteGroupedConv2D', 'ExciteHardSigmoid', 'ExcitePool2D', 'ExciteScale']);
      const reloaded = await tfl.loadLayersModel(fileHandler(dir));
      const before = predictIr(model, input);
      const after = predictIr(reloaded, input);
      expect(after.shape).toEqual(before.shape);
      expect(relativeError(before.data, after.data)).toBe(0);
      reloaded.dispose();
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
