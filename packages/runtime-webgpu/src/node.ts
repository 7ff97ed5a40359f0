/// <reference types="@webgpu/types" />
// Node-only helpers (file system, Dawn). index.ts never imports this module, so the runtime stays browser-ready;
// import it as `@excite/runtime-webgpu/node` (or src/node.ts inside the repository).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plan, RequiredLimits } from '@excite/backend-wgsl';
import { WebGpuRuntimeError, type BundleData } from './index.js';

/** Reads a bundle written by `excite compile --target wgsl`: plan.json, weights.bin and the kernels it names. */
export async function readBundle(dir: string): Promise<BundleData & { kernels: Map<string, string> }> {
  const plan = JSON.parse(await readFile(join(dir, 'plan.json'), 'utf8')) as Plan;
  const weights = new Uint8Array(await readFile(join(dir, 'weights.bin')));
  const kernels = new Map<string, string>();
  for (const kernel of plan.kernels) kernels.set(kernel.file.replace(/^kernels\//, ''), await readFile(join(dir, kernel.file), 'utf8'));
  return { plan, kernels, weights };
}

/** The GPU objects Dawn hands out stay alive only while their instance does. */
const instances: GPU[] = [];

/**
 * A GPUDevice from Dawn (the `webgpu` package). Where no Vulkan driver is configured, it uses SwiftShader's from
 * Debian's chromium package (a CPU implementation: correct, slow). With a plan, it requests the limits the plan needs
 * and fails clearly when the adapter lacks them; without, it requests the adapter's largest buffer limits.
 */
export async function createNodeDevice(plan?: Plan): Promise<GPUDevice> {
  process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  let dawn: { create(options: string[]): GPU; globals: object };
  try {
    dawn = (await import('webgpu')) as typeof dawn;
  } catch (error) {
    throw new WebGpuRuntimeError(`the webgpu package (Dawn for Node) is not installed: ${(error as Error).message}`);
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  instances.push(gpu);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    throw new WebGpuRuntimeError(`no WebGPU adapter: install a Vulkan driver (Debian: apt-get install chromium, for SwiftShader) or set VK_ICD_FILENAMES (now ${process.env.VK_ICD_FILENAMES})`);
  }
  const requiredLimits: Record<string, number> = {};
  const keys: Array<keyof RequiredLimits> = plan
    ? (Object.keys(plan.limits) as Array<keyof RequiredLimits>)
    : ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxStorageBuffersPerShaderStage'];
  for (const key of keys) {
    const available = adapter.limits[key] as number;
    const needed = plan ? plan.limits[key] : available;
    if (needed > available) throw new WebGpuRuntimeError(`the adapter cannot run ${plan!.model}: ${key} needs ${needed}, the adapter has ${available}`);
    requiredLimits[key] = needed;
  }
  return adapter.requestDevice({ requiredLimits });
}
