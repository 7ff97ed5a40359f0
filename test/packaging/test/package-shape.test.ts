// The package-shape check (tools/repo/check-package-shape.mjs) against packages broken on purpose: a file the
// build wrote but `files` leaves out, an export that points nowhere, an import of an undeclared package. The
// end-to-end test (packed.test.ts) runs the same check on every real packed package.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bareImportPackage,
  checkPackageShape,
  importedSpecifiers,
  packPackage,
} from '../../../tools/repo/check-package-shape.mjs';
import { repoRoot } from '../../../tools/repo/layers.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'excite-shape-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const goodManifest = {
  name: '@excite/sample',
  version: '1.2.3',
  description: 'a sample package',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://github.com/excite-dev/excite.git', directory: 'packages/sample' },
  type: 'module',
  exports: {
    '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    './node': { types: './dist/node.d.ts', default: './dist/node.js' },
  },
  files: ['dist'],
  sideEffects: false,
  engines: { node: '>=20.19' },
  dependencies: { '@excite/ir': '0.1.0', '@scope/tool': '^2.0.0' },
};

const goodFiles: Record<string, string> = {
  'README.md': '# sample\n',
  'dist/index.js': [
    "import { readFileSync } from 'node:fs';",
    "import { join } from 'path';",
    "import { Graph } from '@excite/ir';",
    "import { run } from '@scope/tool/sub/path.js';",
    "export { helper } from './helper.js';",
    "export * from './node.js';",
    // Strings and comments that look like imports are generated code, not dependencies.
    'export const generated = "import * as tf from \'@tensorflow/tfjs\';";',
    "// import 'commented-out';",
    'export const template = `require("not-a-dependency")`;',
    "export async function later() { return import('@excite/ir'); }",
    "export const self = () => import('@excite/sample/node');",
  ].join('\n'),
  'dist/index.d.ts': "export { helper } from './helper.js';\nexport type { Graph } from '@excite/ir';\n",
  'dist/helper.js': 'export const helper = 1;\n',
  'dist/helper.d.ts': 'export declare const helper = 1;\n',
  'dist/node.js': 'export const node = 1;\n',
  'dist/node.d.ts': 'export declare const node = 1;\n',
};

