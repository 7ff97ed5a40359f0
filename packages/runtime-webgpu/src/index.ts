/// <reference types="@webgpu/types" />
import type { Plan, PlanBinding, RequiredLimits } from '@excite/backend-wgsl';

/**
 * Runs a compiled WGSL bundle on any GPUDevice (a browser's, or Dawn's in Node). The runtime is generic: everything
 * model-specific is in the plan (buffers, dispatches, bindings) and the kernels (shapes baked in).
 *
 * Batch: kernels are compiled for one sample; `run` replays the plan's dispatch list once per sample, each sample in
 * its own command buffer, on the same activation buffers, and reads every sample's output back with one map.
 */

/** What loadBundle takes: the emitter's bundle, or the same read from files or fetched in a browser. */
export interface BundleData {
  plan: Plan;
  /** `<kernel>.wgsl` → WGSL source. */
  kernels: Map<string, string> | Readonly<Record<string, string>>;
  weights: Uint8Array | ArrayBuffer;
}

export interface WgslModelStats {
  /** Compute dispatches for one sample (a batch of N replays them N times). */
  dispatchesPerSample: number;
  /** Dispatches issued by the last run. */
  dispatchesLastRun: number;
  /** Compute pipelines this model uses (one per distinct kernel). */
  pipelines: number;
  /** Bytes of the activation buffers (after liveness-based reuse). */
  activationBytes: number;
  weightBytes: number;
  /** Bytes of the read-back buffer (grows with the largest batch run). */
  stagingBytes: number;
  /** Peak GPU memory the model holds: activations + weights + read-back. */
  peakGpuBytes: number;
}

export interface WgslModel {
  readonly plan: Plan;
  /** Runs `batch` samples (NCHW, batch-major) and returns the outputs, batch-major. */
  run(input: Float32Array, batch?: number): Promise<Float32Array>;
  readonly stats: WgslModelStats;
  /**
   * Runs one sample dispatch by dispatch, waiting for each to finish: wall time per dispatch (for finding the slow
   * kernel; it includes a queue round trip each, so compare dispatches with each other, not with `run`).
   */
  profile(input: Float32Array): Promise<Array<{ node: string; kernel: string; ms: number }>>;
  /**
   * GPU time of the plan alone: the whole dispatch list encoded `iterations` times into one submission, on whatever
   * the buffers hold; milliseconds per iteration. For benchmarks (no upload, no read-back).
   */
  time(iterations: number): Promise<number>;
  destroy(): void;
}

/** A bundle that does not fit the device, or a kernel the device rejects. */
export class WebGpuRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGpuRuntimeError';
  }
}

// The WebGPU spec's flag values, so the runtime needs no GPUBufferUsage/GPUMapMode globals (Dawn in Node has none
// until its globals are installed).
const STORAGE = 0x80;
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const MAP_READ = 0x01;
const MAP_MODE_READ = 0x1;

/** Pipelines are shared by every model on a device, keyed explicitly by kernel name and a hash of its source. */
const pipelineCaches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export function pipelineKey(name: string, source: string): string {
  // FNV-1a over the source: two bundles may name different kernels alike.
  let hash = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193) >>> 0;
  return `${name}#${hash.toString(16).padStart(8, '0')}`;
}

/** The limits a plan needs that this device lacks, as readable lines (empty: it fits). */
export function missingLimits(plan: Plan, limits: GPUSupportedLimits): string[] {
  return (Object.keys(plan.limits) as Array<keyof RequiredLimits>)
    .filter((key) => plan.limits[key] > (limits[key] as number))
    .map((key) => `${key}: needs ${plan.limits[key]}, the device has ${limits[key]}`);
}

function kernelSource(kernels: BundleData['kernels'], file: string): string | undefined {
  return kernels instanceof Map ? kernels.get(file) : kernels[file];
}

