import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { createDiagnostic, DiagnosticError, type SourceFile } from '@excite/diagnostics';
import { loadModel, resolveRelative, type Program, type SourceHost } from '@excite/dsl';
import type { Graph } from '@excite/ir';
import { createModel, requireZooEntry, zooEntry, zooProgram } from '@excite/zoo';

/** The file system as a source host. Paths stay as the user wrote them so diagnostics print them back. */
export const fileHost: SourceHost = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  resolve: resolveRelative,
};

/** Writes a file atomically: a temp file beside it, then a rename, so no half-written file is ever seen. */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temp = resolvePath(dirname(path), `.${Date.now()}-${process.pid}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the temp file was never created
    }
    const reason = (error as NodeJS.ErrnoException).code ?? 'I/O error';
    throw new DiagnosticError(createDiagnostic('E0505', `cannot write ${path} (${reason})`));
  }
}

export function parseInputSize(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d{1,5})(?:x(\d{1,5}))?$/.exec(text.trim());
  if (!match) {
    throw new DiagnosticError(createDiagnostic('E0503', `--input must be HxW (like 64x64) or one size, found \`${text}\``));
  }
  const h = Number(match[1]);
  const w = Number(match[2] ?? match[1]);
  if (h < 1 || w < 1) throw new DiagnosticError(createDiagnostic('E0503', `--input sizes must be positive, found \`${text}\``));
  return [h, w];
}

export function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!/^\d{1,9}$/.test(text.trim())) {
    throw new DiagnosticError(createDiagnostic('E0503', `--seed must be a non-negative integer, found \`${text}\``));
  }
  return Number(text);
}

export interface LoadedModel {
  graph: Graph;
  /** Sources to render diagnostics against (zoo files or the user's). */
  sources: Map<string, SourceFile>;
}

/** A model given on the command line: a zoo name, or a `.se` file (with `--model` when it declares several). */
export function loadModelArgument(target: string, options: { input?: string; model?: string }): LoadedModel {
  const input = parseInputSize(options.input);
  const resolveOptions = input ? { input } : {};
  const looksLikeFile = target.endsWith('.se') || target.includes('/') || existsSync(target);
  if (!looksLikeFile || zooEntry(target)) {
    const entry = requireZooEntry(target);
    const program: Program = zooProgram(entry.file);
    try {
      return { graph: createModel(target, resolveOptions), sources: program.sources };
    } catch (error) {
      if (error instanceof DiagnosticError) throw new SourcedError(error, program.sources);
      throw error;
    }
  }
  if (!existsSync(target)) throw new DiagnosticError(createDiagnostic('E0501', `cannot read ${target}: no such file`));
  const { graph, diagnostics, program } = loadModel(target, fileHost, { ...resolveOptions, ...(options.model ? { model: options.model } : {}) });
  if (!graph) throw new SourcedError(new DiagnosticError(diagnostics), program.sources);
  return { graph, sources: program.sources };
}

/** A DiagnosticError together with the sources its spans point into. */
export class SourcedError extends Error {
  constructor(
    readonly error: DiagnosticError,
    readonly sources: Map<string, SourceFile>,
  ) {
    super(error.message);
  }
}
