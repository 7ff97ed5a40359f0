// `pnpm bench peak [--quick] [--json FILE]`: how close our models run to this machine's measured arithmetic peak.
// The peak is the best run of a large MatMul in the same runtime (onnxruntime-node, 2 threads; tfjs wasm, one thread
// in Node): what the runtime can reach on this machine. Achieved is the median of 2 × MACs / latency of SE-ResNet-50 at
// 224×224, batch 1, compiled by us. GFLOP/s = 2 × MAC/s.
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { emitOnnx, onnx } from '@excite/backend-onnx';
import { buildLayersModel, tf, useBackend } from '@excite/backend-tfjs';
import { compile } from '@excite/compiler';
import { costReport, materializeWeights, randomValues } from '@excite/ir';
import { createModel } from '@excite/zoo';
import { flag, quick, report, summarize, type Figure } from './lib/results.js';

const runs = Number(flag('--runs', quick ? '5' : '10'));
const SIZE = 2048;
const matmulFlops = 2 * SIZE ** 3;

function matmulModel(): Uint8Array {
  const { TensorProto } = onnx;
  const valueInfo = (name: string) => ({
    name,
    type: { tensorType: { elemType: TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: SIZE }, { dimValue: SIZE }] } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'matmul',
      node: [{ opType: 'MatMul', input: ['a', 'b'], output: ['c'], name: 'matmul' }],
      initializer: [{ name: 'b', dims: [SIZE, SIZE], dataType: TensorProto.DataType.FLOAT, rawData: new Uint8Array(randomValues(SIZE * SIZE, 2).buffer) }],
      input: [valueInfo('a')],
      output: [valueInfo('c')],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

async function timeOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<number[]> {
  const session = await InferenceSession.create(bytes, {
    executionMode: 'sequential',
    intraOpNumThreads: 2,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  await session.run(feeds);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - started);
  }
  await session.release();
  return samples;
}

const gflops = (flops: number, ms: number[]) => ms.map((t) => flops / (t * 1e6));

const model = createModel('se-resnet-50');
const modelFlops = 2 * costReport(model).totals.macs;
const { graph } = compile(model, { pipeline: 'inference', seed: 1 });
const image = new Tensor('float32', randomValues(3 * 224 * 224, 1), [1, 3, 224, 224]);

const figures: Figure[] = [];
const ortPeak = gflops(matmulFlops, await timeOrt(matmulModel(), { a: new Tensor('float32', randomValues(SIZE * SIZE, 1), [SIZE, SIZE]) }));
const ortModel = gflops(modelFlops, await timeOrt(emitOnnx(graph).bytes, { [graph.input.name]: image }));
figures.push({ label: `onnxruntime MatMul ${SIZE}³ (peak)`, unit: 'GFLOP/s', samples: ortPeak, group: 'onnxruntime' });
figures.push({ label: 'onnxruntime se-resnet-50 (ours)', unit: 'GFLOP/s', samples: ortModel, group: 'onnxruntime' });

await useBackend('wasm');
const a = tf.randomUniform([SIZE, SIZE]);
const b = tf.randomUniform([SIZE, SIZE]);
const timeTf = async (f: () => tf.Tensor): Promise<number[]> => {
  const warm = f();
  await warm.data();
  warm.dispose();
  const samples: number[] = [];
  for (let i = 0; i < Math.max(3, Math.ceil(runs / 2)); i++) {
    const started = performance.now();
    const out = f();
    await out.data();
    out.dispose();
    samples.push(performance.now() - started);
  }
  return samples;
};
const tfPeak = gflops(matmulFlops, await timeTf(() => tf.matMul(a, b)));
const layers = buildLayersModel(materializeWeights(model, 1));
const nhwc = tf.randomUniform([1, 224, 224, 3]);
const tfModel = gflops(modelFlops, await timeTf(() => layers.predict(nhwc) as tf.Tensor));
figures.push({ label: `tfjs wasm matMul ${SIZE}³ (peak)`, unit: 'GFLOP/s', samples: tfPeak, group: 'tfjs wasm' });
figures.push({ label: 'tfjs wasm se-resnet-50 (layers model)', unit: 'GFLOP/s', samples: tfModel, group: 'tfjs wasm' });

const med = (xs: number[]) => summarize(xs).median;
const best = (xs: number[]) => summarize(xs).max;
report({
  name: 'peak',
  title: 'Achieved GFLOP/s against a measured MatMul peak',
  setup: [
    `SE-ResNet-50, 224×224, batch 1: ${(modelFlops / 1e9).toFixed(2)} GFLOP (2 × MACs incl. SE), compiled by excite (inference pipeline)`,
    `peak: the best run of a ${SIZE}×${SIZE}×${SIZE} MatMul in the same runtime; onnxruntime-node 1.30 with 2 threads; tfjs wasm in Node (one thread)`,
    'onnxruntime\'s NCHWc convolutions can beat its own MatMul (blocked layouts, fused bias/activation): a ratio above 1 says so',
  ],
  figures,
  ratios: [
    { label: 'onnxruntime: achieved (median) / MatMul peak (best run)', value: med(ortModel) / best(ortPeak) },
    { label: 'tfjs wasm: achieved (median) / MatMul peak (best run)', value: med(tfModel) / best(tfPeak) },
  ],
});
