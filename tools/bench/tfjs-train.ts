// `pnpm bench tfjs-train [--model NAME] [--input N] [--batch N] [--runs N]`: training throughput (images/s) of one zoo
// SE model with TensorFlow.js on the wasm backend with our gradient kernels (registerWasmTrainingKernels) against the
// cpu backend (plain JavaScript, tfjs's own gradient kernels). Both models live in one process and are stepped in
// alternation (one SGD step of each per round, the order swapped every round) so both see the same machine load;
// one warm-up step each first (XNNPACK packs weights, tfjs compiles nothing but allocates). Defaults: se-mobilenet at
// 32×32, batch 16 (batch 4 with --quick), 5 timed rounds — the cpu backend takes seconds per step.
import { materializeWeights, randomValues } from '@excite/ir';
import { createModel } from '@excite/zoo';
import { buildLayersModel, registerWasmTrainingKernels, tf, useBackend, type BackendName } from '@excite/backend-tfjs';
import { quick, report } from './lib/results.js';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const modelName = arg('--model', 'se-mobilenet');
const size = Number(arg('--input', '32'));
const batch = Number(arg('--batch', quick ? '4' : '16'));
const runs = Math.max(5, Number(arg('--runs', '5')));

const graph = materializeWeights(createModel(modelName, { input: [size, size] }), 1);
const [c, h, w] = graph.input.shape as [number, number, number];
const pixels = randomValues(batch * c * h * w, 3);
const labels = Array.from({ length: batch }, (_, i) => (i * 37) % 1000);

interface Trainer {
  backend: BackendName;
  step(): Promise<number>;
  times: number[];
}

async function trainer(backend: BackendName): Promise<Trainer> {
  await useBackend(backend);
  if (backend === 'wasm') registerWasmTrainingKernels();
  const model = buildLayersModel(graph);
  model.compile({ optimizer: tf.train.sgd(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.tensor4d(pixels, [batch, h, w, c]);
  const y = tf.oneHot(tf.tensor1d(labels, 'int32'), model.outputs[0]!.shape[1]!);
  return {
    backend,
    times: [],
    async step() {
      await tf.setBackend(backend);
      const start = performance.now();
      const loss = await model.trainOnBatch(x, y);
      const ms = performance.now() - start;
      if (!Number.isFinite(loss as number)) throw new Error(`${backend}: the loss is not finite`);
      return ms;
    },
  };
}

const trainers = [await trainer('wasm'), await trainer('cpu')];
console.log(`${modelName} at ${h}×${w}, batch ${batch}: one SGD step (forward, backward, update) per run, ${runs} runs after a warm-up`);
for (const t of trainers) await t.step();
for (let round = 0; round < runs; round++) {
  const order = round % 2 === 0 ? trainers : [...trainers].reverse();
  for (const t of order) t.times.push(await t.step());
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rate = (ms: number) => (batch * 1000) / ms;
for (const t of trainers) {
  const label = t.backend === 'wasm' ? 'wasm + excite gradient kernels' : 'cpu (tfjs gradient kernels)';
  console.log(`${label.padEnd(32)} images/s median ${rate(median(t.times)).toPrecision(3).padStart(7)}  `
    + `min ${rate(Math.max(...t.times)).toPrecision(3).padStart(7)}  max ${rate(Math.min(...t.times)).toPrecision(3).padStart(7)}  `
    + `(step ${median(t.times).toFixed(0)} ms)`);
}
console.log(`ratio wasm / cpu (medians): ${(median(trainers[1]!.times) / median(trainers[0]!.times)).toFixed(1)}×`);

report({
  name: 'tfjs-train',
  title: `TensorFlow.js training throughput: wasm with excite's gradient kernels vs the cpu backend (${modelName})`,
  setup: [`${modelName} at ${h}×${w}, batch ${batch}, SGD trainOnBatch (forward, backward, update); ${runs} alternating rounds after a warm-up; tfjs 4.22 in Node, one thread`],
  figures: trainers.map((t) => ({
    label: t.backend === 'wasm' ? 'wasm + excite gradient kernels' : 'cpu (tfjs gradient kernels)',
    unit: 'images/s',
    samples: t.times.map(rate),
  })),
  ratios: [{ label: 'training throughput wasm / cpu', value: median(trainers[1]!.times) / median(trainers[0]!.times) }],
});
