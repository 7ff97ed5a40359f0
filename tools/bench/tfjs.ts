// `pnpm bench tfjs [--runs N] [--input S] [--model NAME]`: TensorFlow.js latency on the wasm backend (one thread in
// Node), batch 1, of our generated inference-optimised form (BN folded, conv + bias + activation through tf.fused,
// SE as mean → fused matMul → fused matMul → mul) against a straightforward tfjs-layers SE-ResNet-50: our trainable
// LayersModel (stock layers, BN unfolded, every activation and SE op a layer of its own). The tfjs-layers model of
// the inference graph (folded, but still one layer per op) is timed too. All run in one process, interleaved (one
// run of each per round), on the same input, so the ratios compare like with like.
import { buildInferenceFunction, buildLayersModel, tf, useBackend } from '@excite/backend-tfjs';
import { compile } from '@excite/compiler';
import { randomValues, relativeError, type Graph } from '@excite/ir';
import { createModel } from '@excite/zoo';
import { quick, report } from './lib/results.js';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Math.max(5, Number(arg('--runs', quick ? '5' : '10')));
const size = Number(arg('--input', '224'));
const name = arg('--model', 'se-resnet-50');

console.log(`tfjs backend: ${await useBackend('wasm')}`);
// The logits: a softmax over random-weight logits saturates, which would hide differences between the forms.
const model = createModel(name, { input: [size, size] });
const last = model.nodes[model.nodes.length - 1]!;
const graph: Graph = last.op === 'Softmax' ? { ...model, nodes: model.nodes.slice(0, -1), output: last.inputs[0]! } : model;
const training = compile(graph, { pipeline: 'training', seed: 1 }).graph;
const inference = compile(graph, { pipeline: 'inference', seed: 1 }).graph;
const x = tf.tensor4d(randomValues(size * size * 3, 7), [1, size, size, 3]);

const layersTraining = buildLayersModel(training);
const layersInference = buildLayersModel(inference);
const optimised = buildInferenceFunction(inference, { model: name });
const contenders: { label: string; run: () => tf.Tensor; times: number[] }[] = [
  { label: 'tfjs-layers, straightforward', run: () => layersTraining.predict(x) as tf.Tensor, times: [] },
  { label: 'tfjs-layers, inference graph', run: () => layersInference.predict(x) as tf.Tensor, times: [] },
  { label: 'generated inference form', run: () => optimised.predict(x), times: [] },
];

// Warm up (kernel set-up, first allocations) and check that all three compute the same thing.
const outputs = contenders.map((c) => {
  tf.dispose(c.run());
  const y = c.run();
  const data = y.dataSync() as Float32Array;
  y.dispose();
  return data;
});
for (const [i, c] of contenders.entries()) {
  console.log(`${c.label}: relative difference to the straightforward model ${relativeError(outputs[0]!, outputs[i]!).toExponential(2)}`);
}

for (let r = 0; r < runs; r++) {
  for (const c of contenders) {
    const t0 = performance.now();
    const y = c.run();
    y.dataSync();
    c.times.push(performance.now() - t0);
    y.dispose();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = median(contenders[0]!.times);
console.log(`\ntfjs wasm (1 thread), ${name}, batch 1, ${size}x${size}, ${runs} interleaved runs each (ms)`);
console.log(`${'form'.padEnd(32)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}  ${'/straightforward'.padStart(16)}`);
for (const c of contenders) {
  const m = median(c.times);
  console.log(`${c.label.padEnd(32)} ${m.toFixed(1).padStart(8)} ${Math.min(...c.times).toFixed(1).padStart(8)} ${Math.max(...c.times).toFixed(1).padStart(8)}  ${(m / base).toFixed(3).padStart(16)}`);
}
report({
  name: 'tfjs',
  title: `TensorFlow.js wasm: the generated inference form vs a straightforward tfjs-layers ${name}`,
  setup: [
    `tfjs 4.22 wasm backend in Node (one thread), batch 1, ${size}×${size}, ${runs} interleaved runs each`,
    'straightforward: our trainable LayersModel (stock layers, BN unfolded, every activation and SE op its own layer)',
    'inference form: the generated <model>.inference.ts (BN folded, tf.fused conv + bias + activation, SE in 4 ops)',
  ],
  figures: contenders.map((c) => ({ label: c.label, unit: 'ms', samples: c.times })),
  ratios: [
    { label: 'generated inference form / straightforward', value: median(contenders[2]!.times) / base, goal: 0.6 },
    { label: 'tfjs-layers inference graph / straightforward', value: median(contenders[1]!.times) / base },
  ],
});
layersTraining.dispose();
layersInference.dispose();
optimised.dispose();
x.dispose();
