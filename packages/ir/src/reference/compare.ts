import type { Graph } from '../types.js';
import { interpret } from './interpret.js';
import type { Tensor } from './tensor.js';

/** max |reference − actual| / max |reference|: the error relative to the output's own scale. */
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  if (reference.length !== actual.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    const d = Math.abs(reference[i]! - actual[i]!);
    if (!(d <= diff)) diff = Number.isNaN(d) ? Infinity : d;
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}

/**
 * How far float32 rounding of the weights alone moves this network's output on `input`: every weight is nudged by
 * one float32 ulp (2⁻²³, relative) in a fixed ±/0 pattern — at least what rounding a transformed weight (a folded
 * batch norm, a scale) can do to it. A pass whose outputs differ by no more than a small multiple of this is exact up to float32.
 * Deep random-weight networks amplify such nudges well past 1e-5 (SE-POST and 150-layer models do).
 */
export function float32NoiseFloor(graph: Graph, input: Tensor, reference = interpret(graph, input).output): number {
  const initializers = new Map(graph.initializers);
  // Weight number k (counted across all params) is scaled by 1 + (((k · 7919) mod 3) − 1) · 2⁻²³. As 7919 ≡ 2
  // (mod 3), that is 1 − 2⁻²³, 1 + 2⁻²³, 1 for k ≡ 0, 1, 2: a counter mod 3 gives the same factors without a
  // float64 modulo per weight (k · 7919 passes 2³¹ after 271 k weights; tens of millions cost seconds).
  const factors = [1 - 2 ** -23, 1 + 2 ** -23, 1];
  let phase = 0;
  for (const [name, init] of graph.initializers) {
    if (init.role !== 'param' || !init.data) continue;
    const source = init.data;
    const data = new Float32Array(source.length);
    for (let i = 0; i < data.length; i++) {
      data[i] = source[i]! * factors[phase]!;
      if (++phase === 3) phase = 0;
    }
    initializers.set(name, { ...init, data });
  }
  return relativeError(reference.data, interpret({ ...graph, initializers }, input).output.data);
}
