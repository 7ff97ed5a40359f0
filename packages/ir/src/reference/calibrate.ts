import { OP_SPECS } from '../ops/index.js';
import type { Graph, Initializer } from '../types.js';
import { initialValues } from '../weights.js';
import { asNchw, type Tensor } from './tensor.js';

/**
 * Data-dependent initialisation of a random-weight network on a sample batch, so it is as well conditioned as a
 * trained one however deep it is: every batch norm's running mean and variance become the statistics of its actual
 * input, and every conv and dense layer's weights are scaled so its output (bias aside) has unit variance on the
 * sample (LSUV, Mishkin & Matas 2016). Without it, random networks amplify float32 rounding (of BN folding, say)
 * block after block — SE gates saturate or, with ReLU gates, explode — and a test would measure conditioning, not
 * correctness.
 */
export function calibrateWeights(graph: Graph, input: Tensor, seed = 0): Graph {
  const initializers = new Map<string, Initializer>(graph.initializers);
  const residualEnds = batchNormsEndingResidualBranches(graph);
  const values = new Map<string, Tensor>([[graph.input.name, input]]);
  const weightValues = (name: string) => {
    const init = initializers.get(name)!;
    return init.data ?? initialValues(init, seed);
  };
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((t) => values.get(t)!);
    if (node.op === 'BatchNorm') {
      const [n, c, h, w] = asNchw(inputs[0]!);
      const activations = inputs[0]!.data;
      const mean = new Float32Array(c);
      const variance = new Float32Array(c);
      const plane = h * w;
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        let squares = 0;
        for (let b = 0; b < n; b++) {
          const base = (b * c + ch) * plane;
          for (let i = 0; i < plane; i++) {
            const v = activations[base + i]!;
            sum += v;
            squares += v * v;
          }
        }
        const count = n * plane;
        mean[ch] = sum / count;
        variance[ch] = squares / count - (sum / count) ** 2;
      }
      // A channel that is (nearly) constant on a small sample — dead after a ReLU, or a 1×1 map seen twice — would
      // get a huge scale from its tiny variance and blow up on other inputs; floor each variance at the layer's mean.
      const floor = Math.max(variance.reduce((a, b) => a + b, 0) / c, 1e-3);
      for (let ch = 0; ch < c; ch++) variance[ch] = Math.max(variance[ch]!, floor);
      for (const [role, data] of [['mean', mean], ['var', variance]] as const) {
        const name = node.weights[role]!;
        initializers.set(name, { ...initializers.get(name)!, data });
      }
      if (residualEnds.has(node.name)) {
        // The last BN of a residual branch starts small (Goyal et al.'s zero-init-γ, softened to 0.2): each block
        // then adds a little to the identity path instead of doubling its variance, as in a trained deep ResNet.
        const name = node.weights.gamma!;
        initializers.set(name, { ...initializers.get(name)!, data: times(weightValues(name), 0.2) });
      }
    }
    const shape = graph.tensors.get(node.output)!.shape;
    const run = () => {
      const weights = Object.fromEntries(Object.entries(node.weights).map(([role, name]) => [role, weightValues(name)]));
      return OP_SPECS[node.op].reference(inputs, weights, node.attrs as never, shape);
    };
    let output = run();
    if ((node.op === 'Conv' || node.op === 'Dense') && node.weights.weight) {
      const bias = node.weights.bias ? weightValues(node.weights.bias) : undefined;
      const deviation = Math.sqrt(varianceWithoutBias(output, bias));
      if (deviation > 1e-6) {
        const name = node.weights.weight;
        const init = initializers.get(name)!;
        initializers.set(name, { ...init, data: dividedBy(weightValues(name), deviation) });
        output = run();
      }
    }
    values.set(node.output, output);
  }
  return { ...graph, initializers };
}

// factor · values and values / divisor, each rounded to float32 as `values.map(...)` would, without a callback per
// weight (the large models have tens of millions).
function times(values: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = factor * values[i]!;
  return out;
}

function dividedBy(values: Float32Array, divisor: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! / divisor;
  return out;
}

/** Variance of a layer's output with its per-channel bias taken out: what scaling the weights controls. */
function varianceWithoutBias(output: Tensor, bias: Float32Array | undefined): number {
  const [n, c, h, w] = asNchw(output);
  const plane = h * w;
  let sum = 0;
  let squares = 0;
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const shift = bias ? bias[ch]! : 0;
      for (let i = (b * c + ch) * plane; i < (b * c + ch + 1) * plane; i++) {
        const v = output.data[i]! - shift;
        sum += v;
        squares += v * v;
      }
    }
  }
  const count = output.data.length;
  return squares / count - (sum / count) ** 2;
}

/** Batch norms whose output reaches a residual sum only through SE scaling (Mul) or a constant scale. */
function batchNormsEndingResidualBranches(graph: Graph): Set<string> {
  const consumers = new Map<string, Graph['nodes']>();
  for (const n of graph.nodes) for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  const ends = new Set<string>();
  for (const n of graph.nodes) {
    if (n.op !== 'BatchNorm') continue;
    let frontier = consumers.get(n.output) ?? [];
    for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
      if (frontier.some((c) => c.op === 'Add' || c.op === 'ScaleAdd')) {
        ends.add(n.name);
        break;
      }
      frontier = frontier.filter((c) => c.op === 'Mul' || c.op === 'Scale').flatMap((c) => consumers.get(c.output) ?? []);
    }
  }
  return ends;
}
