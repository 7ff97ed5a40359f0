import { describe, expect, it } from 'vitest';
import { compile } from '@excite/compiler';
import { emitOnnx, onnx } from '@excite/backend-onnx';
import { costReport, elementCount, randomValues, tensor } from '@excite/ir';
import { createModel, zooSources } from '@excite/zoo';
import { expectCheckerAccepts, hasPythonOnnx, runOrt } from './onnx-helpers.js';

describe('ONNX at native input sizes', () => {
  for (const name of ['se-resnet-50', 'se-resnext-50', 'se-mobilenet', 'se-shufflenet']) {
    it(`${name} loads and runs in onnxruntime-node at its native size (batch 2, finite probabilities)`, { timeout: 120_000 }, async () => {
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

describe.skipIf(!hasPythonOnnx)('onnx.checker.check_model (Debian python3-onnx)', () => {
  // Every zoo model is checked in onnx-zoo-*.test.ts, next to its onnxruntime run; here the other opsets it reads.
  it('accepts SE-ResNet-50 at opsets 13 and 17, with functions', { timeout: 60_000 }, () => {
    const { graph } = compile(createModel('se-resnet-50', { input: [32, 32] }), { pipeline: 'inference', seed: 0 });
    for (const opset of [13, 17]) expectCheckerAccepts(emitOnnx(graph, { opset, functions: true, sources: zooSources() }).bytes, `opset ${opset}`);
  });
});

// The ONNX namespace is re-exported for consumers that inspect models.
it('re-exports the ONNX protobuf classes', () => expect(typeof onnx.ModelProto.decode).toBe('function'));
