import { lineColumnOf } from '@excite/diagnostics';
import { graphToJson, printGraph } from '@excite/ir';
import { loadModelArgument } from '../source.js';

export function irCommand(target: string, options: { input?: string; model?: string; json?: boolean }): string {
  const { graph, sources } = loadModelArgument(target, options);
  if (options.json) return JSON.stringify(graphToJson(graph), null, 2);
  return printGraph(graph, (node) => {
    if (!node.span) return undefined;
    const source = sources.get(node.span.file);
    if (!source) return node.span.file;
    const { line, column } = lineColumnOf(source.text, node.span.start);
    return `${node.span.file}:${line}:${column}`;
  });
}
