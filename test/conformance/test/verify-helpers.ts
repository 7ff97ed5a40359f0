// `excite verify` over the zoo: every model at a small input, compiled and run on all three targets (onnxruntime,
// tfjs wasm in both shipped forms, our WebGPU runtime on Dawn/SwiftShader), each within its tolerance of the
// reference interpreter on the model as written. Split across files so CI's two cores share the work.
import { describe, expect, it } from 'vitest';
import { verifyModel } from '@excite/cli';
import { ZOO, createModel } from '@excite/zoo';

/** The smallest inputs that keep every op of the model meaningful (Inception-ResNet-v2's stem needs 75×75). */
export function verifyInput(name: string): [number, number] {
  if (name.includes('inception-resnet')) return [75, 75];
  if (name.includes('bn-inception')) return [64, 64];
  return [32, 32];
}

export function verifyZooSuite(part: number, parts: number): void {
  describe(`excite verify: every zoo model on onnx, tfjs and wgsl, part ${part + 1} of ${parts}`, () => {
    for (const entry of ZOO.filter((_, i) => i % parts === part)) {
      it(entry.name, { timeout: 600_000 }, async () => {
        const graph = createModel(entry.name, { input: verifyInput(entry.name) });
        const report = await verifyModel(graph, { targets: ['onnx', 'tfjs', 'wgsl'], seed: 7, runs: 0 });
        expect(report.rows.map((r) => r.target)).toEqual(['onnx', 'tfjs', 'tfjs', 'wgsl']);
        for (const row of report.rows) {
          expect(row.error, `${row.runtime}`).toBeUndefined();
          expect(row.relative, `${entry.name} on ${row.runtime}: relative difference`).toBeLessThanOrEqual(row.tolerance);
        }
        expect(report.pass).toBe(true);
      });
    }
  });
}
