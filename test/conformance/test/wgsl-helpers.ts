// Shared by the WGSL suites: zoo models and single ops compiled to WGSL, run on Dawn (SwiftShader on machines without a
// GPU) through the runtime, compared with the reference interpreter.
import { expect } from 'vitest';
import { emitWgsl, type WgslBundle } from '@excite/backend-wgsl';
import { loadBundle, type WgslModel } from '@excite/runtime-webgpu';
import { createNodeDevice } from '@excite/runtime-webgpu/node';
import { compile } from '@excite/compiler';
import { calibrateWeights, float32NoiseFloor, interpret, randomWeights, relativeError, type Graph, type Tensor } from '@excite/ir';
import { createModel } from '@excite/zoo';
import { sampleOf, withoutSoftmax } from './helpers.js';

let shared: Promise<GPUDevice> | undefined;

/** One Dawn device per test file (creating one costs ~100 ms; pipelines are cached per device). */
export function device(): Promise<GPUDevice> {
  shared ??= createNodeDevice();
  return shared;
}

export async function runWgsl(graph: Graph, input: Tensor, bundle: WgslBundle = emitWgsl(graph)): Promise<{ output: Float32Array; model: WgslModel }> {
  const model = await loadBundle(await device(), bundle);
  const batch = input.shape[0]!;
  const output = await model.run(input.data, batch);
  return { output, model };
}

/**
 * The WGSL criterion: within 1e-3 relative of the interpreter (float32 sums in the kernels' own order, against the
 * interpreter's float64 ones); or, for random networks so ill-conditioned that one float32 ulp of their weights moves
 * the output further, within 4× that noise floor.
 */
export async function expectWgslAgreement(graph: Graph, batch = 1, label = graph.name): Promise<WgslModel> {
  const input = sampleOf(graph, batch, 5);
  const expected = interpret(graph, input).output;
  const { output, model } = await runWgsl(graph, input);
  expect(output.length, `${label}: output size`).toBe(expected.data.length);
  expect(output.every(Number.isFinite), `${label}: finite`).toBe(true);
  const error = relativeError(expected.data, output);
  if (!(error < 1e-3)) {
    const floor = float32NoiseFloor(graph, input, expected);
    expect(error, `${label}: relative error ${error.toExponential(2)}, noise floor ${floor.toExponential(2)}`).toBeLessThan(4 * floor);
  }
  return model;
}

/**
 * The smallest input each model is tested at on SwiftShader (~30 M MAC/s here): the smallest valid size for the
 * Inception families and VGG, 16×16 for the rest (their deepest stages reach 1×1; padding, strides and ceil mode are
 * covered shape by shape in wgsl-ops.test.ts).
 */
export function wgslInput(name: string): [number, number] {
  if (name.includes('inception-resnet')) return [75, 75];
  if (name.includes('bn-inception')) return [64, 64];
  if (name.includes('vgg')) return [32, 32];
  return [16, 16];
}

/**
 * A zoo model at its WGSL test size with calibrated random weights, through the inference pipeline. Calibrated on 8
 * samples: at 16×16 the last stages are 1×1, where 2 samples give each batch norm a variance of 2 values and a
 * network that amplifies float32 rounding a thousandfold.
 */
export function wgslModel(name: string): Graph {
  const graph = withoutSoftmax(createModel(name, { input: wgslInput(name) }));
  const weighted = calibrateWeights(randomWeights(graph, 11), sampleOf(graph, 8, 1));
  return compile(weighted, { pipeline: 'inference', seed: 0 }).graph;
}

/**
 * The zoo split across four files (verify-zoo-*.test.ts), grouped so that models sharing layer shapes share a file: each
 * file has one Dawn device, and a kernel compiled for one model (pipeline creation dominates on SwiftShader) is reused
 * by the next.
 */
export const WGSL_ZOO_PARTS: readonly (readonly string[])[] = [
  ['se-resnet-50', 'resnet-50', 'se-resnet-50-r2', 'se-resnet-50-r4', 'se-resnet-50-r8', 'se-resnet-50-r16', 'se-resnet-50-r32',
    'se-resnet-50-squeeze-max', 'se-resnet-50-gate-relu', 'se-resnet-50-gate-tanh'],
  ['se-resnet-50-stage2', 'se-resnet-50-stage3', 'se-resnet-50-stage4', 'se-resnet-50-pre', 'se-resnet-50-post',
    'se-resnet-50-identity', 'se-resnet-50-after3x3', 'se-resnet-50-no-squeeze', 'se-resnet-101', 'resnet-101'],
  ['se-resnet-152', 'resnet-152', 'se-resnext-50', 'resnext-50', 'se-resnext-101', 'resnext-101', 'senet-154'],
  ['se-vgg-16', 'vgg-16', 'se-bn-inception', 'bn-inception', 'se-inception-resnet-v2', 'inception-resnet-v2',
    'se-mobilenet', 'mobilenet', 'se-shufflenet', 'shufflenet'],
];
