import { createDiagnostic, type Diagnostic, type SourceFile } from '@excite/diagnostics';
import type { BlockDecl, ModelDecl, SourceFileNode } from '../ast.js';
import { parse } from '../parser.js';

/** Where `.se` sources come from: the file system in the CLI, a bundled map in the zoo and the browser. */
export interface SourceHost {
  readFile(path: string): string | undefined;
  /** The path an `import "spec"` in file `from` refers to. */
  resolve(from: string, spec: string): string;
}

/** POSIX-style join of a relative import onto the importing file's folder; works the same in Node and browsers. */
export function resolveRelative(from: string, spec: string): string {
  if (spec.startsWith('/')) return normalize(spec);
  const slash = from.lastIndexOf('/');
  return normalize(slash >= 0 ? `${from.slice(0, slash)}/${spec}` : spec);
}

function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}

/** A host over an in-memory map of path → text. */
export function memoryHost(files: Record<string, string>): SourceHost {
  return {
    readFile: (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
    resolve: resolveRelative,
  };
}

export interface Declared<T> {
  decl: T;
  file: string;
}

/** A file and everything it imports, parsed, with every block and model visible from the entry file. */
export interface Program {
  entry: string;
  files: Map<string, SourceFileNode>;
  /** Texts by file name, for rendering diagnostics. */
  sources: Map<string, SourceFile>;
  blocks: Map<string, Declared<BlockDecl>>;
  models: Map<string, Declared<ModelDecl>>;
  diagnostics: Diagnostic[];
}

/**
 * Parses `entry` and its imports (depth first, each file once), reporting missing files, cycles and names defined
 * twice. Names are global to the program: a variant file sees the blocks of the file whose model it extends.
 */
export function loadProgram(entry: string, host: SourceHost): Program {
  const program: Program = {
    entry,
    files: new Map(),
    sources: new Map(),
    blocks: new Map(),
    models: new Map(),
    diagnostics: [],
  };
  const visiting: string[] = [];

  const visit = (path: string): void => {
    if (program.files.has(path)) return;
    const text = host.readFile(path);
    if (text === undefined) return; // reported by the importer (or the caller for the entry file)
    visiting.push(path);
    const { ast, diagnostics } = parse(text, path);
    program.files.set(path, ast);
    program.sources.set(path, { name: path, text });
    program.diagnostics.push(...diagnostics);
    for (const item of ast.items) {
      if (item.kind !== 'import') continue;
      const target = host.resolve(path, item.path.value);
      if (visiting.includes(target)) {
        program.diagnostics.push(
          createDiagnostic('E0206', `import cycle: ${[...visiting.slice(visiting.indexOf(target)), target].join(' → ')}`, item.path.span),
        );
        continue;
      }
      if (!program.files.has(target) && host.readFile(target) === undefined) {
        program.diagnostics.push(createDiagnostic('E0205', `cannot find \`${item.path.value}\` (looked for ${target})`, item.path.span));
        continue;
      }
      visit(target);
    }
    for (const item of ast.items) {
      if (item.kind === 'block') declare(program.blocks, item.name.name, item, path, item.name.span, 'block');
      if (item.kind === 'model') declare(program.models, item.name.name, item, path, item.name.span, 'model');
    }
    visiting.pop();
  };

  const declare = <T>(table: Map<string, Declared<T>>, name: string, decl: T, file: string, span: Diagnostic['span'], what: string) => {
    const existing = table.get(name);
    if (existing) {
      const diagnostic = createDiagnostic('E0203', `${what} \`${name}\` is defined twice`, span);
      const existingSpan = (existing.decl as { name: { span: NonNullable<Diagnostic['span']> } }).name.span;
      diagnostic.related = [{ span: existingSpan, message: 'first defined here' }];
      program.diagnostics.push(diagnostic);
      return;
    }
    table.set(name, { decl, file });
  };

  if (host.readFile(entry) === undefined) {
    program.diagnostics.push(createDiagnostic('E0501', `cannot read ${entry}`));
  } else {
    visit(entry);
  }
  return program;
}
