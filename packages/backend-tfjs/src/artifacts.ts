import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf, type tfl } from './tf.js';

export interface WriteOptions {
  /** Bytes per weight shard file (default 4 MiB, as tfjs's converter writes). */
  shardBytes?: number;
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
 * Writes `model.json` and `group1-shardKofN.bin` files into `dir`: the tfjs Layers format that `tf.loadLayersModel`
 * reads (over http, or with `fileHandler` below in Node). Models with custom layers (grouped convs, hard sigmoid,
 * PyTorch pooling, constant scales) need this package imported, which registers their classes, before loading.
 * Returns the file names written.
 */
export async function writeLayersModel(model: tfl.LayersModel, dir: string, options: WriteOptions = {}): Promise<string[]> {
  const artifacts = await layersArtifacts(model);
  const data = new Uint8Array(tf.io.concatenateArrayBuffers(toBuffers(artifacts.weightData)));
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const paths = Array.from({ length: count }, (_, i) => `group1-shard${i + 1}of${count}.bin`);
  await mkdir(dir, { recursive: true });
  for (const [i, path] of paths.entries()) await writeFile(join(dir, path), data.subarray(i * shardBytes, (i + 1) * shardBytes));
  const json = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: '@excite/backend-tfjs',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
  };
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
  return ['model.json', ...paths];
}

function toBuffers(data: tf.io.ModelArtifacts['weightData']): ArrayBuffer[] {
  if (data === undefined) return [];
  return Array.isArray(data) ? data : [data];
}

/** An IOHandler that loads `dir/model.json` and its shards from the file system: `tf.loadLayersModel(fileHandler(dir))`. */
export function fileHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      const shards: ArrayBuffer[] = [];
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      for (const group of json.weightsManifest) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const bytes = await readFile(join(dir, path));
          shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
      }
      return { modelTopology: json.modelTopology, weightSpecs, weightData: tf.io.concatenateArrayBuffers(shards), format: json.format };
    },
  };
}
