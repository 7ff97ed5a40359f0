import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, onnx } from '@excite/backend-onnx';
import { costReport, elementCount, randomValues, tensor } from '@excite/ir';
import { createModel, zooSources } from '@excite/zoo';
import { CheckerQueue, hasPythonOnnx, runOrt } from './onnx-helpers.js';

describe('ONNX at native input sizes', () => {
  for (const name of ['se-resnet-50', 'se-resnext-50', 'se-mobilenet', 'se-shufflenet']) {
    it(`${name} loads and runs in onnxruntime-node at its native size (batch 2, finite probabilities)`, { timeout: 300_000 }, async () => {
      const { graph } = compile(createModel(name), { pipeline: 'inference', seed: 1 });
      const { bytes } = emitOnnx(graph, { sources: zooSources(), profile: name === 'se-resnet-50' ? 'ort-cpu' : 'standard' });
      const n = 2 * elementCount(graph.input.shape);
      const out = await runOrt(bytes, graph, tensor([2, ...graph.input.shape], randomValues(n, 3)));
      expect([...out.dims]).toEqual([2, 1000]);
      expect(out.data.every(Number.isFinite)).toBe(true);
      const sum = out.data.slice(0, 1000).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 4);
    });
  }

  it('SE-ResNet-50: the initializers hold exactly the params and buffers of the compiled graph', () => {
    const elaborated = createModel('se-resnet-50');
    const { graph } = compile(elaborated, { pipeline: 'inference', seed: 1 });
    const { model } = emitOnnx(graph);
    const stored = (model.graph!.initializer ?? []).reduce((sum, t) => sum + t.dims!.reduce((a: number, d) => a * Number(d), 1), 0);
    const compiled = costReport(graph).totals;
    expect(stored).toBe(compiled.params + compiled.buffers);
    expect(compiled.buffers).toBe(0);
    // How `excite info` (the elaborated graph) maps onto it: each BatchNorm over C channels (gamma, beta: 2C params;
    // mean, var: 2C buffers) folds into its conv, which gains a C-wide bias: 3C fewer numbers per BN.
    const info = costReport(elaborated).totals;
    const bnChannels = elaborated.nodes.filter((n) => n.op === 'BatchNorm').reduce((sum, n) => sum + elaborated.tensors.get(n.output)!.shape[0]!, 0);
    expect(info.buffers).toBe(2 * bnChannels);
    expect(stored).toBe(info.params + info.buffers - 3 * bnChannels);
    expect(info.params).toBe(28_088_024);
  });
});

describe('what onnxruntime\'s CPU optimiser makes of SE-ResNet-50 (its optimised graph, 64×64)', () => {
  /** Node counts of the optimised graph onnxruntime writes for a model (sequential, all optimisations). */
  async function optimisedOps(bytes: Uint8Array, file: string): Promise<Map<string, number>> {
    const s = await InferenceSession.create(bytes, {
      executionMode: 'sequential', intraOpNumThreads: 1, graphOptimizationLevel: 'all', optimizedModelFilePath: file,
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    await s.release();
    const counts = new Map<string, number>();
    for (const n of onnx.ModelProto.decode(readFileSync(file)).graph!.node ?? []) {
      counts.set(n.opType!, (counts.get(n.opType!) ?? 0) + 1);
      if (n.domain === 'com.microsoft.nchwc') counts.set('nchwc', (counts.get('nchwc') ?? 0) + 1);
    }
    return counts;
  }

  it('ort-cpu keeps the NCHWc layout through every SE block and fuses every residual sum and ReLU into a conv', { timeout: 240_000 }, async ({ skip }) => {
    const dir = mkdtempSync(join(tmpdir(), 'excite-ort-optimised-'));
    try {
      const emit = (name: string, profile: 'standard' | 'ort-cpu') =>
        emitOnnx(compile(createModel(name, { input: [64, 64] }), { pipeline: 'inference', seed: 1 }).graph, { profile }).bytes;
      const plain = await optimisedOps(emit('resnet-50', 'standard'), join(dir, 'r50.onnx'));
      // Only where onnxruntime has its NCHWc kernels (x86-64): elsewhere there is no layout to keep.
      if (!plain.has('nchwc')) skip();
      const standard = await optimisedOps(emit('se-resnet-50', 'standard'), join(dir, 'standard.onnx'));
      const ortCpu = await optimisedOps(emit('se-resnet-50', 'ort-cpu'), join(dir, 'ort-cpu.onnx'));
      const reorders = (c: Map<string, number>) => (c.get('ReorderInput') ?? 0) + (c.get('ReorderOutput') ?? 0);
      // ResNet-50: NCHWc from the stem (which reads NCHW itself) to one reorder out before the classifier, every
      // residual sum and ReLU fused into a conv.
      expect(reorders(plain)).toBe(1);
      expect([plain.get('Add'), plain.get('Relu')]).toEqual([undefined, undefined]);
      // The standard form leaves NCHWc around each of the 16 SE scales and runs their sums and ReLUs apart.
      expect(reorders(standard)).toBeGreaterThan(16);
      expect(standard.get('Add')).toBe(16);
      // ort-cpu: as few reorders as ResNet-50, every sum and ReLU fused; what SE adds is its pools, gates and scales.
      expect(reorders(ortCpu)).toBe(1);
      expect([ortCpu.get('Add'), ortCpu.get('Relu')]).toEqual([undefined, undefined]);
      expect([ortCpu.get('Upsample'), ortCpu.get('Mul')]).toEqual([16, 16]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasPythonOnnx)('onnx.checker.check_model (Debian python3-onnx)', () => {
  // Every zoo model is checked in onnx-zoo-*.test.ts at opset 17; here the oldest opset it reads, with functions.
  it('accepts SE-ResNet-50 at opsets 13 and 17, with functions, and rejects a broken model', { timeout: 240_000 }, () => {
    const { graph } = compile(createModel('se-resnet-50', { input: [32, 32] }), { pipeline: 'inference', seed: 0 });
    const checker = new CheckerQueue();
    try {
      for (const opset of [13, 17]) checker.add(`opset ${opset}`, emitOnnx(graph, { opset, functions: true, sources: zooSources() }).model);
      // The checker must be able to fail: a node reading a tensor nothing produces.
      const { model } = emitOnnx(graph, { opset: 17, sources: zooSources() });
      model.graph!.node![1]!.input = ['no-such-tensor'];
      checker.add('broken', model);
      const verdicts = checker.check();
      expect(verdicts['opset 13']).toBe('ok');
      expect(verdicts['opset 17']).toBe('ok');
      expect(verdicts.broken).toMatch(/no-such-tensor/);
    } finally {
      checker.dispose();
    }
  });
});

// The ONNX namespace is re-exported for consumers that inspect models.
it('re-exports the ONNX protobuf classes', () => expect(typeof onnx.ModelProto.decode).toBe('function'));
