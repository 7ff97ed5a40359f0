// Shared by the ONNX conformance suites: a zoo model compiled once, emitted to ONNX, run in onnxruntime-node and
// compared with the reference interpreter on the compiled graph; the emitted files are checked by onnx.checker in one
// python process per test file.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, importOnnx, onnx, type EmitOptions } from '@excite/backend-onnx';

type ModelProto = ReturnType<typeof onnx.ModelProto.decode>;
import { calibrateWeights, float32NoiseFloor, interpret, randomWeights, relativeError, type Graph, type Tensor } from '@excite/ir';
import { ZOO, createModel, zooSources } from '@excite/zoo';
import { sampleOf, withoutSoftmax } from './helpers.js';

/** Debian's python3-onnx under /usr/bin/python3, when installed. */
export const hasPythonOnnx = existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;

/** Sessions that do not spin idle threads (two cores shared with the other test file). */
export async function session(bytes: Uint8Array): Promise<InferenceSession> {
  return InferenceSession.create(bytes, {
    executionMode: 'sequential',
    intraOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

export async function runOrt(bytes: Uint8Array, graph: Graph, input: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const s = await session(bytes);
  try {
    const feeds = { [graph.input.name]: new OrtTensor('float32', Float32Array.from(input.data), [...input.shape]) };
    const out = (await s.run(feeds))[graph.output]!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await s.release();
  }
}

/**
 * The smallest input each family accepts that still leaves the late stages more than 1×1 where it matters: 32×32
 * (ResNet-likes end at 1×1 there, their conv4_x at 2×2), BN-Inception 64×64, Inception-ResNet-v2 75×75.
 */
export function smallestInput(name: string): [number, number] {
  if (name.includes('inception-resnet')) return [75, 75];
  if (name.includes('bn-inception')) return [64, 64];
  return [32, 32];
}

/**
 * A zoo model at its smallest input with calibrated random weights (BN statistics from a sample, LSUV-scaled convs:
 * activations stay O(1) through 150 layers, so float32 error does not grow with depth), compiled for inference.
 */
export function compiledSmall(name: string): Graph {
  const graph = withoutSoftmax(createModel(name, { input: smallestInput(name) }));
  const weighted = calibrateWeights(randomWeights(graph, 11), sampleOf(graph, 2, 1));
  return compile(weighted, { pipeline: 'inference', seed: 0 }).graph;
}

/**
 * onnx.checker.check_model(full_check=True) on several files in ONE python process (starting python and importing
 * onnx costs more than checking a model): each file's verdict, `ok` or the checker's first line of complaint.
 */
export function checkModels(files: readonly string[]): string[] {
  const script = [
    'import sys, onnx',
    'for path in sys.argv[1:]:',
    '    try:',
    '        onnx.checker.check_model(path, full_check=True)',
    '        print("ok", flush=True)',
    '    except Exception as error:',
    '        print(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__, flush=True)',
  ].join('\n');
  const result = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const lines = result.stdout.split('\n').filter((l) => l.length > 0);
  return files.map((_, i) => lines[i] ?? `no verdict (python exited ${result.status}: ${result.stderr.trim().split('\n').pop() ?? ''})`);
}

/**
 * Model files queued for one batched onnx.checker run (a temp folder, removed after the suite). Each model is written
 * with ONNX external data, as onnx's own save does it (tensors of 1 KiB and more in `<k>.weights`, the small ones,
 * which shape inference reads — Reshape shapes, Resize scales — inline). The checker validates every node, attribute,
 * initializer declaration and inferred shape the same way, without parsing and re-serialising 100 MB of weights per
 * model in place (2-4 s of CPU each, 40 models per suite).
 */
export class CheckerQueue {
  private readonly dir = mkdtempSync(join(tmpdir(), 'excite-onnx-check-'));
  private readonly files = new Map<string, string>();

  add(label: string, model: ModelProto): void {
    const k = this.files.size;
    const weights = openSync(join(this.dir, `${k}.weights`), 'w');
    let offset = 0;
    const initializer = (model.graph!.initializer ?? []).map((t) => {
      const bytes = t.rawData!;
      if (bytes.length < 1024) return t;
      writeSync(weights, bytes);
      const external = {
        ...t, rawData: undefined, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [{ key: 'location', value: `${k}.weights` }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(bytes.length) }],
      };
      offset += bytes.length;
      return external;
    });
    closeSync(weights);
    const file = join(this.dir, `${k}.onnx`);
    writeFileSync(file, onnx.ModelProto.encode({ ...model, graph: { ...model.graph, initializer } } as ModelProto).finish());
    this.files.set(label, file);
  }

  get size(): number {
    return this.files.size;
  }

  /** label → verdict for every queued model. */
  check(): Record<string, string> {
    const labels = [...this.files.keys()];
    const verdicts = checkModels(labels.map((l) => this.files.get(l)!));
    return Object.fromEntries(labels.map((l, i) => [l, verdicts[i]!]));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The agreement criterion with the reference: 1e-4 relative, or within 4× the network's own float32 noise floor. */
export function expectClose(graph: Graph, input: Tensor, expected: Tensor, actual: Float32Array, label: string, noise: { floor?: number }): void {
  const error = relativeError(expected.data, actual);
  if (error < 1e-4) return;
  // Past 100 layers (ResNet-101/152, SENet-154) even calibrated networks move by more than 1e-4 when one float32 ulp
  // of their weights moves (float32NoiseFloor), and onnxruntime sums in float32 in its own blocked order where the
  // reference sums in float64: a few ulps of rounding, not one — 4× that floor is the tolerance there.
  noise.floor ??= float32NoiseFloor(graph, input, expected);
  expect(error, `${label}: relative error ${error.toExponential(2)}, float32 noise floor ${noise.floor.toExponential(2)}`).toBeLessThan(4 * noise.floor);
}

/**
 * Each emitted variant runs in onnxruntime, agrees with the reference interpreter (expectClose), and emit → import →
 * emit reproduces its bytes; each variant's bytes go to the checker queue when there is one.
 */
export async function expectOrtAgreement(graph: Graph, variants: EmitOptions[] = [{}], checker?: CheckerQueue, roundTrip = true, batch = 1): Promise<void> {
  const input = sampleOf(graph, batch, 5);
  const expected = interpret(graph, input).output;
  const noise: { floor?: number } = {};
  for (const options of variants) {
    const { bytes, model } = emitOnnx(graph, { sources: zooSources(), ...options });
    const label = `${graph.name} ${JSON.stringify(options)}`;
    checker?.add(label, model);
    const actual = await runOrt(bytes, graph, input);
    expect([...actual.dims], label).toEqual([batch, ...graph.tensors.get(graph.output)!.shape]);
    expectClose(graph, input, expected, actual.data, label, noise);
    if (!roundTrip) continue;
    const imported = importOnnx(bytes, { sources: zooSources() });
    expect(Buffer.from(emitOnnx(imported.graph, imported.options).bytes).equals(Buffer.from(bytes)), `${label}: round trip`).toBe(true);
  }
}

/** The SE families' first members, emitted every way (local functions, the ort-cpu profile) besides the plain form. */
const ALL_VARIANTS = /^se-(resnet-50|resnext-50|mobilenet|shufflenet|bn-inception|inception-resnet-v2)$/;
/**
 * Models whose ONNX nodes repeat a sibling's exactly, only more of them or wider (the 101/152-layer models, SENet-154
 * after SE-ResNeXt-101, the reduction-ratio and SE-stage ablations of SE-ResNet-50): the importer's round trip, which
 * re-reads and re-encodes every weight, is checked on the sibling.
 */
const REPEATS = /-(101|152)$|^senet-154$|^se-resnet-50-(r\d+|stage\d)$/;

/**
 * Every zoo model (every `parts`-th from `part`), each compiled once at its smallest input with calibrated weights:
 * onnxruntime agrees with the reference interpreter, the importer round-trips the bytes, and (with python3-onnx)
 * onnx.checker accepts every emitted file, all of them in one python process at the end of the file.
 */
export function onnxZooSuite(part: number, parts: number): void {
  describe(`every zoo model through ONNX and onnxruntime-node, part ${part + 1} of ${parts}`, () => {
    const checker = hasPythonOnnx ? new CheckerQueue() : undefined;
    afterAll(() => checker?.dispose());
    const entries = ZOO.filter((_, i) => i % parts === part);
    for (const entry of entries) {
      it(entry.name, { timeout: 600_000 }, async () => {
        const variants: EmitOptions[] = ALL_VARIANTS.test(entry.name) ? [{}, { functions: true }, { profile: 'ort-cpu' }] : [{}];
        await expectOrtAgreement(compiledSmall(entry.name), variants, checker, !REPEATS.test(entry.name));
      });
    }
    it.skipIf(!checker)('onnx.checker (Debian python3-onnx) accepts every model above', { timeout: 300_000 }, () => {
      const verdicts = checker!.check();
      expect(Object.keys(verdicts).length).toBeGreaterThanOrEqual(entries.length);
      expect(Object.entries(verdicts).filter(([, v]) => v !== 'ok')).toEqual([]);
    });
  });
}
