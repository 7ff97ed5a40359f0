import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import {
  GraphBuilder, OP_KINDS, interpret, randomValues, randomWeights, relativeError, tensor,
  type ConvAttributes, type Graph, type PoolAttributes,
} from '@excite/ir';
import { LOWERINGS, emitOnnx, importOnnx, onnx, type EmitOptions } from '../src/index.js';

const conv = (out: number, k: number, pad: number, extra: Partial<ConvAttributes> = {}): ConvAttributes => ({
  kernel: [k, k], stride: [1, 1], pads: [pad, pad, pad, pad], dilation: [1, 1], groups: 1, outChannels: out, bias: true, ...extra,
});
const pool = (k: number, s: number, pad: number, ceil: boolean, countIncludePad = false): PoolAttributes => ({
  kernel: [k, k], stride: [s, s], pads: [pad, pad, pad, pad], ceil, countIncludePad,
});

/** Every IR op at least once (unfused BN and fused SE side by side), with spans into a fake source. */
function everyOp(): Graph {
  const b = new GraphBuilder('every-op', [8, 10, 10]);
  const at = (start: number) => ({ span: { file: 'every.se', start, end: start + 3 } });
  const c1 = b.add('Conv', conv(16, 3, 1, { activation: 'swish', dilation: [1, 1] }), [b.input], 'c1', at(0));
  const bn = b.add('BatchNorm', { eps: 1e-5 }, [c1], 'bn', at(12));
  const r6 = b.add('Relu6', {}, [bn], 'r6', at(20));
  const se = b.add('SqueezeExcite', { squeeze: 'avg', reduced: 4, act: 'relu', gate: 'hard_sigmoid', bias: true }, [r6], 'se');
  const sa = b.add('ScaleAdd', { activation: 'relu' }, [r6, se, bn], 'sa');
  const mul = b.add('Mul', {}, [sa, se], 'mul');
  const sh = b.add('ChannelShuffle', { groups: 4 }, [mul], 'shuffle');
  const sig = b.add('Sigmoid', {}, [sh], 'sig');
  const th = b.add('Tanh', {}, [sh], 'tanh');
  const hs = b.add('HardSigmoid', {}, [sh], 'hsig');
  const sw = b.add('Swish', {}, [sh], 'swish');
  const id = b.add('Identity', {}, [sh], 'id');
  const relu = b.add('Relu', {}, [id], 'relu');
  const sum = b.add('Add', {}, [sig, th, hs], 'sum');
  const cat = b.add('Concat', {}, [sum, sw, relu], 'cat');
  const sc = b.add('Scale', { factor: 0.5 }, [cat], 'scale');
  const dr = b.add('Dropout', { rate: 0.2 }, [sc], 'drop');
  const mp = b.add('MaxPool', pool(3, 2, 0, true), [dr], 'maxpool');
  const ap = b.add('AvgPool', pool(3, 2, 1, false, true), [mp], 'avgpool');
  const dw = b.add('Conv', conv(48, 3, 1, { groups: 48, stride: [2, 2], activation: 'relu6' }), [ap], 'dw');
  const gp = b.add('GlobalPool', { mode: 'max' }, [dw], 'gpool');
  const d1 = b.add('Dense', { outFeatures: 10, bias: true }, [gp], 'fc1');
  const fl = b.add('Flatten', {}, [ap], 'flatten');
  const d2 = b.add('Dense', { outFeatures: 10, bias: false }, [fl], 'fc2');
  const add = b.add('Add', {}, [d1, d2], 'add');
  return randomWeights(b.finish(b.add('Softmax', {}, [add], 'softmax')), 3);
}

async function runOrt(bytes: Uint8Array, graph: Graph, input: ReturnType<typeof tensor>) {
  const session = await InferenceSession.create(bytes, { executionMode: 'sequential', intraOpNumThreads: 1 });
  const out = (await session.run({ [graph.input.name]: new OrtTensor('float32', input.data, [...input.shape]) }))[graph.output]!;
  await session.release();
  return out;
}

