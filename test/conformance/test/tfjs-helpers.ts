// Every zoo model through the tfjs backend on the wasm backend, against the reference interpreter on the training
// graph (batch norm, dropout and the unfused SE kept): the trainable tf.LayersModel (for one model per family also
// its Layers artifacts, reloaded by stock tf.loadLayersModel: the same outputs) and the generated
// inference-optimised form of the compiled graph (folded, fused), each within 1e-4 relative — or, for the
// random-weight networks so ill-conditioned that rounding their weights by one float32 ulp already moves the output
// further (deep SE-ResNets, SENet-154, several ablations), within FLOOR_FACTOR times that noise floor. The tfjs
// kernels sum in float32 in their own order where the interpreter sums in float64.
// Split across files (every second model) so CI's two cores share it: each file calls tfjsZooSuite(part, parts).
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildInferenceFunction,
  buildLayersModel,
  fromTf,
  layersModelFiles,
  predictIr,
  predictLayersArtifacts,
  tf,
  toTf,
  useBackend,
} from '@excite/backend-tfjs';
import { compile } from '@excite/compiler';
import { float32NoiseFloor, interpret, relativeError, type Graph, type Tensor } from '@excite/ir';
import { ZOO } from '@excite/zoo';
import { sampleOf, smallModel } from './helpers.js';

const FLOOR_FACTOR = 8;

/**
 * The models whose Layers artifacts are also reloaded with stock tf.loadLayersModel: one per SE family, between them
 * every stock layer class the lowerings use. (Reloading every model would add a third of the suite's time to test
 * tfjs's own deserialisation over and over.)
 */
const RELOADED = new Set(['se-resnet-50', 'se-resnext-50', 'se-bn-inception', 'se-inception-resnet-v2', 'se-mobilenet', 'se-shufflenet']);

function expectClose(graph: Graph, input: Tensor, expected: Tensor, actual: { shape: readonly number[]; data: Float32Array }, label: string): void {
  expect(actual.shape).toEqual(expected.shape);
  const error = relativeError(expected.data, actual.data);
  if (error < 1e-4) return;
  const floor = float32NoiseFloor(graph, input, expected);
  expect(error, `${label}: relative error ${error.toExponential(2)}, float32 noise floor ${floor.toExponential(2)}`).toBeLessThan(FLOOR_FACTOR * floor);
}

async function expectTfjsAgreement(graph: Graph, reload: boolean): Promise<void> {
  const training = compile(graph, { pipeline: 'training', seed: 0 }).graph;
  const inference = compile(graph, { pipeline: 'inference', seed: 0 }).graph;
  const input = sampleOf(training, 1, 5);
  const expected = interpret(training, input).output;

  const model = buildLayersModel(training);
  const layers = predictIr(model, input);
  const files = reload ? layersModelFiles(model, () => ['weights.bin']) : [];
  model.dispose();
  expectClose(training, input, expected, layers, `${graph.name} (trainable model)`);
  if (reload) {
    const reloaded = await predictLayersArtifacts(files, input.data, input.shape);
    expect(relativeError(layers.data, reloaded), `${graph.name}: the reloaded Layers artifacts differ`).toBeLessThan(1e-6);
  }

  const form = buildInferenceFunction(inference);
  const x = toTf(input) as tf.Tensor4D;
  const y = form.predict(x);
  const optimised = fromTf(y);
  tf.dispose([x, y]);
  form.dispose();
  expectClose(training, input, expected, optimised, `${graph.name} (inference form)`);
}

export function tfjsZooSuite(part: number, parts: number): void {
  beforeAll(async () => {
    expect(await useBackend('wasm')).toBe('wasm');
  });
  describe(`every zoo model through tfjs (wasm): trainable model, reloaded artifacts and inference form vs the reference interpreter, part ${part + 1} of ${parts}`, () => {
    for (const entry of ZOO.filter((_, i) => i % parts === part)) {
      it(entry.name, { timeout: 180_000 }, async () => {
        await expectTfjsAgreement(smallModel(entry.name), RELOADED.has(entry.name));
      });
    }
  });
}
