import { readFileSync } from 'node:fs';
import { createDiagnostic, DiagnosticError, renderDiagnostics } from '@excite/diagnostics';
import { formatSource } from '@excite/dsl';
import { writeFileAtomic } from '../source.js';

export function fmtCommand(file: string, options: { write?: boolean; check?: boolean }): { output: string; ok: boolean } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DiagnosticError(createDiagnostic('E0501', `cannot read ${file}`));
  }
  const { output, diagnostics } = formatSource(text, file);
  if (output === undefined) {
    return { output: renderDiagnostics(diagnostics, new Map([[file, { name: file, text }]])), ok: false };
  }
  if (options.check) {
    return output === text ? { output: `${file}: formatted`, ok: true } : { output: `${file}: not formatted (run excite fmt --write ${file})`, ok: false };
  }
  if (options.write) {
    if (output !== text) writeFileAtomic(file, output);
    return { output: output === text ? `${file}: unchanged` : `${file}: formatted`, ok: true };
  }
  return { output: output.replace(/\n$/, ''), ok: true };
}
