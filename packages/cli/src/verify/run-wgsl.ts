import { emitWgsl } from '@excite/backend-wgsl';
import { loadBundle } from '@excite/runtime-webgpu';
import { createNodeDevice } from '@excite/runtime-webgpu/node';
import { timed, type TargetInput, type TargetRun } from './targets.js';

/**
 * One Dawn device for the process, with the adapter's largest buffer limits: the runtime caches compiled pipelines
 * per device, and on SwiftShader compiling a kernel costs more than running it, so verifying several models (the
 * test suite) reuses every kernel they share.
 */
let shared: Promise<GPUDevice> | undefined;
const device = () => (shared ??= createNodeDevice());

/**
 * The WGSL bundle on our runtime, on Dawn's first adapter (SwiftShader, a CPU Vulkan, where there is no GPU). The
 * kernels are compiled against the device's own buffer limits, so a model with a weight larger than WebGPU's default
 * 128 MiB binding (VGG-16's first FC) runs where the adapter allows it.
 */
export async function runWgsl({ inference, input, runs }: TargetInput): Promise<TargetRun> {
  const gpu = await device();
  const { maxStorageBufferBindingSize, maxBufferSize } = gpu.limits;
  const bundle = emitWgsl(inference, { limits: { maxStorageBufferBindingSize, maxBufferSize } });
  const model = await loadBundle(gpu, bundle);
  try {
    const result = await timed(runs, () => model.run(input.data, input.shape[0]));
    return { ...result, runtime: `our WebGPU runtime (Dawn), ${model.stats.dispatchesPerSample} dispatches` };
  } finally {
    model.destroy();
  }
}
