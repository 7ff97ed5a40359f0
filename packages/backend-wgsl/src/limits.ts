import type { RequiredLimits } from './plan.js';

/**
 * What every WebGPU device offers (the spec's defaults): kernels compiled against these run anywhere. Larger targets
 * (a model whose weight tensor exceeds 128 MiB) pass their own limits to emitWgsl; the plan records what it needs.
 */
export const DEFAULT_LIMITS: RequiredLimits = {
  maxStorageBuffersPerShaderStage: 8,
  maxStorageBufferBindingSize: 134_217_728,
  maxBufferSize: 268_435_456,
  maxComputeWorkgroupStorageSize: 16_384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupsPerDimension: 65_535,
};

/** Alignment of storage-buffer binding offsets every device accepts (minStorageBufferOffsetAlignment ≤ 256). */
export const BINDING_ALIGNMENT = 256;
