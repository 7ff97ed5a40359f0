import { OP_SPECS } from './ops/index.js';
import { ShapeError, formatShape } from './ops/spec.js';
import type { Graph } from './types.js';

/**
 * Checks a graph's invariants: topological order, no dangling or duplicate tensors, every shape equal to what
 * its op's rule gives, every weight present with the shape its op asks for. Returns the problems found (empty
 * when the graph is sound). Passes are tested by running it after every stage.
 */
export function verifyGraph(graph: Graph): string[] {
  const problems: string[] = [];
  const defined = new Map<string, readonly number[]>([[graph.input.name, graph.input.shape]]);
  const tensorInfo = graph.tensors.get(graph.input.name);
  if (!tensorInfo) problems.push(`graph input ${graph.input.name} is not in the tensor table`);
  const usedWeights = new Set<string>();
  for (const node of graph.nodes) {
    const spec = OP_SPECS[node.op];
    if (!spec) {
      problems.push(`${node.name}: unknown op ${String(node.op)}`);
      continue;
    }
    const shapes: (readonly number[])[] = [];
    for (const input of node.inputs) {
      const shape = defined.get(input);
      if (!shape) problems.push(`${node.name}: input ${input} is not defined before use`);
      else shapes.push(shape);
    }
    if (shapes.length !== node.inputs.length) continue;
    const arityOk = spec.arity === 'variadic' ? shapes.length >= 2 : shapes.length === spec.arity;
    if (!arityOk) {
      problems.push(`${node.name}: ${node.op} takes ${spec.arity} inputs, has ${shapes.length}`);
      continue;
    }
    let expected: readonly number[];
    try {
      expected = spec.inferShape(shapes, node.attrs as never);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      problems.push(`${node.name}: ${error.message}`);
      continue;
    }
    if (defined.has(node.output)) problems.push(`${node.name}: output ${node.output} is defined twice`);
    const recorded = graph.tensors.get(node.output);
    if (!recorded) problems.push(`${node.name}: output ${node.output} is not in the tensor table`);
    else if (formatShape(recorded.shape) !== formatShape(expected)) {
      problems.push(`${node.name}: recorded shape ${formatShape(recorded.shape)} but ${node.op} gives ${formatShape(expected)}`);
    }
    defined.set(node.output, expected);
    const wanted = spec.weights?.(shapes, node.attrs as never) ?? [];
    const roles = new Set(Object.keys(node.weights));
    for (const w of wanted) {
      const name = node.weights[w.role];
      roles.delete(w.role);
      const init = name ? graph.initializers.get(name) : undefined;
      if (!name || !init) problems.push(`${node.name}: missing weight ${w.role}`);
      else {
        usedWeights.add(name);
        if (formatShape(init.shape) !== formatShape(w.shape)) {
          problems.push(`${node.name}: weight ${name} is ${formatShape(init.shape)}, ${node.op} needs ${formatShape(w.shape)}`);
        }
        if (init.data && init.data.length !== w.shape.reduce((a, b) => a * b, 1)) {
          problems.push(`${node.name}: weight ${name} holds ${init.data.length} values for shape ${formatShape(w.shape)}`);
        }
      }
    }
    for (const extra of roles) problems.push(`${node.name}: unexpected weight role ${extra}`);
  }
  if (!defined.has(graph.output)) problems.push(`graph output ${graph.output} is never produced`);
  for (const name of graph.initializers.keys()) {
    if (!usedWeights.has(name)) problems.push(`initializer ${name} is used by no node`);
  }
  return problems;
}
