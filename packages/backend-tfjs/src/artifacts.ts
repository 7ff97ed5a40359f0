import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '@excite/ir';
import { useBackend } from './backend.js';
import { fromTf, toTf } from './layout.js';
import { tf, tfl } from './tf.js';

/** An emitted file: a path relative to the output folder and its contents. */
export interface EmittedFile {
  path: string;
  contents: Uint8Array | string;
}

export interface WriteOptions {
  /** Bytes per weight shard file (default 4 MiB, as tfjs's converter writes). */
  shardBytes?: number;
}

/** The tfjs weight name of each of the model's weights, in `model.weights` order (the order the weight data follows). */
function weightSpecs(model: tfl.LayersModel): tf.io.WeightsManifestEntry[] {
  return model.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[], dtype: 'float32' as const }));
}

/** The model's weights as little-endian float32 bytes, in `model.weights` order. */
export function weightBytes(model: tfl.LayersModel): Uint8Array {
  const values = model.getWeights();
  const total = values.reduce((n, t) => n + t.size, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const t of values) {
    data.set(t.dataSync() as Float32Array, offset);
    offset += t.size;
  }
  return new Uint8Array(data.buffer);
}

/**
 * The tfjs Layers format, computed synchronously (what `model.save` writes, without its promise): `model.json`
 * (topology and a weights manifest naming `shards`) and the shards' bytes, split every `shardBytes`.
 */
export function layersModelFiles(model: tfl.LayersModel, shardNames: (count: number) => string[], shardBytes = Infinity): EmittedFile[] {
  const data = weightBytes(model);
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const paths = shardNames(count);
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
    convertedBy: '@excite/backend-tfjs',
    modelTopology: model.toJSON(null, false),
    weightsManifest: [{ paths, weights: weightSpecs(model) }],
  };
  const shardSize = Number.isFinite(shardBytes) ? shardBytes : data.byteLength;
  return [
    { path: 'model.json', contents: `${JSON.stringify(json)}\n` },
    ...paths.map((path, i) => ({ path, contents: data.subarray(i * shardSize, (i + 1) * shardSize) })),
  ];
}

/** A model's tfjs Layers artifacts: topology (model.json's `modelTopology`), weight specs and the weight bytes. */
export async function layersArtifacts(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return saved!;
}

/**
 * Writes `model.json` and `group1-shardKofN.bin` files into `dir`: the tfjs Layers format that stock
 * `tf.loadLayersModel` reads (over http, or with `fileHandler` below in Node); every layer is a stock tfjs-layers
 * class, so loading needs no code of ours. Returns the file names written.
 */
export async function writeLayersModel(model: tfl.LayersModel, dir: string, options: WriteOptions = {}): Promise<string[]> {
  const files = layersModelFiles(model, (n) => Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`),
    options.shardBytes ?? 4 * 1024 * 1024);
  await mkdir(dir, { recursive: true });
  for (const file of files) await writeFile(join(dir, file.path), file.contents);
  return files.map((f) => f.path);
}

/** An IOHandler for model.json and its shards found by path through `read`. */
function handler(read: (path: string) => Promise<Uint8Array | string>): tf.io.IOHandler {
  return {
    async load() {
      const text = await read('model.json');
      const json = JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text)) as tf.io.ModelJSON;
      const shards: ArrayBuffer[] = [];
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const contents = await read(path);
          const bytes = typeof contents === 'string' ? new TextEncoder().encode(contents) : contents;
          shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      return { modelTopology: json.modelTopology, weightSpecs, weightData: tf.io.concatenateArrayBuffers(shards), format: json.format };
    },
  };
}

/** An IOHandler that loads `dir/model.json` and its shards from the file system: `tf.loadLayersModel(fileHandler(dir))`. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return handler((path) => readFile(join(dir, path)));
}

/** An IOHandler over emitted files in memory (`emitTfjs`'s output): `tf.loadLayersModel(memoryHandler(files))`. */
export function memoryHandler(files: readonly EmittedFile[]): tf.io.IOHandler {
  return handler(async (path) => {
    const file = files.find((f) => f.path === path);
    if (!file) throw new Error(`the tfjs artifacts have no ${path} (model.json names it)`);
    return file.contents;
  });
}

/**
 * Loads emitted Layers artifacts (`model.json` and the weight files it names) with stock `tf.loadLayersModel` on the
 * wasm backend and predicts on `input`, an NCHW (or [N, F]) batch of `shape`. Returns the output in IR layout.
 */
export async function predictLayersArtifacts(files: readonly EmittedFile[], input: Float32Array, shape: readonly number[]): Promise<Float32Array> {
  await useBackend('wasm');
  const model = await tfl.loadLayersModel(memoryHandler(files));
  try {
    const x = toTf({ shape, data: input } as Tensor);
    const y = model.predict(x) as tf.Tensor;
    try {
      return fromTf(y).data;
    } finally {
      tf.dispose([x, y]);
    }
  } finally {
    model.dispose();
  }
}
