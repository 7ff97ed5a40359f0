import { OP_SPECS } from './ops/index.js';
import { formatShape } from './ops/spec.js';
import type { Graph, IrNode } from './types.js';

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join('x');
  return String(value);
}

/** `kernel=3x3 stride=2x2 pads=1x1x1x1 groups=32 out=256 bias=false` */
export function formatAttributes(node: IrNode): string {
  const spec = OP_SPECS[node.op];
  const custom = spec.describe?.(node.attrs as never);
  if (custom !== undefined) return custom;
  return Object.entries(node.attrs as Record<string, unknown>)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

/**
 * The IR as text, one node a line:
 * `%conv2_x.1.conv1 = Conv(%conv1.pool) kernel=1x1 … : [64,56,56]  @ se-resnet.se:12:5`.
 * Weights are listed by role after the inputs; the source location, when known, is a byte offset range.
 */
export function printGraph(graph: Graph, lineOf?: (node: IrNode) => string | undefined): string {
  const lines = [`graph ${graph.name}(%${graph.input.name}: ${formatShape(graph.input.shape)}) {`];
  for (const node of graph.nodes) {
    const args = [
      ...node.inputs.map((t) => `%${t}`),
      ...Object.entries(node.weights).map(([role, name]) => `${role}=@${name}`),
    ].join(', ');
    const attributes = formatAttributes(node);
    const shape = formatShape(graph.tensors.get(node.output)?.shape ?? []);
    const where = lineOf?.(node);
    lines.push(
      `  %${node.output} = ${node.op}(${args})${attributes ? ` ${attributes}` : ''} : ${shape}${where ? `  # ${where}` : ''}`,
    );
  }
  lines.push(`  return %${graph.output}`, '}');
  return lines.join('\n');
}

/** The documented `excite ir --json` shape. */
export interface GraphJson {
  name: string;
  input: { name: string; shape: number[] };
  output: string;
  nodes: { name: string; op: string; inputs: string[]; outputs: string[]; weights: Record<string, string>; attributes: Record<string, unknown>; shape: number[]; stage?: string; se?: string }[];
}

export function graphToJson(graph: Graph): GraphJson {
  return {
    name: graph.name,
    input: { name: graph.input.name, shape: [...graph.input.shape] },
    output: graph.output,
    nodes: graph.nodes.map((node) => ({
      name: node.name,
      op: node.op,
      inputs: [...node.inputs],
      outputs: [node.output],
      weights: { ...node.weights },
      attributes: { ...(node.attrs as Record<string, unknown>) },
      shape: [...(graph.tensors.get(node.output)?.shape ?? [])],
      ...(node.stage ? { stage: node.stage } : {}),
      ...(node.se ? { se: node.se } : {}),
    })),
  };
}
