import { expect } from 'vitest';
import { interpret, randomValues, randomWeights, relativeError, tensor, verifyGraph, type Graph } from '@excite/ir';

/** A batch of 2 seeded inputs for a graph. */
export function sampleInput(graph: Graph, seed = 1) {
  const shape = [2, ...graph.input.shape];
  return tensor(shape, randomValues(shape.reduce((a, b) => a * b, 1), seed));
}

/**
 * The numerical half of a pass test: `after = pass(before)` must compute what `before` computes (within `tolerance`
 * relative) on random weights — batch norm statistics included, so folding does real work.
 */
export function expectSameOutputs(before: Graph, pass: (g: Graph) => Graph, tolerance = 1e-5, seed = 3): Graph {
  const weighted = randomWeights(before, seed);
  const after = pass(weighted);
  expect(verifyGraph(after)).toEqual([]);
  const input = sampleInput(before);
  const expected = interpret(weighted, input).output;
  const actual = interpret(after, input).output;
  expect(actual.shape).toEqual(expected.shape);
  expect(relativeError(expected.data, actual.data)).toBeLessThan(tolerance);
  return after;
}

export const ops = (g: Graph) => g.nodes.map((n) => n.op);
