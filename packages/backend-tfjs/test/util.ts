import { expect } from 'vitest';
import { interpret, randomValues, randomWeights, relativeError, tensor, type ConvAttributes, type Graph, type Tensor } from '@excite/ir';
import { buildLayersModel, predictIr, type BuildOptions } from '../src/index.js';

export const conv = (
  out: number,
  k: number,
  s = 1,
  pads: [number, number, number, number] = [0, 0, 0, 0],
  groups = 1,
  extra: Partial<ConvAttributes> = {},
): ConvAttributes => ({ kernel: [k, k], stride: [s, s], pads, dilation: [1, 1], groups, outChannels: out, bias: false, ...extra });

export function sample(graph: Graph, batch: number, seed: number): Tensor {
  const count = batch * graph.input.shape.reduce((a, b) => a * b, 1);
  return tensor([batch, ...graph.input.shape], randomValues(count, seed));
}

/** The graph (random weights) built as a tfjs model agrees with the reference interpreter within `tolerance`. */
export function expectTfjsAgreement(graph: Graph, { batch = 2, seed = 3, tolerance = 1e-5, options = {} as BuildOptions } = {}): number {
  const g = randomWeights(graph, 7);
  const input = sample(g, batch, seed);
  const expected = interpret(g, input).output;
  const model = buildLayersModel(g, options);
  try {
    const actual = predictIr(model, input);
    expect(actual.shape).toEqual(expected.shape);
    const error = relativeError(expected.data, actual.data);
    expect(error, `${graph.name}: relative error ${error.toExponential(2)}`).toBeLessThan(tolerance);
    return error;
  } finally {
    model.dispose();
  }
}
