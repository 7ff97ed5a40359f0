import { renderDiagnostics } from '@excite/diagnostics';
import { checkFile } from '@excite/dsl';
import { fileHost } from '../source.js';

/** Returns the report and whether the file is free of errors. */
export function checkCommand(file: string): { output: string; ok: boolean } {
  const { diagnostics, graphs, program } = checkFile(file, fileHost);
  if (diagnostics.length > 0) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    return {
      output: `${renderDiagnostics(diagnostics, program.sources)}\n\n${errors} error${errors === 1 ? '' : 's'} in ${file}`,
      ok: errors === 0,
    };
  }
  const names = [...graphs.keys()];
  return { output: `${file}: ok (${names.length} model${names.length === 1 ? '' : 's'}${names.length ? `: ${names.join(', ')}` : ''})`, ok: true };
}
