import type { Diagnostic, SourceFile, Span } from './diagnostic.js';

/** 1-based line and column of a character offset (columns count UTF-16 units, like editors' defaults). */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < clamped; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: clamped - lineStart + 1 };
}

const MAX_LINE_WIDTH = 120;

function lineText(text: string, line: number): string {
  return text.split('\n')[line - 1]?.replace(/\r$/, '') ?? '';
}

function locate(span: Span, files: ReadonlyMap<string, SourceFile>) {
  const file = files.get(span.file);
  if (!file) return { header: span.file, excerpt: [] as string[] };
  const { line, column } = lineColumnOf(file.text, span.start);
  const end = lineColumnOf(file.text, Math.max(span.start, span.end - 1));
  const source = lineText(file.text, line);
  // Underline to the end of the span when it stays on one line, otherwise a single caret.
  const width = end.line === line ? Math.max(1, end.column - column + 1) : 1;
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  // Long lines (minified or binary input) are shown as a window around the caret.
  const start = column - 1 > MAX_LINE_WIDTH / 2 ? column - 1 - MAX_LINE_WIDTH / 2 : 0;
  const window = source.replace(/\t/g, ' ').slice(start, start + MAX_LINE_WIDTH);
  const visibleSource = `${start > 0 ? '…' : ''}${window}${start + MAX_LINE_WIDTH < source.length ? '…' : ''}`;
  const caretColumn = column - start + (start > 0 ? 1 : 0);
  const excerpt = [
    `${pad} |`,
    `${line} | ${visibleSource}`,
    `${pad} | ${' '.repeat(caretColumn - 1)}${'^'.repeat(Math.min(width, Math.max(1, window.length - (column - 1 - start))))}`,
  ];
  return { header: `${span.file}:${line}:${column}`, excerpt };
}

/**
 * Renders one diagnostic like a compiler: `file:line:col: error[E0104]: message`, the source line, a caret
 * under the offending text, then the hint.
 */
export function renderDiagnostic(diagnostic: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
  const lines: string[] = [];
  const where = diagnostic.span ? locate(diagnostic.span, files) : undefined;
  const prefix = where ? `${where.header}: ` : '';
  lines.push(`${prefix}${diagnostic.severity}[${diagnostic.code}]: ${diagnostic.message}`);
  if (where) lines.push(...where.excerpt);
  for (const related of diagnostic.related ?? []) {
    const at = locate(related.span, files);
    lines.push(`note: ${at.header}: ${related.message}`, ...at.excerpt);
  }
  if (diagnostic.hint) lines.push(`hint: ${diagnostic.hint}`);
  return lines.join('\n');
}

/** Renders diagnostics, at most `limit` of them (a binary file should not print thousands), then how many more. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
  limit = 20,
): string {
  const shown = diagnostics.slice(0, limit).map((d) => renderDiagnostic(d, files));
  if (diagnostics.length > limit) shown.push(`… and ${diagnostics.length - limit} more`);
  return shown.join('\n\n');
}
