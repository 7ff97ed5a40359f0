import type { Graph, Tensor } from '@excite/ir';

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
  // Each runner loads its runtime on demand (native bindings, wasm, Dawn): only the targets asked for are loaded.
  onnx: { runtime: 'onnxruntime-node (CPU)', tolerance: 1e-4, run: async (input) => (await import('./run-onnx.js')).runOnnx(input) },
  tfjs: { runtime: 'tfjs wasm', tolerance: 1e-4, run: async (input) => (await import('./run-tfjs.js')).runTfjs(input) },
  wgsl: { runtime: 'our WebGPU runtime (Dawn)', tolerance: 1e-3, run: async (input) => (await import('./run-wgsl.js')).runWgsl(input) },
};

/**
 * Runs `once` one time to warm up, then `runs` more times, timing each. With `runs` 0 it runs once and times that
 * run (a cold figure, for test suites that only want the numbers).
 */
export async function timed(runs: number, once: () => Promise<Float32Array>): Promise<{ output: Float32Array; timesMs: number[] }> {
  const first = performance.now();
  const output = await once();
  if (runs === 0) return { output, timesMs: [performance.now() - first] };
  const timesMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    timesMs.push(performance.now() - started);
  }
  return { output, timesMs };
}
