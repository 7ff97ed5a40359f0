import { formatAttributes, formatShape, type Graph, type IrNode } from '@excite/ir';

/** A one-line description of a node for comments: `name: Op attrs → [shape]`. */
export function describeNode(node: IrNode, graph: Graph): string {
  const attrs = formatAttributes(node);
  const shape = graph.tensors.get(node.output)?.shape;
  return `${node.name}: ${node.op}${attrs ? ` ${attrs}` : ''}${shape ? ` → ${formatShape(shape)}` : ''}`;
}
