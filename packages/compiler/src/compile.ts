import { materializeWeights, verifyGraph, type Firing, type Graph } from '@excite/ir';
import { PIPELINES, STAGES, type PipelineName } from './pipeline.js';

export interface StageReport {
  stage: string;
  /** Node count after the stage. */
  nodes: number;
  /** Node count by op after the stage. */
  ops: Record<string, number>;
  firings: Firing[];
  /** The graph after the stage, when `keepGraphs` was asked for. */
  graph?: Graph;
}

export interface CompileOptions {
  pipeline?: PipelineName;
  /** Seed for weights that hold no values yet (default 0). */
  seed?: number;
  /** Run the verifier after every stage and throw on the first broken invariant (tests turn this on). */
  verify?: boolean;
  /** Keep the graph after each stage in the report (for `--dump-after-each`). */
  keepGraphs?: boolean;
}

export interface CompileResult {
  graph: Graph;
  pipeline: PipelineName;
  stages: StageReport[];
}

export function countOps(graph: Graph): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of graph.nodes) counts[n.op] = (counts[n.op] ?? 0) + 1;
  return counts;
}

/**
 * Runs a pipeline over a graph. Weights are materialised first (supplied values kept, the rest from the seed), since
 * folding passes compute new weights from old ones.
 */
export function compile(input: Graph, options: CompileOptions = {}): CompileResult {
  const pipeline = options.pipeline ?? 'inference';
  let graph = materializeWeights(input, options.seed ?? 0);
  const stages: StageReport[] = [];
  const check = (g: Graph, stage: string) => {
    if (!options.verify) return;
    const problems = verifyGraph(g);
    if (problems.length > 0) throw new Error(`internal: after ${stage}: ${problems.slice(0, 5).join('; ')}`);
  };
  check(graph, 'elaboration');
  for (const name of PIPELINES[pipeline]) {
    const result = STAGES[name].run(graph);
    graph = result.graph;
    check(graph, name);
    const report: StageReport = { stage: name, nodes: graph.nodes.length, ops: countOps(graph), firings: result.firings };
    if (options.keepGraphs) report.graph = graph;
    stages.push(report);
  }
  return { graph, pipeline, stages };
}
