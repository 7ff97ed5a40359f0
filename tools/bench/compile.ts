// `pnpm bench compile [--runs N] [--quick] [--json FILE]`: how long every zoo model takes from its .se source to ONNX
// bytes with weights — parse, elaborate, the inference pipeline (weights from the seed, BN folded, SE fused), emit.
// The goal is SENet-154 (the zoo's largest: 115 M params) under 1 s.
import { emitOnnx } from '@excite/backend-onnx';
import { compile } from '@excite/compiler';
import { elaborateModel, loadProgram } from '@excite/dsl';
import { ZOO, zooHost } from '@excite/zoo';
import { flag, quick, report, summarize, type Figure } from './lib/results.js';

const runs = Number(flag('--runs', quick ? '1' : '5'));

function sourceToOnnx(file: string, model: string): number {
  const program = loadProgram(file, zooHost);
  const { graph } = compile(elaborateModel(program, model), { pipeline: 'inference', seed: 1 });
  return emitOnnx(graph).bytes.length;
}

const figures: Figure[] = [];
for (const entry of ZOO) {
  // Warm-up: JIT and module loading are not the compiler's cost (--quick warms up only on the goal's model).
  if (!quick || entry.name === 'senet-154') sourceToOnnx(entry.file, entry.name);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    sourceToOnnx(entry.file, entry.name);
    samples.push(performance.now() - started);
  }
  figures.push({ label: entry.name, unit: 'ms', samples, group: 'compile' });
}

const senet = figures.find((f) => f.label === 'senet-154')!;
report({
  name: 'compile',
  title: 'Compile time: .se source → ONNX bytes with weights (parse, elaborate, inference pipeline, emit)',
  setup: [`every zoo model at its native input, ${runs} run(s) ${quick ? '(--quick: a warm-up for senet-154 only)' : 'after a warm-up'}, one thread; weights from the seed, so the output is the full ONNX file`],
  figures,
  ratios: [{ label: 'senet-154 compile time (s)', value: summarize(senet.samples).median / 1000, goal: 1 }],
});
