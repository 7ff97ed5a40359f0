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
    case 'he_normal': {
      const random = mulberry32(fnv1a(`${seed}:${init.name}`));
      const std = Math.sqrt(2 / rule.fanIn);
      for (let i = 0; i < data.length; i += 2) {
        // Box–Muller: two normals from two uniforms; 1 - u keeps log away from 0.
        const radius = Math.sqrt(-2 * Math.log(1 - random()));
        const angle = 2 * Math.PI * random();
        data[i] = radius * Math.cos(angle) * std;
        if (i + 1 < data.length) data[i + 1] = radius * Math.sin(angle) * std;
      }
      return data;
    }
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
