import { createDiagnostic, DiagnosticError, lineColumnOf, type Span } from '@excite/diagnostics';
import { compile, isPipelineName, PIPELINES, type StageReport } from '@excite/compiler';
import { graphToJson, printGraph, type Graph } from '@excite/ir';
import { loadModelArgument, parseSeed } from '../source.js';

export interface IrOptions {
  input?: string;
  model?: string;
  json?: boolean;
  pipeline?: string;
  dumpAfterEach?: boolean;
  trace?: boolean;
  seed?: string;
}

function opSummary(ops: Record<string, number>): string {
  return Object.entries(ops)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');
}

/** `excite ir`: the IR of a model, as elaborated or after a pipeline (optionally after every stage). */
export function irCommand(target: string, options: IrOptions): string {
  const { graph, sources } = loadModelArgument(target, options);
  const where = (span: Span | undefined) => {
    if (!span) return undefined;
    const source = sources.get(span.file);
    if (!source) return span.file;
    const { line, column } = lineColumnOf(source.text, span.start);
    return `${span.file}:${line}:${column}`;
  };
  const print = (g: Graph) => printGraph(g, (node) => where(node.span));
  const pipeline = options.pipeline ?? 'none';
  if (!isPipelineName(pipeline)) {
    throw new DiagnosticError(createDiagnostic('E0503', `unknown pipeline \`${pipeline}\``, undefined, `pipelines: ${Object.keys(PIPELINES).join(', ')}`));
  }
  const result = compile(graph, { pipeline, seed: parseSeed(options.seed), keepGraphs: Boolean(options.dumpAfterEach) });
  if (options.json) return JSON.stringify(graphToJson(result.graph), null, 2);
  const sections: string[] = [];
  const header = (title: string, nodes: number, ops: Record<string, number>) => `== ${title}: ${nodes} nodes (${opSummary(ops)})`;
  const elaborated: Record<string, number> = {};
  for (const n of graph.nodes) elaborated[n.op] = (elaborated[n.op] ?? 0) + 1;
  const stageText = (s: StageReport) => {
    const lines = [header(`after ${s.stage}`, s.nodes, s.ops), `   ${s.firings.length} rewrite${s.firings.length === 1 ? '' : 's'}`];
    if (options.trace) {
      for (const f of s.firings) lines.push(`   ${f.rule}: ${f.matched.join(', ')} → ${f.created.join(', ') || '(removed)'}${f.span ? `  # ${where(f.span)}` : ''}`);
    }
    return lines.join('\n');
  };
  if (options.dumpAfterEach) {
    sections.push(`${header('elaborated', graph.nodes.length, elaborated)}\n${print(graph)}`);
    for (const s of result.stages) sections.push(`${stageText(s)}\n${print(s.graph!)}`);
    return sections.join('\n\n');
  }
  if (pipeline !== 'none') {
    sections.push(header('elaborated', graph.nodes.length, elaborated), ...result.stages.map(stageText), '');
  }
  sections.push(print(result.graph));
  return sections.join('\n');
}
