import { emitWgsl } from '@excite/backend-wgsl';
import { loadBundle } from '@excite/runtime-webgpu';
import { createNodeDevice } from '@excite/runtime-webgpu/node';
import { timed, type TargetInput, type TargetRun } from './targets.js';

/** The WGSL bundle on our runtime, on Dawn's first adapter (SwiftShader, a CPU Vulkan, where there is no GPU). */
export async function runWgsl({ inference, input, runs }: TargetInput): Promise<TargetRun> {
  const bundle = emitWgsl(inference);
  const device = await createNodeDevice(bundle.plan);
  const model = await loadBundle(device, bundle);
  try {
    const result = await timed(runs, () => model.run(input.data, input.shape[0]));
    return { ...result, runtime: `our WebGPU runtime (Dawn), ${model.stats.dispatchesPerSample} dispatches` };
  } finally {
    model.destroy();
    device.destroy();
  }
}
