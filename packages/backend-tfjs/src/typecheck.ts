import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';

/**
 * Type-checks generated modules with the TypeScript compiler (`strict: true`, unused locals reported, the settings of
 * a modern ESM project) against the `@tensorflow/tfjs` installed where `resolveFrom` looks (default: this package's
 * own dev install). The modules are held in memory, as if they were files in `resolveFrom`. Returns the diagnostics,
 * rendered as `file(line,col): message`; none means the modules type-check.
 */
export function typeCheckModules(modules: Readonly<Record<string, string>>, resolveFrom?: string): string[] {
  // This package's folder, from src/ or dist/ alike.
  const root = join(resolveFrom ?? fileURLToPath(new URL('..', import.meta.url)), '__generated__');
  const project = new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, types: [], lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      noUnusedLocals: true, noImplicitReturns: true,
    },
  });
  for (const [name, text] of Object.entries(modules)) project.createSourceFile(join(root, name), text, { overwrite: true });
  return project.getPreEmitDiagnostics().map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n');
    const file = d.getSourceFile();
    return file ? `${file.getFilePath()}(${d.getLineNumber()}): ${message}` : message;
  });
}
