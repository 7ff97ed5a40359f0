// `pnpm bench onnx [--runs N] [--threads N] [--inspect] [--only a,b]`: onnxruntime-node (CPU) latency of our
// SE-ResNet-50 (each ONNX profile), our ResNet-50 and a PyTorch-exported SE-ResNet-50 of the same architecture
// (onnx/se_resnet50.py, exported with Debian's python3-torch), batch 1 at 224×224. All sessions live in one process,
// created sequential and without spinning threads, and are timed interleaved (one run of each per round), so the
// ratios compare like with like. `--inspect` writes each session's optimised graph and counts its node types.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, onnx, type OnnxProfileName } from '@excite/backend-onnx';
import { randomValues } from '@excite/ir';
import { createModel, zooSources } from '@excite/zoo';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const runs = Math.max(10, Number(arg('--runs', '20')));
const threads = Number(arg('--threads', '2'));
const opset = Number(arg('--opset', '17'));
const inspect = process.argv.includes('--inspect');
const only = process.argv.includes('--only') ? arg('--only', '').split(',') : undefined;
const work = join(tmpdir(), 'excite-bench-onnx');
mkdirSync(work, { recursive: true });

function ours(name: string, profile: OnnxProfileName): Uint8Array {
  const { graph } = compile(createModel(name), { pipeline: 'inference', seed: 1 });
  return emitOnnx(graph, { profile, opset, sources: zooSources() }).bytes;
}

function pytorch(se: boolean): Uint8Array {
  const file = join(work, se ? 'pytorch-se-resnet-50.onnx' : 'pytorch-resnet-50.onnx');
  if (!existsSync(file)) {
    const r = spawnSync('/usr/bin/python3', [join(here, 'onnx', 'se_resnet50.py'), file, ...(se ? [] : ['--no-se'])], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('exporting the PyTorch model failed (needs Debian python3-torch under /usr/bin/python3)');
  }
  return readFileSync(file);
}

const models: [string, () => Uint8Array][] = [
  ['ours se-resnet-50 (standard)', () => ours('se-resnet-50', 'standard')],
  ['ours se-resnet-50 (ort-cpu)', () => ours('se-resnet-50', 'ort-cpu')],
  ['ours resnet-50', () => ours('resnet-50', 'standard')],
  ['pytorch se-resnet-50', () => pytorch(true)],
  ['pytorch resnet-50', () => pytorch(false)],
];

function opCounts(file: string): string {
  const model = onnx.ModelProto.decode(readFileSync(file));
  const counts = new Map<string, number>();
  for (const n of model.graph!.node ?? []) counts.set(n.opType!, (counts.get(n.opType!) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([op, n]) => `${op} ${n}`).join(', ');
}

const sessions: { label: string; session: InferenceSession; input: string; times: number[] }[] = [];
for (const [label, build] of models) {
  if (only && !only.some((o) => label.includes(o))) continue;
  const bytes = build();
  const optimized = join(work, `${label.replace(/[^a-z0-9]+/gi, '-')}.optimized.onnx`);
  const session = await InferenceSession.create(bytes, {
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
    ...(inspect ? { optimizedModelFilePath: optimized } : {}),
  });
  sessions.push({ label, session, input: session.inputNames[0]!, times: [] });
  if (inspect) console.log(`${label}: optimised graph ${optimized}\n  ${opCounts(optimized)}`);
}

const x = new Tensor('float32', randomValues(3 * 224 * 224, 7), [1, 3, 224, 224]);
for (const s of sessions) for (let i = 0; i < 3; i++) await s.session.run({ [s.input]: x });
for (let r = 0; r < runs; r++) {
  for (const s of sessions) {
    const t0 = performance.now();
    await s.session.run({ [s.input]: x });
    s.times.push(performance.now() - t0);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const base = sessions.find((s) => s.label === 'ours resnet-50');
const torch = sessions.find((s) => s.label === 'pytorch se-resnet-50');
console.log(`\nonnxruntime-node, CPU, ${threads} threads, batch 1, 224x224, ${runs} interleaved runs each (ms)`);
console.log(`${'model'.padEnd(30)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}  ${'/ours resnet-50'.padStart(15)} ${'/pytorch se-r50'.padStart(15)}`);
for (const s of sessions) {
  const m = median(s.times);
  const ratio = (other?: { times: number[] }) => (other ? (m / median(other.times)).toFixed(3) : '-');
  console.log(`${s.label.padEnd(30)} ${m.toFixed(2).padStart(8)} ${Math.min(...s.times).toFixed(2).padStart(8)} ${Math.max(...s.times).toFixed(2).padStart(8)}  ${ratio(base).padStart(15)} ${ratio(torch).padStart(15)}`);
}
for (const s of sessions) await s.session.release();