const sources = { 'every.se': 'conv(3x3)\n  bn\n  relu6\n' };

describe('lowerings', () => {
  it('cover every IR op', () => {
    expect(Object.keys(LOWERINGS).sort()).toEqual([...OP_KINDS].sort());
  });

  const cases: EmitOptions[] = [
    { opset: 13 }, { opset: 17 }, { opset: 21 },
    { opset: 17, functions: true }, { opset: 13, functions: true },
    { opset: 17, profile: 'ort-cpu' }, { opset: 17, profile: 'ort-cpu', functions: true },
  ];
  for (const options of cases) {
    it(`every op runs in onnxruntime and matches the reference: ${JSON.stringify(options)}`, async () => {
      const graph = everyOp();
      const input = tensor([2, 8, 10, 10], randomValues(1600, 9));
      const { bytes } = emitOnnx(graph, { ...options, sources });
      const out = await runOrt(bytes, graph, input);
      const expected = interpret(graph, input).output;
      expect([...out.dims]).toEqual([...expected.shape]);
      expect(relativeError(expected.data, out.data as Float32Array)).toBeLessThan(1e-4);
    });

    it(`emit → import → emit gives the same bytes: ${JSON.stringify(options)}`, () => {
      const { bytes } = emitOnnx(everyOp(), { ...options, sources });
      const imported = importOnnx(bytes, { sources });
      expect(imported.graph.nodes.map((n) => n.op)).toEqual(everyOp().nodes.map((n) => n.op));
      expect(Buffer.from(emitOnnx(imported.graph, imported.options).bytes).equals(Buffer.from(bytes))).toBe(true);
    });
  }

  it('is deterministic and records where each node came from', () => {
    const a = emitOnnx(everyOp(), { sources });
    const b = emitOnnx(everyOp(), { sources });
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const nodes = a.model.graph!.node!;
    expect(nodes.find((n) => n.name === 'bn')!.docString).toBe('every.se:2:3');
    expect(nodes.find((n) => n.name === 'c1/conv')!.docString).toBe('every.se:1:1');
    // Without the sources, offsets.
    expect(emitOnnx(everyOp()).model.graph!.node!.find((n) => n.name === 'r6')!.docString).toBe('every.se#20-23');
    const input = a.model.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(input[0]!.dimParam).toBe('N');
    expect(a.model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    expect(Object.fromEntries(a.model.metadataProps.map((p) => [p.key, p.value]))).toMatchObject({ 'excite.pipeline': 'inference', 'excite.opset': '17' });
  });

  it('emits SE and ScaleAdd as local functions with the domain imported', () => {
    const { model } = emitOnnx(everyOp(), { functions: true, opset: 17 });
    expect(model.functions.map((f) => f.name)).toEqual(['SqueezeExcite_avg_relu_hard_sigmoid', 'ScaleAdd_relu']);
    expect(model.opsetImport.map((o) => o.domain)).toEqual(['', 'excite']);
    expect(model.graph!.node!.find((n) => n.name === 'se')).toMatchObject({ opType: 'SqueezeExcite_avg_relu_hard_sigmoid', domain: 'excite' });
  });

  it('picks the IR version for the opset and refuses opsets outside 13–21', () => {
    expect(Number(emitOnnx(everyOp(), { opset: 21 }).model.irVersion)).toBe(10);
    expect(Number(emitOnnx(everyOp(), { opset: 13 }).model.irVersion)).toBe(8);
    expect(() => emitOnnx(everyOp(), { opset: 12 })).toThrow(/13–21/);
    expect(() => emitOnnx(everyOp(), { opset: 22 })).toThrow(/13–21/);
  });

  it('writes weights as little-endian float32 raw_data initializers', () => {
    const graph = everyOp();
    const { model } = emitOnnx(graph);
    const w = model.graph!.initializer!.find((t) => t.name === graph.nodes[0]!.weights.weight)!;
    expect(w.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
    const view = new DataView(w.rawData!.buffer, w.rawData!.byteOffset, w.rawData!.byteLength);
    expect(view.getFloat32(4, true)).toBe(graph.initializers.get(w.name!)!.data![1]);
  });
});

/** Three SE-residual blocks: a projection shortcut (a single-use conv), an identity one, and one after a pool. */
function seBlocks(): Graph {
  const b = new GraphBuilder('se-blocks', [16, 8, 8]);
  const se = (x: string, name: string) => b.add('SqueezeExcite', { squeeze: 'avg', reduced: 8, act: 'relu', gate: 'sigmoid', bias: true }, [x], name);
  const stem = b.add('Conv', conv(32, 1, 0, { activation: 'relu' }), [b.input], 'stem');
  const b1 = b.add('Conv', conv(32, 3, 1), [stem], 'b1');
  const proj = b.add('Conv', conv(32, 1, 0), [stem], 'proj');
  const sa1 = b.add('ScaleAdd', { activation: 'relu' }, [b1, se(b1, 'se1'), proj], 'sa1');
  const b2 = b.add('Conv', conv(32, 3, 1), [sa1], 'b2');
  const sa2 = b.add('ScaleAdd', { activation: 'relu' }, [b2, se(b2, 'se2'), sa1], 'sa2');
  const pooled = b.add('MaxPool', pool(2, 2, 0, false), [sa2], 'pool');
  const b3 = b.add('Conv', conv(32, 3, 1), [pooled], 'b3');
  const sa3 = b.add('ScaleAdd', { activation: 'relu' }, [b3, se(b3, 'se3'), pooled], 'sa3');
  return randomWeights(b.finish(sa3), 5);
}

describe('the ort-cpu profile', () => {
  it('reads identity residuals through a 1×1 depthwise conv of weight 1, never a projection conv\'s output', () => {
    const nodes = emitOnnx(seBlocks(), { profile: 'ort-cpu' }).model.graph!.node!;
    const shortcuts = nodes.filter((n) => n.name!.endsWith('/shortcut'));
    expect(shortcuts.map((n) => n.name)).toEqual(['sa2/shortcut', 'sa3/shortcut']);
    expect(shortcuts.map((n) => n.input![0])).toEqual(['sa1', 'pool']);
    expect(shortcuts[0]!.attribute!.find((a) => a.name === 'group')!.i).toEqual(32);
    expect(emitOnnx(seBlocks()).model.graph!.node!.some((n) => n.name!.endsWith('/shortcut'))).toBe(false);
  });

  for (const functions of [false, true]) {
    it(`computes what the reference does and round-trips${functions ? ', as local functions (one per shape)' : ''}`, async () => {
      const graph = seBlocks();
      const { bytes, model } = emitOnnx(graph, { profile: 'ort-cpu', functions });
      if (functions) {
        expect(model.functions.map((f) => f.name).filter((n) => n!.startsWith('ScaleAdd'))).toEqual([
          'ScaleAdd_relu_32x8x8', 'ScaleAdd_relu_32x8x8_dw', 'ScaleAdd_relu_32x4x4_dw',
        ]);
      }
      const input = tensor([2, 16, 8, 8], randomValues(2 * 16 * 64, 4));
      const out = await runOrt(bytes, graph, input);
      expect(relativeError(interpret(graph, input).output.data, out.data as Float32Array)).toBeLessThan(1e-4);
      const imported = importOnnx(bytes);
      expect(imported.graph.nodes.map((n) => n.op)).toEqual(graph.nodes.map((n) => n.op));
      expect(Buffer.from(emitOnnx(imported.graph, imported.options).bytes).equals(Buffer.from(bytes))).toBe(true);
    });
  }
});
