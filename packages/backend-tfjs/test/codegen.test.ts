import { beforeAll, describe, expect, it } from 'vitest';
import { interpret, randomWeights, relativeError, type Graph } from '@excite/ir';
import {
  buildLayersModel,
  emitTfjs,
  evaluateModule,
  predictIr,
  predictLayersArtifacts,
  tf,
  tfl,
  toTf,
  fromTf,
  typeCheckModules,
  useBackend,
  type EmittedFile,
} from '../src/index.js';
import { sample, seNet } from './util.js';

beforeAll(async () => {
  expect(await useBackend('wasm')).toBe('wasm');
});

// Every layer class tfjs-layers 4.22 registers that the lowerings may use: nothing of ours.
const STOCK_CLASSES = new Set([
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'ZeroPadding2D', 'Cropping2D', 'Concatenate', 'Reshape', 'Permute', 'Flatten',
  'Dense', 'BatchNormalization', 'Activation', 'Add', 'Multiply', 'Rescaling', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'GlobalMaxPooling2D', 'Dropout',
]);

const text = (files: EmittedFile[], path: string) => {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`no ${path} among ${files.map((f) => f.path).join(', ')}`);
  return file.contents;
};
const buffer = (bytes: Uint8Array | string) => {
  const b = bytes as Uint8Array;
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

describe('emitTfjs', () => {
  // A small SE network through every awkward lowering: grouped conv, ceil-mode and padded pooling, hard sigmoid, scale.
  const graph: Graph = randomWeights(seNet(), 4);
  const input = sample(graph, 2, 9);
  const expected = interpret(graph, input).output;
  let files: EmittedFile[];

  it('writes the five files, deterministically (same graph and seed, same bytes)', () => {
    files = emitTfjs(graph, { model: 'se-net', inferenceGraph: graph });
    expect(files.map((f) => f.path)).toEqual(['se-net.ts', 'model.json', 'se-net.weights.bin', 'se-net.inference.ts', 'se-net.inference.weights.bin']);
    const again = emitTfjs(graph, { model: 'se-net', inferenceGraph: graph });
    for (const [i, file] of files.entries()) expect(again[i]!.contents, file.path).toEqual(file.contents);
  });

  it('model.json uses stock layer classes only and stock tf.loadLayersModel reloads it with the same outputs', async () => {
    const json = JSON.parse(text(files, 'model.json') as string);
    expect(json.weightsManifest[0].paths).toEqual(['se-net.weights.bin']);
    const classes = new Set<string>(json.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name));
    expect([...classes].filter((c) => !STOCK_CLASSES.has(c))).toEqual([]);
    expect(classes.has('Cropping2D') && classes.has('Rescaling')).toBe(true);
    const model = buildLayersModel(graph);
    const direct = predictIr(model, input);
    model.dispose();
    const reloaded = await predictLayersArtifacts(files, input.data, input.shape);
    expect(relativeError(direct.data, reloaded)).toBe(0);
    expect(relativeError(expected.data, reloaded)).toBeLessThan(1e-5);
  });

  it('both generated modules type-check under tsc --strict against @tensorflow/tfjs; a wrong module does not', () => {
    // One compiler run (loading tfjs's typings is most of its cost) for the generated modules and a deliberately
    // wrong one, which shows the check can fail.
    const broken = "import * as tf from '@tensorflow/tfjs';\nexport const y = tf.fused.conv2d({ x: tf.zeros([1, 2]), filter: 3, strides: 1, pad: 'valid' });\n";
    const diagnostics = typeCheckModules({
      'se-net.ts': text(files, 'se-net.ts') as string, 'se-net.inference.ts': text(files, 'se-net.inference.ts') as string, 'broken.ts': broken,
    });
    expect(diagnostics.filter((d) => !d.includes('broken.ts'))).toEqual([]);
    expect(diagnostics.filter((d) => d.includes('broken.ts')).length).toBeGreaterThan(0);
  });

  it('the generated trainable module builds the model and loadWeights loads the weights file: same outputs', () => {
    const module = evaluateModule<{ buildModel(): tfl.LayersModel; loadWeights(m: tfl.LayersModel, d: ArrayBuffer): void; INPUT_SHAPE: number[] }>(
      text(files, 'se-net.ts') as string);
    expect(module.INPUT_SHAPE).toEqual([11, 9, 3]);
    const model = module.buildModel();
    try {
      expect(model.trainableWeights.length).toBeGreaterThan(0);
      module.loadWeights(model, buffer(text(files, 'se-net.weights.bin')));
      const actual = predictIr(model, input);
      expect(relativeError(expected.data, actual.data)).toBeLessThan(1e-5);
      expect(() => module.loadWeights(model, new ArrayBuffer(8))).toThrow(/float32 weights/);
    } finally {
      model.dispose();
    }
  });

  it('the generated inference module with its weights file computes the graph', () => {
    const module = evaluateModule<{ loadWeights(d: ArrayBuffer): Record<string, tf.Tensor | tf.Tensor[]>; predict(w: unknown, x: tf.Tensor4D): tf.Tensor }>(
      text(files, 'se-net.inference.ts') as string);
    const weights = module.loadWeights(buffer(text(files, 'se-net.inference.weights.bin')));
    const x = toTf(input) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const y = module.predict(weights, x);
    expect(tf.memory().numTensors).toBe(before + 1); // predict keeps only its output
    const actual = fromTf(y);
    tf.dispose([x, y, ...Object.values(weights).flat()]);
    expect(relativeError(expected.data, actual.data)).toBeLessThan(1e-5);
  });
});
