// The WGSL backend without a GPU: coverage of the op set, kernels that parse as WGSL with the bindings the plan
// declares, liveness-based buffer reuse, deterministic bundles, and clear errors for what it cannot lower.
// (The kernels' numbers are checked on Dawn in test/conformance/test/wgsl-*.test.ts.)
import { describe, expect, it } from 'vitest';
import { GraphBuilder, OP_KINDS, randomWeights, type ConvAttributes, type Graph } from '@excite/ir';
import { BINDING_ALIGNMENT, LOWERINGS, WgslLoweringError, allocateBuffers, bundleFiles, emitWgsl } from '../src/index.js';

// wgsl_reflect's "main" is CommonJS inside a "type": "module" package, which Node refuses; its ES module build loads
// (typed by the package's own declarations).
const reflectModule = 'wgsl_reflect/wgsl_reflect.module.js';
const { WgslReflect } = (await import(reflectModule)) as typeof import('wgsl_reflect');

const conv = (out: number, k: number, extra: Partial<ConvAttributes> = {}): ConvAttributes => ({
  kernel: [k, k], stride: [1, 1], pads: [k >> 1, k >> 1, k >> 1, k >> 1], dilation: [1, 1], groups: 1, outChannels: out, bias: true, ...extra,
});

/** Most ops once, fused SE included. */
function network(): Graph {
  const b = new GraphBuilder('net', [6, 9, 9]);
  const c1 = b.add('Conv', conv(16, 3, { activation: 'relu' }), [b.input], 'c1');
  const dw = b.add('Conv', conv(16, 3, { groups: 16, stride: [2, 2] }), [c1], 'dw');
  const se = b.add('SqueezeExcite', { squeeze: 'avg', reduced: 4, act: 'relu', gate: 'sigmoid', bias: true }, [dw], 'se');
  const sa = b.add('ScaleAdd', { activation: 'relu' }, [dw, se, dw], 'sa');
  const mp = b.add('MaxPool', { kernel: [3, 3], stride: [2, 2], pads: [0, 0, 0, 0], ceil: true, countIncludePad: false }, [sa], 'mp');
  const cat = b.add('Concat', {}, [mp, mp], 'cat');
  const sh = b.add('ChannelShuffle', { groups: 2 }, [cat], 'shuffle');
  const gp = b.add('GlobalPool', { mode: 'avg' }, [sh], 'gp');
  const fc = b.add('Dense', { outFeatures: 10, bias: true }, [b.add('Flatten', {}, [gp], 'flat')], 'fc');
  return randomWeights(b.finish(b.add('Softmax', {}, [fc], 'softmax')), 1);
}

describe('emitWgsl', () => {
  it('has a lowering for every IR op', () => {
    expect(Object.keys(LOWERINGS).sort()).toEqual([...OP_KINDS].sort());
  });

  it('emits kernels that parse as WGSL, with one compute entry point and the bindings the plan declares', () => {
    const { plan, kernels } = emitWgsl(network());
    expect(plan.kernels.length).toBeGreaterThan(5);
    for (const kernel of plan.kernels) {
      const source = kernels.get(`${kernel.name}.wgsl`)!;
      const reflect = new WgslReflect(source);
      expect(reflect.entry.compute.map((e) => e.name), kernel.name).toEqual(['main']);
      expect(reflect.storage.map((s) => s.name), kernel.name).toEqual(kernel.bindings);
      expect(source.startsWith(`// ${kernel.name}: `)).toBe(true);
    }
    for (const dispatch of plan.dispatches) {
      const kernel = plan.kernels.find((k) => k.name === dispatch.kernel)!;
      expect(dispatch.bindings).toHaveLength(kernel.bindings.length);
      expect(dispatch.workgroups.every((n) => n >= 1 && n <= plan.limits.maxComputeWorkgroupsPerDimension)).toBe(true);
    }
  });

  it('reuses activation buffers by liveness and packs weights at aligned offsets', () => {
    const b = new GraphBuilder('chain', [8, 8, 8]);
    let x = b.input;
    for (let i = 0; i < 6; i++) x = b.add('Relu', {}, [b.add('Conv', conv(8, 3), [x], `c${i}`)], `r${i}`);
    const { plan, weights } = emitWgsl(randomWeights(b.finish(x), 2));
    // A chain needs two buffers however long it is: each kernel reads one and writes the other.
    expect(plan.buffers).toHaveLength(2);
    expect(plan.buffers.every((buffer) => buffer.size === 8 * 8 * 8 * 4)).toBe(true);
    expect(plan.dispatches).toHaveLength(12);
    for (const w of plan.weights) expect(w.offset % BINDING_ALIGNMENT).toBe(0);
    expect(weights.byteLength).toBe(plan.weightBytes);
  });

  it('never gives a kernel its input buffer as its output', () => {
    const { plan } = emitWgsl(network());
    for (const dispatch of plan.dispatches) {
      const buffers = dispatch.bindings.flatMap((b) => (b.kind === 'activation' ? [b.buffer] : []));
      const written = buffers[buffers.length - 1]!;
      expect(buffers.slice(0, -1), dispatch.node).not.toContain(written);
    }
  });

  it('allocates overlapping lifetimes to different buffers and grows a reused one', () => {
    const { bufferOf, sizes } = allocateBuffers([
      { tensor: 'a', bytes: 16, first: -1, last: 1 },
      { tensor: 'b', bytes: 32, first: 0, last: 2 },
      { tensor: 'c', bytes: 64, first: 2, last: 3 },
    ]);
    expect(bufferOf.get('a')).not.toBe(bufferOf.get('b'));
    expect(bufferOf.get('c')).toBe(bufferOf.get('a'));
    expect(sizes[bufferOf.get('c')!]).toBe(64);
  });

  it('writes the same bundle bytes for the same graph', () => {
    const graph = network();
    const first = bundleFiles(emitWgsl(graph));
    const second = bundleFiles(emitWgsl(graph));
    expect(first.map((f) => f.path)).toEqual(second.map((f) => f.path));
    expect(first[0]!.path).toBe('plan.json');
    expect(first[1]!.path).toBe('weights.bin');
    expect(first.slice(2).every((f) => /^kernels\/[a-z0-9_]+\.wgsl$/.test(f.path))).toBe(true);
    first.forEach((file, i) => expect(Buffer.from(file.contents).equals(Buffer.from(second[i]!.contents))).toBe(true));
    expect(JSON.parse(first[0]!.contents as string).format).toBe('excite-wgsl/1');
  });

  it('names the node and the limit when a shape exceeds the device limits', () => {
    const b = new GraphBuilder('big', [64, 32, 32]);
    const graph = randomWeights(b.finish(b.add('Conv', conv(64, 3), [b.input], 'wide_conv')), 1);
    expect(() => emitWgsl(graph, { limits: { maxStorageBufferBindingSize: 65_536 } })).toThrowError(WgslLoweringError);
    expect(() => emitWgsl(graph, { limits: { maxStorageBufferBindingSize: 65_536 } })).toThrowError(/wide_conv.*maxStorageBufferBindingSize/);
  });

  it('refuses a concat of more inputs than a kernel may bind', () => {
    const b = new GraphBuilder('wide', [2, 3, 3]);
    const parts = Array.from({ length: 8 }, (_, i) => b.add('Relu', {}, [b.input], `r${i}`));
    const graph = b.finish(b.add('Concat', {}, parts, 'join'));
    expect(() => emitWgsl(graph)).toThrowError(/cannot lower join to WGSL: .*maxStorageBuffersPerShaderStage/);
  });
});
