import type { Graph, Tensor } from '@excite/ir';
import { runOnnx } from './run-onnx.js';
import { runTfjs } from './run-tfjs.js';
import { runWgsl } from './run-wgsl.js';

/** What a target gets: the model with its weights (as written and compiled for inference), the input, how often to time it. */
export interface TargetInput {
  trainable: Graph;
  inference: Graph;
  input: Tensor;
  runs: number;
}

export interface TargetRun {
  output: Float32Array;
  /** Wall time of each timed run, after one warm-up run. */
  timesMs: number[];
  /** The runtime that ran it, when it is more specific than the target's (e.g. the GPU adapter). */
  runtime?: string;
}

export interface VerifyTarget {
  /** What runs the artifacts, for the table. */
  runtime: string;
  /** Largest relative difference (max |ref − out| / max |ref|) to the reference interpreter that passes. */
  tolerance: number;
  /** Runs the target's artifacts; a target shipping several forms (tfjs) returns one run per form, each a row. */
  run(input: TargetInput): Promise<TargetRun | TargetRun[]>;
}

/**
 * The targets `excite verify` runs, by `--targets` name. Tolerances: onnxruntime and tfjs sum in float32 in their own
 * order, where the reference sums in float64 (1e-4); WGSL kernels may use the GPU's fast math and fused multiply-adds (1e-3).
 */
export const VERIFY_TARGETS: Record<string, VerifyTarget> = {
  onnx: { runtime: 'onnxruntime-node (CPU)', tolerance: 1e-4, run: runOnnx },
  tfjs: { runtime: 'tfjs wasm', tolerance: 1e-4, run: runTfjs },
  wgsl: { runtime: 'our WebGPU runtime (Dawn)', tolerance: 1e-3, run: runWgsl },
};

/** Runs `once` one time to warm up, then `runs` more times, timing each. */
export async function timed(runs: number, once: () => Promise<Float32Array>): Promise<{ output: Float32Array; timesMs: number[] }> {
  const output = await once();
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    timesMs.push(performance.now() - started);
  }
  return { output, timesMs };
}
