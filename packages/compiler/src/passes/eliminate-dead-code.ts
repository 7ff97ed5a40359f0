import { rebuildTables, type Graph } from '@excite/ir';

/** Removes nodes whose outputs never reach the graph's output, and the weights only they used. */
export function eliminateDeadCode(graph: Graph): Graph {
  const live = new Set([graph.output]);
  const kept = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (!live.has(n.output)) continue;
    kept.push(n);
    for (const input of n.inputs) live.add(input);
  }
  kept.reverse();
  return kept.length === graph.nodes.length ? graph : rebuildTables({ ...graph, nodes: kept });
}
