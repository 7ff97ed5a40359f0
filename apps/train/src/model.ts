import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, resolveRelative, type SourceHost } from '@excite/dsl';
import { materializeWeights, type Graph } from '@excite/ir';
import { DataError } from './data.js';

/** The app's default network: models/se-fashion.se. */
export const DEFAULT_MODEL = join(dirname(fileURLToPath(import.meta.url)), '..', 'models', 'se-fashion.se');

const fileHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve: resolveRelative,
};

/**
 * Elaborates a model of a `.se` file to IR with deterministic initial weights (He-uniform convs and FCs, BN at
 * identity, from `seed`). A mistake in the file is a DataError carrying the diagnostics as `file:line:col` lines.
 */
export function loadSeModel(path: string, { model, seed = 0 }: { model?: string; seed?: number } = {}): Graph {
  const { graph, diagnostics, program } = loadModel(path, fileHost, model ? { model } : {});
  if (!graph) {
    const lines = diagnostics.map((d) => {
      const text = d.span ? program.sources.get(d.span.file)?.text : undefined;
      let where = d.span?.file ?? path;
      if (d.span && text !== undefined) {
        const before = text.slice(0, d.span.start).split('\n');
        where += `:${before.length}:${before[before.length - 1]!.length + 1}`;
      }
      return `${where}: ${d.severity}[${d.code}]: ${d.message}${d.hint ? `\n  hint: ${d.hint}` : ''}`;
    });
    throw new DataError(lines.join('\n'));
  }
  return materializeWeights(graph, seed);
}
