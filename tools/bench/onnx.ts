// `pnpm bench onnx [--runs N] [--threads N] [--opset N] [--only a,b] [--rounds N]`: onnxruntime-node (CPU) latency of
// our SE-ResNet-50 in each ONNX formulation of its SE blocks (onnx/formulations.ts, plus the emitted ort-cpu profile),
// our ResNet-50, and PyTorch-exported SE-ResNet-50 / ResNet-50 of the same architecture (onnx/se_resnet50.py, Debian's
// python3-torch), batch 1 at 224×224. All sessions live in one process, created sequential and without spinning
// threads, and are timed interleaved (one run of each per round, the order rotating every round), so the ratios
// compare like with like on a shared machine. For each session it also prints what onnxruntime's optimiser made of
// the graph (its optimised model's node counts: the NCHWc reorders, the convs, the elementwise ops left unfused).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, onnx, type OnnxProfileName } from '@excite/backend-onnx';
import { randomValues, relativeError, type Graph } from '@excite/ir';
import { createModel, zooSources } from '@excite/zoo';
import { FORMULATIONS } from './onnx/formulations.js';
import { quick, report as reportResult } from './lib/results.js';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Math.max(10, Number(arg('--runs', quick ? '10' : '20')));
const threads = Number(arg('--threads', '2'));
const opset = Number(arg('--opset', '17'));
// --quick (the report's fast mode) times only the emitted profiles, not every experimental formulation.
const only = process.argv.includes('--only')
  ? arg('--only', '').split(',')
  : quick ? ['mul-broadcast', 'ort-cpu', 'resnet-50'] : undefined;
const work = join(tmpdir(), 'excite-bench-onnx');
mkdirSync(work, { recursive: true });

const compiled = new Map<string, Graph>();
function ours(name: string, profile: OnnxProfileName = 'standard'): Uint8Array {
  let graph = compiled.get(name);
  if (!graph) compiled.set(name, (graph = compile(createModel(name), { pipeline: 'inference', seed: 1 }).graph));
  return emitOnnx(graph, { profile, opset, sources: zooSources() }).bytes;
}

function formulated(name: string): Uint8Array {
  const formulation = FORMULATIONS.find((f) => f.name === name)!;
  const model = onnx.ModelProto.decode(ours('se-resnet-50'));
  const shapes = new Map([...compiled.get('se-resnet-50')!.tensors].map(([t, info]) => [t, info.shape]));
  formulation.rewrite(model, shapes);
  return onnx.ModelProto.encode(model).finish();
}

