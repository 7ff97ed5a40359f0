import { createDiagnostic, DiagnosticError, type SourceFile } from '@excite/diagnostics';
import type { Graph } from '@excite/ir';
import { DEFAULT_OPSET, emitOnnx, type OnnxProfileName } from '@excite/backend-onnx';

/** What every target gets: the model with its weights, compiled and not, its sources and the target-specific flags. */
export interface TargetInput {
  /** The model compiled by the inference pipeline (BN folded, SE fused). */
  graph: Graph;
  /** The model as written, its weights materialised from the seed: what trainable forms are built from. */
  trainable: Graph;
  /** File name stem for the artifacts (the model's name). */
  model: string;
  sources: Map<string, SourceFile>;
  pipeline: string;
  version: string;
  seed: number;
  onnx: { opset: number; functions: boolean; profile: OnnxProfileName };
  /** WGSL: the largest storage binding / buffer the target devices allow, in bytes (default: WebGPU's guaranteed 128 / 256 MiB). */
  wgsl: { maxBindingBytes?: number };
}

/** One artifact a target writes, relative to --out. */
export interface Artifact {
  path: string;
  contents: Uint8Array | string;
}

export interface Target {
  /** One line for `--help`. */
  doc: string;
  /** Async because backends load on demand: `excite info` should not pay for tfjs. */
  emit(input: TargetInput): Promise<Artifact[]>;
}

/**
 * A command-line tool is production use: tfjs's PROD flag silences its console banners (the cpu backend's "install
 * tfjs-node" notice), which would otherwise land in the middle of excite's output.
 */
export function quietTfjs(tf: { env(): { set(flag: string, value: boolean): void } }): void {
  tf.env().set('PROD', true);
}

/**
 * The compile targets, by `--target` name. Adding a backend is one entry here (plus its flags in compile.ts):
 * `--target onnx,tfjs,wgsl` runs each listed target over the same weights. The WGSL bundle goes in its own folder
 * because its file names (plan.json, weights.bin, kernels/) are the bundle format's, not the model's.
 */
export const TARGETS: Record<string, Target> = {
  onnx: {
    doc: `ONNX model (opset ${DEFAULT_OPSET} by default), weights as initializers: <model>.onnx`,
    emit: async ({ graph, model, sources, pipeline, version, onnx }) => [{
      path: `${model}.onnx`,
      contents: emitOnnx(graph, { ...onnx, sources, pipeline, version }).bytes,
    }],
  },
  tfjs: {
    doc: 'TensorFlow.js: <model>.ts (trainable tf.LayersModel, generated), <model>.inference.ts (tf.fused inference form), model.json + weights for tf.loadLayersModel',
    emit: async ({ graph, trainable, model, sources, seed }) => {
      const { emitTfjs, tf } = await import('@excite/backend-tfjs');
      quietTfjs(tf);
      return emitTfjs(trainable, { model, inferenceGraph: graph, sources, seed });
    },
  },
  wgsl: {
    doc: 'WebGPU: wgsl/plan.json, wgsl/weights.bin (BN folded) and one shape-specialised kernel per wgsl/kernels/*.wgsl, for @excite/runtime-webgpu',
    emit: async ({ graph, model, seed, wgsl }) => {
      const { bundleFiles, emitWgsl, WgslLoweringError } = await import('@excite/backend-wgsl');
      const limits = wgsl.maxBindingBytes ? { maxStorageBufferBindingSize: wgsl.maxBindingBytes, maxBufferSize: wgsl.maxBindingBytes } : {};
      try {
        return bundleFiles(emitWgsl(graph, { model, seed, limits })).map((f) => ({ ...f, path: `wgsl/${f.path}` }));
      } catch (error) {
        if (!(error instanceof WgslLoweringError)) throw error;
        throw new DiagnosticError(createDiagnostic('E0503', error.message, undefined,
          'the bundle targets the limits every WebGPU device has (128 MiB per storage binding); for devices that allow more, pass --wgsl-max-binding <MiB>'));
      }
    },
  },
};
