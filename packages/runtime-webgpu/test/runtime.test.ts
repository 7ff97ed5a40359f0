// The runtime on Dawn (SwiftShader without a GPU) with a hand-written bundle: the plan is data, so the runtime is
// tested without the compiler (zoo models through the whole stack are in test/conformance).
import { afterAll, describe, expect, it } from 'vitest';
import type { Plan } from '@excite/backend-wgsl';
import { WebGpuRuntimeError, loadBundle, missingLimits, pipelineKey } from '../src/index.js';
import { createNodeDevice, readBundle } from '../src/node.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** y = x · w[0] + w[1] over 5 values, then z = y + x: two dispatches, two activation buffers, one weight. */
const KERNEL_AFFINE = `@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= 5u) { return; }
  y[gid.x] = x[gid.x] * w[0] + w[1];
}
`;
const KERNEL_ADD = `@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= 5u) { return; }
  y[gid.x] = a[gid.x] + b[gid.x];
}
`;

const plan: Plan = {
  format: 'excite-wgsl/1',
  model: 'affine',
  input: { name: 'input', shape: [5], buffer: 0 },
  output: { name: 'z', shape: [5], buffer: 2 },
  batch: 'per-sample-loop',
  limits: {
    maxStorageBuffersPerShaderStage: 3, maxStorageBufferBindingSize: 20, maxBufferSize: 20, maxComputeWorkgroupStorageSize: 0,
    maxComputeInvocationsPerWorkgroup: 64, maxComputeWorkgroupSizeX: 64, maxComputeWorkgroupsPerDimension: 1,
  },
  buffers: [{ id: 0, size: 20, tensors: ['input'] }, { id: 1, size: 20, tensors: ['y'] }, { id: 2, size: 20, tensors: ['z'] }],
  weights: [{ name: 'w', offset: 0, size: 8 }],
  weightBytes: 8,
  kernels: [
    { name: 'affine', file: 'kernels/affine.wgsl', entryPoint: 'main', workgroupSize: [64, 1, 1], bindings: ['x', 'w', 'y'] },
    { name: 'add', file: 'kernels/add.wgsl', entryPoint: 'main', workgroupSize: [64, 1, 1], bindings: ['a', 'b', 'y'] },
  ],
  dispatches: [
    { node: 'y', kernel: 'affine', workgroups: [1, 1, 1], bindings: [
      { kind: 'activation', buffer: 0, tensor: 'input', size: 20 }, { kind: 'weight', weight: 0, name: 'w' }, { kind: 'activation', buffer: 1, tensor: 'y', size: 20 },
    ] },
    { node: 'z', kernel: 'add', workgroups: [1, 1, 1], bindings: [
      { kind: 'activation', buffer: 1, tensor: 'y', size: 20 }, { kind: 'activation', buffer: 0, tensor: 'input', size: 20 }, { kind: 'activation', buffer: 2, tensor: 'z', size: 20 },
    ] },
  ],
};
const weights = new Uint8Array(new Float32Array([2, 0.5]).buffer);
const kernels = new Map([['affine.wgsl', KERNEL_AFFINE], ['add.wgsl', KERNEL_ADD]]);

describe('loadBundle', () => {
  const device = createNodeDevice(plan);
  afterAll(async () => (await device).destroy());

  it('runs a batch sample by sample and reports its dispatches, pipelines and memory', async () => {
    const model = await loadBundle(await device, { plan, kernels, weights });
    const input = Float32Array.from({ length: 15 }, (_, i) => i - 7);
    const output = await model.run(input, 3);
    expect([...output]).toEqual([...input].map((x) => x * 2 + 0.5 + x));
    expect(model.stats).toMatchObject({ dispatchesPerSample: 2, dispatchesLastRun: 6, pipelines: 2, activationBytes: 60, stagingBytes: 60 });
    expect(model.stats.peakGpuBytes).toBe(60 + model.stats.weightBytes + 60);
    model.destroy();
  });

  it('reads a bundle from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excite-bundle-'));
    mkdirSync(join(dir, 'kernels'));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    writeFileSync(join(dir, 'weights.bin'), weights);
    for (const [file, source] of kernels) writeFileSync(join(dir, 'kernels', file), source);
    const bundle = await readBundle(dir);
    rmSync(dir, { recursive: true });
    const model = await loadBundle(await device, bundle);
    expect([...(await model.run(new Float32Array([1, 2, 3, 4, 5])))]).toEqual([3.5, 6.5, 9.5, 12.5, 15.5]);
    model.destroy();
  });

  it('refuses a wrong input size, a missing kernel and weights of the wrong size, clearly', async () => {
    const model = await loadBundle(await device, { plan, kernels, weights });
    await expect(model.run(new Float32Array(4))).rejects.toThrowError(/takes 1 × \[5\] = 5 values, got 4/);
    model.destroy();
    await expect(loadBundle(await device, { plan, kernels: new Map([['add.wgsl', KERNEL_ADD]]), weights })).rejects.toThrowError(/lacks kernels\/affine.wgsl/);
    await expect(loadBundle(await device, { plan, kernels, weights: new Uint8Array(4) })).rejects.toThrowError(WebGpuRuntimeError);
  });

  it('reports a kernel that does not compile with its file and line', async () => {
    const broken = new Map(kernels).set('add.wgsl', KERNEL_ADD.replace('a[gid.x] + b[gid.x]', 'a[gid.x] + c[gid.x]'));
    await expect(loadBundle(await device, { plan, kernels: broken, weights })).rejects.toThrowError(/kernel add does not compile/);
  });

  it('names the limits a device lacks', async () => {
    const needy = { ...plan, limits: { ...plan.limits, maxComputeWorkgroupStorageSize: 1 << 30 } };
    expect(missingLimits(needy, (await device).limits)).toEqual([expect.stringMatching(/^maxComputeWorkgroupStorageSize: needs 1073741824/)]);
    await expect(loadBundle(await device, { plan: needy, kernels, weights })).rejects.toThrowError(/cannot run affine/);
  });

  it('keys pipelines by name and source', () => {
    expect(pipelineKey('add', KERNEL_ADD)).toBe(pipelineKey('add', KERNEL_ADD));
    expect(pipelineKey('add', KERNEL_ADD)).not.toBe(pipelineKey('add', KERNEL_AFFINE));
  });
});
