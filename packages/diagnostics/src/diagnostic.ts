import { CATALOG, type CatalogEntry, type DiagnosticCode } from './catalog.js';

export type Severity = 'error' | 'warning';

/** A half-open character range [start, end) in one source file. Line and column are derived when rendering. */
export interface Span {
  file: string;
  start: number;
  end: number;
}

/** A source file as diagnostics see it: a name to print and the text to point into. */
export interface SourceFile {
  name: string;
  text: string;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  /** What is wrong, in one sentence. */
  message: string;
  /** Where it is wrong. Absent only for problems that belong to no file (a missing file argument). */
  span?: Span;
  /** What would be right. */
  hint?: string;
  /** Secondary places worth showing ("first defined here"). */
  related?: { span: Span; message: string }[];
}

/**
 * Builds a diagnostic for a catalogued code. The message is specific to the occurrence; the catalog supplies
 * the default hint when the caller has no better one.
 */
export function createDiagnostic(
  code: DiagnosticCode,
  message: string,
  span?: Span,
  hint?: string,
): Diagnostic {
  const entry: CatalogEntry = CATALOG[code];
  const diagnostic: Diagnostic = { code, severity: entry.severity, message };
  if (span) diagnostic.span = span;
  const finalHint = hint ?? entry.hint;
  if (finalHint) diagnostic.hint = finalHint;
  return diagnostic;
}

/**
 * The one exception type for user mistakes. Everything user-facing catches it and renders its diagnostics;
 * anything else that escapes is a bug in excite, not in the user's model.
 */
export class DiagnosticError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'DiagnosticError';
    this.diagnostics = list;
  }
}

export function isDiagnosticError(value: unknown): value is DiagnosticError {
  return value instanceof DiagnosticError;
}

export function spanAt(file: string, start: number, end: number = start + 1): Span {
  return { file, start, end };
}
