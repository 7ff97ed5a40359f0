/**
 * The execution plan: plain data (JSON-serialisable) that a small generic runtime follows. Every shape is baked into
 * the kernels at compile time; the plan only says which buffers exist, how large they are, and which kernel runs with
 * which buffers bound, in order.
 *
 * Batch: kernels are compiled for one sample. The runtime runs the dispatch list once per sample of a batch, reusing
 * the same activation buffers (a batch of N costs N times the dispatches, never N times the memory).
 */
export const PLAN_FORMAT = 'excite-wgsl/1';

/** The device limits a bundle needs (the WebGPU names); a runtime requests them and refuses a device below them. */
export interface RequiredLimits {
  maxStorageBuffersPerShaderStage: number;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
}

/** One activation buffer: tensors whose lifetimes do not overlap share it (liveness-based allocation). */
export interface PlanBuffer {
  id: number;
  /** Bytes: the largest tensor it holds. */
  size: number;
  /** The tensors it holds over a run, in the order they are written. */
  tensors: string[];
}

/** A weight tensor inside weights.bin. Offsets are multiples of 256 (minStorageBufferOffsetAlignment). */
export interface PlanWeight {
  name: string;
  offset: number;
  /** Bytes. */
  size: number;
}

export interface PlanKernel {
  name: string;
  /** Path inside the bundle: `kernels/<name>.wgsl`. */
  file: string;
  entryPoint: 'main';
  workgroupSize: [number, number, number];
  /** What each binding slot (group 0, binding i) holds, for readers. */
  bindings: string[];
}

/** A range of an activation buffer, or one weight tensor. */
export type PlanBinding =
  | { kind: 'activation'; buffer: number; tensor: string; size: number }
  | { kind: 'weight'; weight: number; name: string };

export interface PlanDispatch {
  /** The IR node it computes (a fused node can take several dispatches). */
  node: string;
  kernel: string;
  workgroups: [number, number, number];
  /** Binding i of group 0, in order. */
  bindings: PlanBinding[];
}

export interface PlanTensor {
  name: string;
  /** Per-sample shape ([C,H,W] or [F]). */
  shape: number[];
  buffer: number;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  model: string;
  input: PlanTensor;
  output: PlanTensor;
  batch: 'per-sample-loop';
  limits: RequiredLimits;
  buffers: PlanBuffer[];
  weights: PlanWeight[];
  /** Bytes of weights.bin. */
  weightBytes: number;
  kernels: PlanKernel[];
  dispatches: PlanDispatch[];
}
