import { DiagnosticError, type Diagnostic } from '@excite/diagnostics';
import type { Graph } from '@excite/ir';
import { checkBlocks } from './checks.js';
import { evaluateModel } from './evaluate.js';
import { lowerModel } from './lower.js';
import { resolveModel, type ResolveOptions } from './model.js';
import { loadProgram, type Program, type SourceHost } from './program.js';

export { loadProgram, memoryHost, resolveRelative, type Program, type SourceHost } from './program.js';
export { resolveModel, type ResolvedModel, type ResolveOptions } from './model.js';
export { evaluateModel, type TreeNode } from './evaluate.js';
export { lowerModel, reducedWidth } from './lower.js';
export { checkBlocks } from './checks.js';
export { LAYERS, SE_SETTINGS, DEFAULT_SE_SETTINGS, type SeSettings } from './layer-specs.js';

/** A model elaborated to IR, or throws DiagnosticError (user mistakes only). */
export function elaborateModel(program: Program, model: string, options: ResolveOptions = {}): Graph {
  const resolved = resolveModel(program, model, options);
  const { tree } = evaluateModel(program, resolved);
  return lowerModel(tree, resolved);
}

/** Model names declared in a file of the program, in source order. */
export function modelsIn(program: Program, file: string = program.entry): string[] {
  return (program.files.get(file)?.items ?? []).flatMap((item) => (item.kind === 'model' ? [item.name.name] : []));
}

export interface CheckResult {
  program: Program;
  diagnostics: Diagnostic[];
  /** The models of the entry file that elaborated without error. */
  graphs: Map<string, Graph>;
}

/**
 * Everything `excite check` reports for a file: syntax, imports, block rules, and every model of the file
 * elaborated at its declared input size.
 */
export function checkFile(entry: string, host: SourceHost): CheckResult {
  const program = loadProgram(entry, host);
  const diagnostics = [...program.diagnostics];
  const graphs = new Map<string, Graph>();
  if (diagnostics.length > 0) return { program, diagnostics, graphs };
  diagnostics.push(...checkBlocks(program, [entry]));
  for (const model of modelsIn(program)) {
    try {
      graphs.set(model, elaborateModel(program, model));
    } catch (error) {
      if (!(error instanceof DiagnosticError)) throw error;
      diagnostics.push(...error.diagnostics);
    }
  }
  return { program, diagnostics, graphs };
}

/**
 * Loads one model of a file (the only one, or the one named) as IR. Returns diagnostics instead of throwing.
 */
export function loadModel(
  entry: string,
  host: SourceHost,
  options: ResolveOptions & { model?: string } = {},
): { program: Program; graph?: Graph; diagnostics: Diagnostic[] } {
  const program = loadProgram(entry, host);
  if (program.diagnostics.length > 0) return { program, diagnostics: program.diagnostics };
  const models = modelsIn(program);
  const name = options.model ?? (models.length === 1 ? models[0] : undefined);
  if (!name) {
    const message = models.length === 0 ? `${entry} declares no model` : `${entry} declares ${models.length} models: ${models.join(', ')}`;
    return { program, diagnostics: [{ code: models.length === 0 ? 'E0307' : 'E0504', severity: 'error', message, hint: 'name the model to use' }] };
  }
  try {
    return { program, graph: elaborateModel(program, name, options), diagnostics: [] };
  } catch (error) {
    if (!(error instanceof DiagnosticError)) throw error;
    return { program, diagnostics: error.diagnostics };
  }
}
