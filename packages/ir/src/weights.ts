import { elementCount } from './ops/spec.js';
import type { Graph, Initializer } from './types.js';

/** 32-bit FNV-1a of a string: turns (seed, weight name) into an independent stream per weight. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: small, fast, and the same sequence on every JavaScript engine. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values of one initializer from its init rule. Depends only on (seed, name, shape, rule), never on order. */
export function initialValues(init: Initializer, seed: number): Float32Array {
  const data = new Float32Array(elementCount(init.shape));
  const rule = init.init;
  switch (rule.kind) {
    case 'zeros':
      return data;
    case 'ones':
      return data.fill(1);
    case 'constant':
      return data.fill(rule.value);
    case 'he_uniform':
      // Kaiming-uniform (PyTorch's conv default family): U(−b, b) with b = √(6 / fan_in), variance 2 / fan_in.
      fillHeUniform(data, fnv1a(`${seed}:${init.name}`), Math.sqrt(6 / rule.fanIn));
      return data;
  }
}

/**
 * `data[i] = (2 · mulberry32() − 1) · bound`, with mulberry32 written out inline: this loop makes every zoo weight
 * (SENet-154: 115 M), so it avoids a closure call and keeps the state in a local. Must stay bit-identical to
 * `mulberry32` above — seeded weights are part of every backend's expected outputs.
 */
function fillHeUniform(data: Float32Array, seed: number, bound: number): void {
  let state = seed >>> 0;
  const length = data.length;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = (2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1) * bound;
  }
}

/** A copy of the graph whose initializers all hold data: supplied values are kept, the rest come from the seed. */
export function materializeWeights(graph: Graph, seed = 0): Graph {
  const initializers = new Map<string, Initializer>();
  for (const [name, init] of graph.initializers) {
    initializers.set(name, init.data ? init : { ...init, data: initialValues(init, seed) });
  }
  return { ...graph, initializers };
}

/** Value ranges by weight role for `randomWeights`: statistics and scales stay positive and near 1. */
const RANDOM_RANGES: Record<string, [number, number]> = {
  gamma: [0.5, 1.5],
  var: [0.5, 1.5],
  beta: [-0.5, 0.5],
  mean: [-0.5, 0.5],
  bias: [-0.5, 0.5],
  b1: [-0.5, 0.5],
  b2: [-0.5, 0.5],
};

/**
 * A copy of the graph with every weight random (seeded): He-uniform weights, and biases and BN statistics spread
 * over ranges that make BN folding and SE gating do real work. Tests use it; training starts from `materializeWeights`.
 */
export function randomWeights(graph: Graph, seed: number): Graph {
  const initializers = new Map(graph.initializers);
  for (const node of graph.nodes) {
    for (const [role, name] of Object.entries(node.weights)) {
      const init = graph.initializers.get(name)!;
      const range = RANDOM_RANGES[role];
      if (!range) {
        initializers.set(name, { ...init, data: initialValues(init, seed) });
        continue;
      }
      const random = mulberry32(fnv1a(`${seed}:${name}:uniform`));
      const data = new Float32Array(elementCount(init.shape));
      for (let i = 0; i < data.length; i++) data[i] = range[0] + (range[1] - range[0]) * random();
      initializers.set(name, { ...init, data });
    }
  }
  return { ...graph, initializers };
}

/** Seeded uniform values in [-1, 1): inputs for numerical tests. */
export function randomValues(count: number, seed: number): Float32Array {
  const random = mulberry32(fnv1a(`input:${seed}`));
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = 2 * random() - 1;
  return data;
}
