import { OP_SPECS } from '../ops/index.js';
import type { Graph, Initializer } from '../types.js';
import { initialValues } from '../weights.js';
import type { Tensor } from './tensor.js';

export interface InterpretOptions {
  /** Seed for weights that hold no data (default 0, as everywhere). */
  seed?: number;
  /** Also return these intermediate tensors (by name). */
  keep?: readonly string[];
}

/**
 * Values drawn from init rules, per initializer and seed: a graph without supplied weights, interpreted again and
 * again (the oracle of a test, before and after each pass), draws its random weights once instead of on every run
 * (for SE-ResNet-50, 28 M values: as long as a whole run of the network). Keyed weakly, they go with the graph.
 */
const drawnValues = new WeakMap<Initializer, Map<number, Float32Array>>();

function valuesOf(init: Initializer, seed: number): Float32Array {
  if (init.data) return init.data;
  let bySeed = drawnValues.get(init);
  if (!bySeed) drawnValues.set(init, (bySeed = new Map()));
  let values = bySeed.get(seed);
  if (!values) bySeed.set(seed, (values = initialValues(init, seed)));
  return values;
}

/**
 * Runs a graph on a batch with each op's reference semantics, node by node in topological order, freeing each
 * intermediate tensor after its last use. The numerical oracle for passes and backends.
 */
export function interpret(graph: Graph, input: Tensor, options: InterpretOptions = {}): { output: Tensor; kept: Map<string, Tensor> } {
  const expected = graph.input.shape;
  if (input.shape.length !== expected.length + 1 || expected.some((d, i) => input.shape[i + 1] !== d)) {
    throw new Error(`interpret: input is [${input.shape.join(',')}], graph ${graph.name} wants [N,${expected.join(',')}]`);
  }
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, i) => node.inputs.forEach((t) => lastUse.set(t, i)));
  const keep = new Set([...(options.keep ?? []), graph.output]);
  const values = new Map<string, Tensor>([[graph.input.name, input]]);
  const kept = new Map<string, Tensor>();
  if (keep.has(graph.input.name)) kept.set(graph.input.name, input);
  graph.nodes.forEach((node, i) => {
    const inputs = node.inputs.map((t) => {
      const value = values.get(t);
      if (!value) throw new Error(`interpret: ${node.name} reads ${t} before it is computed`);
      return value;
    });
    const weights: Record<string, Float32Array> = {};
    for (const [role, name] of Object.entries(node.weights)) {
      weights[role] = valuesOf(graph.initializers.get(name)!, options.seed ?? 0);
    }
    const spec = OP_SPECS[node.op];
    const result = spec.reference(inputs, weights, node.attrs as never, graph.tensors.get(node.output)!.shape);
    values.set(node.output, result);
    if (keep.has(node.output)) kept.set(node.output, result);
    for (const t of node.inputs) if (lastUse.get(t) === i && !keep.has(t)) values.delete(t);
  });
  return { output: values.get(graph.output)!, kept };
}