export async function loadBundle(device: GPUDevice, bundle: BundleData): Promise<WgslModel> {
  const { plan } = bundle;
  if (plan.format !== 'excite-wgsl/1') throw new WebGpuRuntimeError(`unknown plan format ${String(plan.format)}; expected excite-wgsl/1`);
  const missing = missingLimits(plan, device.limits);
  if (missing.length > 0) throw new WebGpuRuntimeError(`the device cannot run ${plan.model}:\n  ${missing.join('\n  ')}`);

  // Pipelines, once per kernel.
  let cache = pipelineCaches.get(device);
  if (!cache) pipelineCaches.set(device, (cache = new Map()));
  const pipelines = new Map<string, GPUComputePipeline>();
  await Promise.all(plan.kernels.map(async (kernel) => {
    const file = kernel.file.replace(/^kernels\//, '');
    const source = kernelSource(bundle.kernels, file);
    if (source === undefined) throw new WebGpuRuntimeError(`the bundle lacks ${kernel.file}`);
    const key = pipelineKey(kernel.name, source);
    let pipeline = cache.get(key);
    if (!pipeline) {
      const module = device.createShaderModule({ label: kernel.name, code: source });
      pipeline = device.createComputePipelineAsync({ label: kernel.name, layout: 'auto', compute: { module, entryPoint: kernel.entryPoint } })
        .catch(async (error: unknown) => {
          cache.delete(key);
          const info = await module.getCompilationInfo();
          const messages = info.messages.map((m) => `${kernel.file}:${m.lineNum}:${m.linePos}: ${m.type}: ${m.message}`);
          throw new WebGpuRuntimeError(`kernel ${kernel.name} does not compile: ${messages.join('\n') || String(error)}`);
        });
      cache.set(key, pipeline);
    }
    pipelines.set(kernel.name, await pipeline);
  }));

  // Weights: one buffer per chunk of whole tensors that fits maxBufferSize; offsets stay 256-aligned within a chunk.
  const weightBytes = bundle.weights instanceof Uint8Array ? bundle.weights : new Uint8Array(bundle.weights);
  if (weightBytes.byteLength !== plan.weightBytes) {
    throw new WebGpuRuntimeError(`weights.bin has ${weightBytes.byteLength} bytes; the plan expects ${plan.weightBytes}`);
  }
  const maxChunk = device.limits.maxBufferSize;
  const weightPlace: Array<{ buffer: number; offset: number; size: number }> = [];
  const chunks: Array<{ start: number; end: number }> = [];
  for (const w of plan.weights) {
    let chunk = chunks[chunks.length - 1];
    if (!chunk || w.offset + w.size - chunk.start > maxChunk) chunks.push((chunk = { start: w.offset, end: w.offset }));
    chunk.end = w.offset + w.size;
    weightPlace.push({ buffer: chunks.length - 1, offset: w.offset - chunk.start, size: w.size });
  }
  const created: GPUBuffer[] = [];
  const weightBuffers = chunks.map((chunk, i) => {
    const size = Math.ceil((chunk.end - chunk.start) / 4) * 4;
    const buffer = device.createBuffer({ label: `weights ${i}`, size, usage: STORAGE | COPY_DST });
    created.push(buffer);
    device.queue.writeBuffer(buffer, 0, weightBytes, chunk.start, size);
    return buffer;
  });

  const activations = plan.buffers.map((b) => {
    const buffer = device.createBuffer({ label: `activation ${b.id}`, size: Math.max(4, b.size), usage: STORAGE | COPY_SRC | COPY_DST });
    created.push(buffer);
    return buffer;
  });

  const entry = (binding: PlanBinding, i: number): GPUBindGroupEntry => {
    if (binding.kind === 'activation') return { binding: i, resource: { buffer: activations[binding.buffer]!, offset: 0, size: binding.size } };
    const place = weightPlace[binding.weight]!;
    return { binding: i, resource: { buffer: weightBuffers[place.buffer]!, offset: place.offset, size: place.size } };
  };
  const steps = plan.dispatches.map((d) => {
    const pipeline = pipelines.get(d.kernel)!;
    const bindGroup = device.createBindGroup({ label: d.node, layout: pipeline.getBindGroupLayout(0), entries: d.bindings.map(entry) });
    return { pipeline, bindGroup, workgroups: d.workgroups };
  });

  const inputSize = plan.input.shape.reduce((a, b) => a * b, 1);
  const outputSize = plan.output.shape.reduce((a, b) => a * b, 1);
  const inputBuffer = activations[plan.input.buffer]!;
  const outputBuffer = activations[plan.output.buffer]!;
  let staging: GPUBuffer | undefined;
  let stagingBytes = 0;
  let dispatchesLastRun = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let destroyed = false;
  const activationBytes = activations.reduce((sum, b) => sum + b.size, 0);
  const weightTotal = weightBuffers.reduce((sum, b) => sum + b.size, 0);

  const runNow = async (input: Float32Array, batch: number): Promise<Float32Array> => {
    if (destroyed) throw new WebGpuRuntimeError(`${plan.model} was destroyed`);
    if (!Number.isInteger(batch) || batch < 1) throw new WebGpuRuntimeError(`batch must be a positive integer, got ${batch}`);
    if (input.length !== batch * inputSize) {
      throw new WebGpuRuntimeError(`${plan.model} takes ${batch} × [${plan.input.shape.join(',')}] = ${batch * inputSize} values, got ${input.length}`);
    }
    const bytes = batch * outputSize * 4;
    if (!staging || stagingBytes < bytes) {
      staging?.destroy();
      staging = device.createBuffer({ label: 'read-back', size: bytes, usage: MAP_READ | COPY_DST });
      stagingBytes = bytes;
    }
    for (let b = 0; b < batch; b++) {
      device.queue.writeBuffer(inputBuffer, 0, input, b * inputSize, inputSize);
      const encoder = device.createCommandEncoder({ label: `${plan.model} sample ${b}` });
      const pass = encoder.beginComputePass();
      for (const step of steps) {
        pass.setPipeline(step.pipeline);
        pass.setBindGroup(0, step.bindGroup);
        pass.dispatchWorkgroups(...step.workgroups);
      }
      pass.end();
      encoder.copyBufferToBuffer(outputBuffer, 0, staging, b * outputSize * 4, outputSize * 4);
      device.queue.submit([encoder.finish()]);
    }
    dispatchesLastRun = batch * steps.length;
    await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    const result = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    return result;
  };

  // Runs wait for each other: they share the activation buffers.
  const run = (input: Float32Array, batch = 1): Promise<Float32Array> => {
    const result = queue.then(() => runNow(input, batch));
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    plan,
    run,
    async profile(input) {
      await run(input, 1);
      const times: Array<{ node: string; kernel: string; ms: number }> = [];
      for (const [i, step] of steps.entries()) {
        const encoder = device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        pass.setPipeline(step.pipeline);
        pass.setBindGroup(0, step.bindGroup);
        pass.dispatchWorkgroups(...step.workgroups);
        pass.end();
        const start = performance.now();
        device.queue.submit([encoder.finish()]);
        await device.queue.onSubmittedWorkDone();
        times.push({ node: plan.dispatches[i]!.node, kernel: plan.dispatches[i]!.kernel, ms: performance.now() - start });
      }
      return times;
    },
    async time(iterations) {
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      for (let i = 0; i < iterations; i++) {
        for (const step of steps) {
          pass.setPipeline(step.pipeline);
          pass.setBindGroup(0, step.bindGroup);
          pass.dispatchWorkgroups(...step.workgroups);
        }
      }
      pass.end();
      const commands = encoder.finish();
      await device.queue.onSubmittedWorkDone();
      const start = performance.now();
      device.queue.submit([commands]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - start) / iterations;
    },
    get stats(): WgslModelStats {
      return {
        dispatchesPerSample: steps.length,
        dispatchesLastRun,
        pipelines: pipelines.size,
        activationBytes,
        weightBytes: weightTotal,
        stagingBytes,
        peakGpuBytes: activationBytes + weightTotal + stagingBytes,
      };
    },
    destroy() {
      destroyed = true;
      for (const buffer of created) buffer.destroy();
      staging?.destroy();
    },
  };
}