function pytorch(se: boolean): Uint8Array {
  const file = join(work, se ? `pytorch-se-resnet-50-${opset}.onnx` : `pytorch-resnet-50-${opset}.onnx`);
  if (!existsSync(file)) {
    const r = spawnSync('/usr/bin/python3', [join(here, 'onnx', 'se_resnet50.py'), file, ...(se ? [] : ['--no-se']), '--opset', String(opset)], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('exporting the PyTorch model failed (needs Debian python3-torch under /usr/bin/python3)');
  }
  return readFileSync(file);
}

const OURS_SE = 'ours se-r50';
const models: [string, () => Uint8Array][] = [
  ...FORMULATIONS.map((f): [string, () => Uint8Array] => [`${OURS_SE} ${f.name}`, () => formulated(f.name)]),
  [`${OURS_SE} --onnx-profile ort-cpu`, () => ours('se-resnet-50', 'ort-cpu')],
  ['ours resnet-50', () => ours('resnet-50')],
  ['pytorch se-resnet-50', () => pytorch(true)],
  ['pytorch resnet-50', () => pytorch(false)],
];

/** Node counts of onnxruntime's optimised graph, the ones that tell the fast path from the slow. */
function optimisedCounts(file: string): Record<string, number> {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const counts: Record<string, number> = {};
  for (const n of model.graph!.node ?? []) counts[n.opType!] = (counts[n.opType!] ?? 0) + 1;
  return counts;
}

interface Entry { label: string; session: InferenceSession; input: string; times: number[]; cpu: number[]; counts: Record<string, number>; output?: Float32Array }
const x = new Tensor('float32', randomValues(3 * 224 * 224, 7), [1, 3, 224, 224]);
const entries: Entry[] = [];
for (const [label, build] of models) {
  if (only && !only.some((o) => label.includes(o))) continue;
  const optimised = join(work, `${label.replace(/[^a-z0-9]+/gi, '-')}.optimized.onnx`);
  const session = await InferenceSession.create(build(), {
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    optimizedModelFilePath: optimised,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const input = session.inputNames[0]!;
  const result = await session.run({ [input]: x });
  entries.push({ label, session, input, times: [], cpu: [], counts: optimisedCounts(optimised), output: result[session.outputNames[0]!]!.data as Float32Array });
}

// Every formulation computes the same function: check it on this input before timing it.
const reference = entries.find((e) => e.label.startsWith(OURS_SE))?.output;
for (const e of entries.filter((e) => e.label.startsWith(OURS_SE))) {
  const error = relativeError(reference!, e.output!);
  if (!(error < 1e-4)) throw new Error(`${e.label} does not compute what the standard model does (relative error ${error})`);
}

for (const e of entries) for (let i = 0; i < 3; i++) await e.session.run({ [e.input]: x });
for (let r = 0; r < runs; r++) {
  // Rotate the order each round, so no session always runs right after the same neighbour.
  for (let k = 0; k < entries.length; k++) {
    const e = entries[(k + r) % entries.length]!;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await e.session.run({ [e.input]: x });
    e.times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    e.cpu.push((c.user + c.system) / 1000);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const stat = (label: string, of: (e: Entry) => number) => {
  const e = entries.find((e) => e.label === label);
  return e ? of(e) : undefined;
};
const base = stat('ours resnet-50', (e) => median(e.times));
const torch = stat('pytorch se-resnet-50', (e) => median(e.times));
const baseCpu = stat('ours resnet-50', (e) => median(e.cpu));
const torchCpu = stat('pytorch se-resnet-50', (e) => median(e.cpu));
const counted = ['ReorderInput', 'ReorderOutput', 'Conv', 'Mul', 'Add', 'Relu', 'Upsample', 'Expand'];
const count = (e: Entry, op: string) => String(Object.entries(e.counts).filter(([k]) => k === op || (op === 'Conv' && k === 'FusedConv')).reduce((a, [, n]) => a + n, 0));
console.log(`\nonnxruntime-node, CPU, ${threads} threads, batch 1, 224x224, opset ${opset}, ${runs} interleaved runs each (ms); `
  + `ratios of medians; cpu: the CPU time the process spent in each run (both threads; steadier than wall time on a `
  + `busy machine, where other processes preempt onnxruntime's threads); right: node counts in onnxruntime's optimised graph`);
console.log(`${'model'.padEnd(42)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)} ${'/ours r50'.padStart(9)} ${'/torch se'.padStart(9)} ${'cpu'.padStart(7)} ${'cpu/r50'.padStart(8)} ${'cpu/torch'.padStart(9)}  `
  + counted.map((c) => c.replace('Reorder', 'R.').padStart(9)).join(''));
for (const e of entries) {
  const m = median(e.times);
  const lo = Math.min(...e.times);
  const cpu = median(e.cpu);
  const ratio = (value: number, other?: number) => (other ? (value / other).toFixed(3) : '-');
  console.log(`${e.label.padEnd(42)} ${m.toFixed(2).padStart(7)} ${lo.toFixed(2).padStart(7)} ${Math.max(...e.times).toFixed(2).padStart(7)} `
    + `${ratio(m, base).padStart(9)} ${ratio(m, torch).padStart(9)} ${cpu.toFixed(2).padStart(7)} ${ratio(cpu, baseCpu).padStart(8)} ${ratio(cpu, torchCpu).padStart(9)}  ${counted.map((c) => count(e, c).padStart(9)).join('')}`);
}
console.log('\nformulations:');
for (const f of FORMULATIONS) console.log(`  ${f.name}: ${f.idea}`);
for (const e of entries) await e.session.release();

const standard = `${OURS_SE} mul-broadcast`;
const ortCpu = `${OURS_SE} --onnx-profile ort-cpu`;
const ratio = (a: string, b: string) => {
  const x = stat(a, (e) => median(e.times));
  const y = stat(b, (e) => median(e.times));
  return x !== undefined && y !== undefined ? x / y : NaN;
};
reportResult({
  name: 'onnx',
  title: 'onnxruntime-node: SE-ResNet-50 (ours, each profile) vs ResNet-50 and a PyTorch export',
  setup: [
    `onnxruntime-node 1.30, CPU, ${threads} threads, batch 1, 224×224, opset ${opset}; sessions sequential without spinning, ${runs} interleaved runs each`,
    '"mul-broadcast" is what `--onnx-profile standard` (the default) emits; PyTorch models exported from tools/bench/onnx/se_resnet50.py with Debian python3-torch',
  ],
  figures: entries.map((e) => ({ label: e.label, unit: 'ms', samples: e.times })),
  ratios: [
    { label: 'ours SE-R50 (standard) / ours R50', value: ratio(standard, 'ours resnet-50'), goal: 1.05 },
    { label: 'ours SE-R50 (ort-cpu) / ours R50', value: ratio(ortCpu, 'ours resnet-50'), goal: 1.05 },
    { label: 'ours SE-R50 (standard) / PyTorch SE-R50', value: ratio(standard, 'pytorch se-resnet-50'), goal: 0.9 },
    { label: 'ours SE-R50 (ort-cpu) / PyTorch SE-R50', value: ratio(ortCpu, 'pytorch se-resnet-50'), goal: 0.9 },
    { label: 'PyTorch SE-R50 / PyTorch R50', value: ratio('pytorch se-resnet-50', 'pytorch resnet-50') },
  ],
  notes: entries.map((e) => `${e.label}: onnxruntime's optimised graph has ${count(e, 'ReorderInput')} ReorderInput, ${count(e, 'ReorderOutput')} ReorderOutput, ${count(e, 'Add')} Add and ${count(e, 'Relu')} Relu left unfused`),
});
