import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomWeights, relativeError } from '@excite/ir';
import { buildLayersModel, fileHandler, predictIr, tfl, useBackend, writeLayersModel } from '../src/index.js';
import { sample, seNet } from './util.js';

beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

describe('tfjs Layers artifacts', () => {
  it('model.json + shards reload with stock tf.loadLayersModel and agree exactly', async () => {
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
