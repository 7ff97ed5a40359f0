export type { Severity, Span, Diagnostic, SourceFile } from './diagnostic.js';
export { DiagnosticError, createDiagnostic, isDiagnosticError, spanAt } from './diagnostic.js';
export { CATALOG, type DiagnosticCode, type CatalogEntry } from './catalog.js';
export { renderDiagnostic, renderDiagnostics, lineColumnOf } from './render.js';
export { nearestName, editDistance } from './suggest.js';
