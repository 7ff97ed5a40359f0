import type { Graph } from '@excite/ir';
import '@tensorflow/tfjs-backend-cpu';
import { ts } from 'ts-morph';
import { layersModelFiles, type EmittedFile } from './artifacts.js';
import { realizePlan } from './build.js';
import { trainableModule } from './codegen/trainable.js';
import type { Sources } from './codegen/source.js';
import { inferenceModule } from './inference/module.js';
import { planLayers } from './plan.js';
import { tf, tfl } from './tf.js';

export interface EmitTfjsOptions {
  /** The model's name: the generated files are `<model>.ts`, `<model>.inference.ts` and their weights. */
  model: string;
  /** The same network after the inference pipeline (BN folded, SE and ScaleAdd fused): the inference form's source. */
  inferenceGraph: Graph;
  /** `.se` sources by file name, to quote each node's line in the generated comments. */
  sources?: Sources;
  /** Seed for weights that hold no data (default 0: the same weights as every other backend). */
  seed?: number;
}

/**
 * tfjs-layers builds weights as tensors, so emitting needs a backend; when the program has selected none, the cpu
 * backend (registered with this package) is selected. Its initialisation is synchronous, so this returns with it set.
 */
function ensureBackend(): void {
  if (tf.getBackend()) return;
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error('no tfjs backend is selected: call useBackend() first');
}

/**
 * Everything `excite compile --target tfjs` writes, deterministic (same graph and seed, same bytes):
 * - `<model>.ts`: the trainable tf.LayersModel as readable TypeScript (`buildModel`, `loadWeights`);
 * - `model.json` + `<model>.weights.bin`: the same model as stock tfjs Layers artifacts (`tf.loadLayersModel`);
 *   the weights file is also what `<model>.ts`'s `loadWeights` reads;
 * - `<model>.inference.ts` + `<model>.inference.weights.bin`: the inference-optimised form from `inferenceGraph`.
 */
export function emitTfjs(graph: Graph, options: EmitTfjsOptions): EmittedFile[] {
  ensureBackend();
  const weightsFile = `${options.model}.weights.bin`;
  const inferenceWeightsFile = `${options.model}.inference.weights.bin`;
  const plan = planLayers(graph, { seed: options.seed ?? 0, name: options.model });
  const model = realizePlan(plan);
  let layers: EmittedFile[];
  try {
    layers = layersModelFiles(model, () => [weightsFile]);
  } finally {
    model.dispose();
  }
  const inference = inferenceModule(options.inferenceGraph, {
    model: options.model, weightsFile: inferenceWeightsFile, seed: options.seed ?? 0, ...(options.sources ? { sources: options.sources } : {}),
  });
  return [
    { path: `${options.model}.ts`, contents: trainableModule(plan, { model: options.model, weightsFile, ...(options.sources ? { sources: options.sources } : {}) }) },
    ...layers,
    { path: `${options.model}.inference.ts`, contents: inference.source },
    { path: inferenceWeightsFile, contents: inference.weights },
  ];
}

/**
 * Evaluates a generated module in this process: transpiled to CommonJS by TypeScript, its `@tensorflow/tfjs` import
 * bound to the tfjs this package runs (core ops and layers), so it shares the selected backend.
 */
export function evaluateModule<T>(source: string): T {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const tfjs = { ...tf, ...tfl, layers: tfl.layers };
  const exports: Record<string, unknown> = {};
  const require = (name: string) => {
    if (name === '@tensorflow/tfjs') return tfjs;
    throw new Error(`a generated module imports ${name}`);
  };
  new Function('require', 'exports', js)(require, exports);
  return exports as T;
}

/** A running inference form: the generated code, evaluated, with its weights loaded. */
export interface InferenceFunction {
  /** The generated TypeScript it runs. */
  source: string;
  /** Runs the network on an NHWC batch. */
  predict(x: tf.Tensor4D): tf.Tensor;
  dispose(): void;
}

interface InferenceExports {
  loadWeights(data: ArrayBuffer): Record<string, tf.Tensor | tf.Tensor[]>;
  predict(w: Record<string, tf.Tensor | tf.Tensor[]>, x: tf.Tensor4D): tf.Tensor;
}

/**
 * The inference-optimised form of a compiled graph, for programs that want no files: the module emitTfjs writes as
 * `<model>.inference.ts`, generated, evaluated in memory and given its weights.
 */
export function buildInferenceFunction(graph: Graph, options: { model?: string; seed?: number; sources?: Sources } = {}): InferenceFunction {
  const model = options.model ?? graph.name;
  const { source, weights } = inferenceModule(graph, {
    model, weightsFile: `${model}.inference.weights.bin`, seed: options.seed ?? 0, ...(options.sources ? { sources: options.sources } : {}),
  });
  const module = evaluateModule<InferenceExports>(source);
  const loaded = module.loadWeights(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer);
  return {
    source,
    predict: (x) => module.predict(loaded, x),
    dispose: () => tf.dispose(Object.values(loaded).flat()),
  };
}