/** Writes a package folder (as a tarball extracts) from the good sample with the given changes. */
function samplePackage(name: string, change: { manifest?: (m: typeof goodManifest) => object; files?: Record<string, string | null> } = {}) {
  const dir = join(scratch, name);
  const manifest = change.manifest ? change.manifest(structuredClone(goodManifest)) : goodManifest;
  const files: Record<string, string | null> = { ...goodFiles, ...change.files, 'package.json': JSON.stringify(manifest, null, 2) };
  for (const [path, text] of Object.entries(files)) {
    if (text === null) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('the package-shape check', () => {
  it('passes a complete package (builtins, scoped subpaths, self-references and strings are not dependencies)', () => {
    expect(checkPackageShape(samplePackage('good'))).toEqual([]);
  });

  it('reads imports the way the module loader does', () => {
    expect(importedSpecifiers("import a from 'x';\nexport * from './y.js';\nconst z = await import('z');\nconst s = 'import q from \"q\"';")).toEqual(['x', './y.js', 'z']);
    expect(bareImportPackage('@scope/name/deep/file.js')).toBe('@scope/name');
    expect(bareImportPackage('name/sub')).toBe('name');
    expect(bareImportPackage('node:fs')).toBeUndefined();
    expect(bareImportPackage('fs/promises')).toBeUndefined();
    expect(bareImportPackage('./local.js')).toBeUndefined();
  });

  it('catches a missing file: a relative import the package does not contain', () => {
    const dir = samplePackage('missing-file', { files: { 'dist/helper.js': null } });
    expect(checkPackageShape(dir)).toEqual(['@excite/sample: dist/index.js imports ./helper.js, which is not in the package']);
  });

  it('catches a wrong export: a target that does not exist', () => {
    const dir = samplePackage('wrong-export', {
      manifest: (m) => ({ ...m, exports: { ...m.exports, '.': { types: './dist/index.d.ts', default: './dist/main.js' } } }),
    });
    expect(checkPackageShape(dir)).toEqual([
      '@excite/sample: exports["."].default points at ./dist/main.js, which is not in the package (check "files" and the build)',
    ]);
  });

  it('catches an undeclared dependency, static or dynamic, in JavaScript and in declarations', () => {
    const dir = samplePackage('undeclared', {
      manifest: (m) => ({ ...m, dependencies: {}, devDependencies: { '@scope/tool': '^2.0.0' } }),
      files: { 'dist/node.js': "export const load = () => import('webgpu');\n" },
    });
    expect(checkPackageShape(dir)).toEqual([
      '@excite/sample: dist/index.d.ts imports @excite/ir, but @excite/ir is not in "dependencies" (nor peer or optional)',
      '@excite/sample: dist/index.js imports @excite/ir, but @excite/ir is not in "dependencies" (nor peer or optional)',
      '@excite/sample: dist/index.js imports @scope/tool/sub/path.js, but @scope/tool is not in "dependencies" (nor peer or optional)',
      '@excite/sample: dist/index.js imports @excite/ir, but @excite/ir is not in "dependencies" (nor peer or optional)',
      '@excite/sample: dist/node.js imports webgpu, but webgpu is not in "dependencies" (nor peer or optional)',
    ]);
  });

  it('catches a bin that is missing or has no #! line', () => {
    const dir = samplePackage('bin', {
      manifest: (m) => ({ ...m, bin: { sample: './dist/bin.js', other: './dist/other.js' } }),
      files: { 'dist/bin.js': "import './index.js';\n" },
    });
    expect(checkPackageShape(dir)).toEqual([
      '@excite/sample: bin.other points at ./dist/other.js, which is not in the package (check "files" and the build)',
      '@excite/sample: bin.sample (./dist/bin.js) does not start with a #! line',
    ]);
  });

  it('accepts an optional peer dependency', () => {
    const dir = samplePackage('optional-peer', {
      manifest: (m) => ({ ...m, peerDependencies: { webgpu: '0.6.2' }, peerDependenciesMeta: { webgpu: { optional: true } } }),
      files: { 'dist/node.js': "export const load = () => import('webgpu');\n" },
    });
    expect(checkPackageShape(dir)).toEqual([]);
  });

  it('catches missing metadata, a workspace range left unresolved, a private flag and a missing README', () => {
    const dir = samplePackage('metadata', {
      manifest: ({ repository: _r, engines: _e, ...m }) => ({ ...m, private: true, dependencies: { ...m.dependencies, '@excite/ir': 'workspace:*' } }),
      files: { 'README.md': null },
    });
    expect(checkPackageShape(dir)).toEqual([
      '@excite/sample: package.json has no "repository"',
      '@excite/sample: package.json has no "engines"',
      '@excite/sample: is private, so it cannot be published',
      '@excite/sample: README.md is not packed',
      '@excite/sample: dependency @excite/ir is "workspace:*": pack with pnpm, which resolves workspace ranges',
    ]);
  });

  it('catches, through a real `pnpm pack`, an export whose file the "files" field leaves out', () => {
    // A copy of @excite/diagnostics (no dependencies, so it packs outside the workspace) that ships only the
    // JavaScript: the declarations that exports["."].types names are built but not packed.
    const source = join(repoRoot, 'packages/diagnostics');
    const copy = join(scratch, 'diagnostics-copy');
    cpSync(source, copy, { recursive: true, filter: (path) => !path.includes('node_modules') });
    const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...manifest, files: ['dist/**/*.js', 'README.md'] }, null, 2));
    mkdirSync(join(copy, 'dist'), { recursive: true });
    writeFileSync(join(copy, 'dist/index.js'), "export * from './render.js';\n");
    writeFileSync(join(copy, 'dist/render.js'), 'export const render = 1;\n');
    writeFileSync(join(copy, 'dist/index.d.ts'), "export * from './render.js';\n");
    writeFileSync(join(copy, 'README.md'), '# copy\n');
    const destination = join(scratch, 'packed');
    mkdirSync(destination, { recursive: true });
    const { dir } = packPackage(copy, destination);
    const problems = checkPackageShape(dir);
    expect(problems).toContain('@excite/diagnostics: exports["."].types points at ./dist/index.d.ts, which is not in the package (check "files" and the build)');
    expect(problems).toContain('@excite/diagnostics: types points at ./dist/index.d.ts, which is not in the package (check "files" and the build)');
  });
});
