import { expect } from 'vitest';
import { GraphBuilder, interpret, randomValues, randomWeights, relativeError, tensor, type ConvAttributes, type Graph, type Tensor } from '@excite/ir';
import { buildInferenceFunction, buildLayersModel, fromTf, predictIr, tf, toTf, type BuildOptions } from '../src/index.js';

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

/** Runs the generated inference form of a graph on a batched IR tensor (NCHW), returning the output in IR layout. */
export function predictInference(graph: Graph, input: Tensor): Tensor {
  const inference = buildInferenceFunction(graph);
  const x = toTf(input) as tf.Tensor4D;
  const y = inference.predict(x);
  try {
    return fromTf(y);
  } finally {
    tf.dispose([x, y]);
    inference.dispose();
  }
}

/**
 * The graph (random weights) built as a tfjs model, and run as the generated inference form, each agree with the
 * reference interpreter within `tolerance`. Returns the larger error.
 */
export function expectTfjsAgreement(graph: Graph, { batch = 2, seed = 3, tolerance = 1e-5, options = {} as BuildOptions } = {}): number {
  const g = randomWeights(graph, 7);
  const input = sample(g, batch, seed);
  const expected = interpret(g, input).output;
  const model = buildLayersModel(g, options);
  let layers: Tensor;
  try {
    layers = predictIr(model, input);
  } finally {
    model.dispose();
  }
  const inference = predictInference(g, input);
  let worst = 0;
  for (const [form, actual] of [['layers', layers], ['inference', inference]] as const) {
    expect(actual.shape).toEqual(expected.shape);
    const error = relativeError(expected.data, actual.data);
    expect(error, `${graph.name} (${form}): relative error ${error.toExponential(2)}`).toBeLessThan(tolerance);
    worst = Math.max(worst, error);
  }
  return worst;
}

/** A small SE network through the awkward lowerings: grouped conv, PyTorch pooling, hard sigmoid, scale. */
export function seNet(): Graph {
  const b = new GraphBuilder('se-net', [3, 11, 9]);
  let x = b.add('Conv', conv(12, 3, 2, [1, 1, 1, 1], 1, { bias: true }), [b.input], 'stem');
  x = b.add('Relu', {}, [b.add('BatchNorm', { eps: 1e-5 }, [x], 'bn')], 'relu');
  x = b.add('MaxPool', { kernel: [3, 3], stride: [2, 2], pads: [0, 0, 0, 0], ceil: true, countIncludePad: false }, [x], 'pool');
  const y = b.add('Conv', conv(12, 3, 1, [1, 1, 1, 1], 3), [x], 'grouped');
  const p = b.add('GlobalPool', { mode: 'avg' }, [y], 'se.squeeze');
  const f1 = b.add('Relu', {}, [b.add('Conv', conv(3, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [p], 'se.fc1')], 'se.act');
  const g = b.add('HardSigmoid', {}, [b.add('Conv', conv(12, 1, 1, [0, 0, 0, 0], 1, { bias: true }), [f1], 'se.fc2')], 'se.gate');
  const s = b.add('Add', {}, [b.add('Mul', {}, [y, g], 'se.scale'), b.add('Scale', { factor: 0.5 }, [x], 'half')], 'sum');
  const avg = b.add('AvgPool', { kernel: [2, 2], stride: [1, 1], pads: [0, 0, 1, 1], ceil: false, countIncludePad: false }, [s], 'avg');
  return b.finish(b.add('Dense', { outFeatures: 5, bias: true }, [b.add('Flatten', {}, [avg], 'flat')], 'fc'));
}

