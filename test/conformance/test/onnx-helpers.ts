// Shared by the ONNX conformance suites: a zoo model compiled, emitted to ONNX, run in onnxruntime-node and compared
// with the reference interpreter on the compiled graph.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, importOnnx, type EmitOptions } from '@excite/backend-onnx';
import { calibrateWeights, float32NoiseFloor, interpret, randomWeights, relativeError, type Graph, type Tensor } from '@excite/ir';
import { ZOO, createModel, zooSources } from '@excite/zoo';
import { sampleOf, withoutSoftmax } from './helpers.js';

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
 * A zoo model at 32×32 (Inception-ResNet-v2 at its smallest valid 75×75), calibrated random weights, compiled for
 * inference: the interpreter dominates this suite's time, so the smallest input that exercises every op.
 */
export function compiledSmall(name: string, calibrate = true): Graph {
  const size: [number, number] = name.includes('inception-resnet') ? [75, 75] : name.includes('bn-inception') ? [64, 64] : [32, 32];
  const graph = withoutSoftmax(createModel(name, { input: size }));
  const weighted = calibrate ? calibrateWeights(randomWeights(graph, 11), sampleOf(graph, 2, 1)) : graph;
  return compile(weighted, { pipeline: 'inference', seed: 0 }).graph;
}


/** `onnx.checker.check_model(full_check=True)` on a model's bytes (python3-onnx 1.12: opset ≤ 17). */
export function expectCheckerAccepts(bytes: Uint8Array, label: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'excite-onnx-check-'));
  const file = join(dir, 'model.onnx');
  writeFileSync(file, bytes);
  const script = 'import sys, onnx\nonnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)\nprint("ok")';
  const result = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  expect(`${result.stdout}${result.stderr}`.trim(), `${label}: onnx.checker`).toBe('ok');
}

/**
 * Each emitted variant passes onnx.checker (when python3-onnx is installed), runs in onnxruntime and agrees with the
 * reference interpreter within 1e-4 relative, and emit → import → emit reproduces its bytes.
 */
export async function expectOrtAgreement(graph: Graph, variants: EmitOptions[] = [{}], batch = 1, check: 'numeric' | 'finite' | 'shape' = 'numeric'): Promise<void> {
  const input = sampleOf(graph, batch, 5);
  const expected = check === 'numeric' ? interpret(graph, input).output : undefined;
  let floor: number | undefined;
  for (const options of variants) {
    const { bytes } = emitOnnx(graph, { sources: zooSources(), ...options });
    const actual = await runOrt(bytes, graph, input);
    const label = `${graph.name} ${JSON.stringify(options)}`;
    // The checker on the plain form of every model (about 1-5 s each: it serialises the weights again).
    if (hasPythonOnnx && options === variants[0]) expectCheckerAccepts(bytes, label);
    expect([...actual.dims], label).toEqual([batch, ...graph.tensors.get(graph.output)!.shape]);
    if (expected) {
      const error = relativeError(expected.data, actual.data);
      // 1e-4 relative; or, for random deep networks so ill-conditioned that one float32 ulp of their weights moves
      // the output further (helpers.ts), within 4× that noise floor: onnxruntime sums in float32 in its own order
      // (blocked GEMMs, Winograd), where the reference sums in float64, so its rounding is a few ulps, not one.
      if (!(error < 1e-4)) {
        floor ??= float32NoiseFloor(graph, input, expected);
        expect(error, `${label}: relative error ${error.toExponential(2)}, noise floor ${floor.toExponential(2)}`).toBeLessThan(4 * floor);
      }
    } else if (check === 'finite') {
      expect(actual.data.every(Number.isFinite), `${label}: finite`).toBe(true);
    }
    const imported = importOnnx(bytes, { sources: zooSources() });
    expect(Buffer.from(emitOnnx(imported.graph, imported.options).bytes).equals(Buffer.from(bytes)), `${label}: round trip`).toBe(true);
  }
}

/** Every zoo model (every `parts`-th from `part`): compiled, emitted (three ways), run in onnxruntime. */
export function onnxZooSuite(part: number, parts: number): void {
  describe(`every zoo model through ONNX and onnxruntime-node, part ${part + 1} of ${parts}`, () => {
    for (const entry of ZOO.filter((_, i) => i % parts === part)) {
      it(entry.name, { timeout: 180_000 }, async () => {
        // The function and ort-cpu forms on the SE families' first members; the plain form on every model. The
        // reference interpreter is this suite's cost, so it checks each distinct structure once: the 101/152-layer
        // models and SENet-154 repeat their 50-layer siblings' blocks, and the reduction-ratio and SE-stage ablations
        // are SE-ResNet-50 with other widths or fewer SE blocks; onnxruntime runs those (shape, finite). SE-ResNet-50
        // with ReLU gates and random weights overflows float32 (1e36 by conv4_x) in any evaluation order: shape only.
        const all = /^se-(resnet-50|resnext-50|mobilenet|shufflenet|bn-inception)$/.test(entry.name);
        const repeat = /-(101|152)$|^senet-154$|^se-resnet-50-(r2|r4|r8|r32|stage\d)$/.test(entry.name);
        const check = entry.name === 'se-resnet-50-gate-relu' ? 'shape' : repeat ? 'finite' : 'numeric';
        const graph = compiledSmall(entry.name, check !== 'finite');
        await expectOrtAgreement(graph, all ? [{}, { functions: true }, { profile: 'ort-cpu' }] : [{}], 1, check);
      });
    }
  });
}

/** Debian's python3-onnx under /usr/bin/python3, when installed. */
export const hasPythonOnnx = existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
