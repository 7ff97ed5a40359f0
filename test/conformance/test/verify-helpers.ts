// `excite verify` over the zoo: every model at a small input, compiled and run on all three targets (onnxruntime,
// tfjs wasm in both shipped forms, our WebGPU runtime on Dawn/SwiftShader), each within its tolerance of the
// reference interpreter on the model as written. This is the zoo-wide numerical check of every backend; the
// per-backend suites test what is particular to each (ONNX opsets and functions, tfjs goldens, WGSL kernels on
// awkward shapes).
import { describe, expect, it } from 'vitest';
import { verifyModel } from '@excite/cli';
import { ZOO, createModel } from '@excite/zoo';
import { WGSL_ZOO_PARTS, wgslInput } from './wgsl-helpers.js';

/**
 * One part of the zoo. The parts group models that share layer shapes (WGSL_ZOO_PARTS): the WebGPU device, and with
 * it every compiled kernel, lives as long as the test file, and compiling kernels is most of SwiftShader's cost.
 * Inputs are the smallest that keep every op meaningful (wgslInput: 16×16, VGG 32, BN-Inception 64, IRv2 75).
 */
/**
 * wgslInput's sizes, except the ReLU-gated ablation: its unbounded gate overflows float32 on these random weights
 * when the last stage is 1×1 (16×16 input; `excite verify` reports that as E0506), so it runs at 32×32.
 */
export function verifyInput(name: string): [number, number] {
  return name.endsWith('-gate-relu') ? [32, 32] : wgslInput(name);
}

export function verifyZooSuite(part: number): void {
  describe(`excite verify: every zoo model on onnx, tfjs and wgsl, part ${part + 1} of ${WGSL_ZOO_PARTS.length}`, () => {
    if (part === 0) {
      it('the parts cover the zoo', () => {
        expect(WGSL_ZOO_PARTS.flat().sort()).toEqual(ZOO.map((e) => e.name).sort());
      });
    }
    for (const name of WGSL_ZOO_PARTS[part]!) {
      it(name, { timeout: 600_000 }, async () => {
        const graph = createModel(name, { input: verifyInput(name) });
        const report = await verifyModel(graph, { targets: ['onnx', 'tfjs', 'wgsl'], seed: 7, runs: 0 });
        expect(report.rows.map((r) => r.target)).toEqual(['onnx', 'tfjs', 'tfjs', 'wgsl']);
        for (const row of report.rows) {
          expect(row.error, row.runtime).toBeUndefined();
          expect(row.relative, `${name} on ${row.runtime}: relative difference`).toBeLessThanOrEqual(row.tolerance);
        }
        expect(report.pass).toBe(true);
      });
    }
  });
}
