// Every zoo model through the tfjs backend on the wasm backend: the trainable model (training-pipeline graph: batch
// norm, dropout and the unfused SE kept) and the inference-optimised graph (folded, fused) each agree with the
// reference interpreter within 1e-4 relative — or, for the random-weight networks so ill-conditioned that rounding
// their weights by one float32 ulp already moves the output further (deep SE-ResNets, SENet-154, several ablations),
// within FLOOR_FACTOR times that noise floor. The tfjs kernels sum in float32 in their own order where the interpreter
// sums in float64.
// Split across files (every second model) so CI's two cores share it: each file calls tfjsZooSuite(part, parts).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayersModel, predictIr, useBackend } from '@excite/backend-tfjs';
import { compile, type PipelineName } from '@excite/compiler';
import { float32NoiseFloor, interpret, relativeError, type Graph } from '@excite/ir';
import { ZOO } from '@excite/zoo';
import { sampleOf, smallModel } from './helpers.js';

const FLOOR_FACTOR = 8;

function expectTfjsAgreement(graph: Graph, pipeline: PipelineName): void {
  const compiled = compile(graph, { pipeline, seed: 0 }).graph;
  const input = sampleOf(compiled, 1, 5);
  const expected = interpret(compiled, input).output;
  const model = buildLayersModel(compiled);
  try {
    const actual = predictIr(model, input);
    expect(actual.shape).toEqual(expected.shape);
    const error = relativeError(expected.data, actual.data);
    if (error < 1e-4) return;
    const floor = float32NoiseFloor(compiled, input, expected);
    const label = `${graph.name} (${pipeline}): relative error ${error.toExponential(2)}, float32 noise floor ${floor.toExponential(2)}`;
    expect(error, label).toBeLessThan(FLOOR_FACTOR * floor);
  } finally {
    model.dispose();
  }
}

export function tfjsZooSuite(part: number, parts: number): void {
  beforeAll(async () => {
    expect(await useBackend('wasm')).toBe('wasm');
  });
  describe(`every zoo model through tfjs (wasm) vs the reference interpreter, part ${part + 1} of ${parts}`, () => {
    for (const entry of ZOO.filter((_, i) => i % parts === part)) {
      it(entry.name, { timeout: 180_000 }, () => {
        const graph = smallModel(entry.name);
        expectTfjsAgreement(graph, 'training');
        expectTfjsAgreement(graph, 'inference');
      });
    }
  });
}
