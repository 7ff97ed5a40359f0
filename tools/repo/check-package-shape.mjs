#!/usr/bin/env node
// The shape of a packed package: what `npm install` will put on a user's disk must be complete and must say what it
// needs. Checked on the tarball's contents, not on the workspace folder, because `files`, `.npmignore` and pnpm's
// rewriting of `workspace:` ranges only show in what is packed.
// Usage: node tools/repo/check-package-shape.mjs [packages/<name> ...]   (default: every publishable package)
// Packs each package into a temporary folder, extracts it and prints one line per problem; exits 1 if there is any.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, posix, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './layers.mjs';

/**
 * @typedef {string | null | { [condition: string]: ExportTarget }} ExportTarget
 * @typedef {{ name?: string, version?: string, description?: string, license?: string, private?: boolean,
 *   repository?: unknown, files?: string[], sideEffects?: unknown, engines?: { node?: string },
 *   type?: string, types?: string, main?: string, bin?: string | Record<string, string>,
 *   exports?: Record<string, ExportTarget>, dependencies?: Record<string, string>,
 *   peerDependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }} PackedManifest
 */

/** TypeScript's import scanner: it knows strings, comments and templates, so generated-code strings are not imports. */
const ts = /** @type {typeof import('typescript')} */ (createRequire(join(repoRoot, 'package.json'))('typescript'));

const REQUIRED_FIELDS = /** @type {const} */ ([
  'name', 'version', 'description', 'license', 'repository', 'exports', 'files', 'sideEffects', 'engines',
]);
const BUILTINS = new Set(builtinModules);

/**
 * Every file under a folder, as package-relative POSIX paths (what the tarball holds under `package/`).
 * @param {string} dir
 * @returns {string[]}
 */
export function listFiles(dir) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} at */
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Every file path an `exports` value points at, with the key path that leads to it (e.g. `exports["./node"].types`).
 * @param {Record<string, ExportTarget>} exportsMap
 * @returns {{ where: string, target: string }[]}
 */
export function exportTargets(exportsMap) {
  /** @type {{ where: string, target: string }[]} */
  const out = [];
  /** @param {ExportTarget} value @param {string} where */
  const visit = (value, where) => {
    if (typeof value === 'string') out.push({ where, target: value });
    else if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) visit(inner, `${where}.${key}`);
  };
  for (const [subpath, value] of Object.entries(exportsMap)) visit(value, `exports["${subpath}"]`);
  return out;
}

/**
 * The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for relative, absolute,
 * URL and builtin specifiers.
 * @param {string} specifier
 */
export function bareImportPackage(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#')) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return undefined; // node:, data:, file:, https:
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  if (name === undefined || BUILTINS.has(name)) return undefined;
  return name;
}

/**
 * The module specifiers a JavaScript or declaration file imports: static and dynamic `import`, `export … from`,
 * `require()` and `import type`.
 * @param {string} text
 * @returns {string[]}
 */
export function importedSpecifiers(text) {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * The problems with an extracted package (the folder that holds its package.json); empty when it is fit to publish.
 * @param {string} dir
 * @returns {string[]}
 */
export function checkPackageShape(dir) {
  /** @type {string[]} */
  const problems = [];
  const manifestPath = join(dir, 'package.json');
  if (!existsSync(manifestPath)) return [`${dir}: no package.json`];
  const manifest = /** @type {PackedManifest} */ (JSON.parse(readFileSync(manifestPath, 'utf8')));
  const label = manifest.name ?? dir;
  const files = new Set(listFiles(dir));
  const has = (/** @type {string} */ target) => files.has(posix.normalize(target.replace(/^\.\//, '')));

  for (const field of REQUIRED_FIELDS) {
    if (manifest[field] === undefined || manifest[field] === '') problems.push(`${label}: package.json has no "${field}"`);
  }
  if (manifest.private) problems.push(`${label}: is private, so it cannot be published`);
  if (manifest.type !== 'module') problems.push(`${label}: "type" is ${JSON.stringify(manifest.type)}, expected "module" (the dist files are ESM)`);
  if (!files.has('README.md')) problems.push(`${label}: README.md is not packed`);

  /** @type {Record<string, string>} */
  const declared = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
  for (const [dependency, range] of Object.entries(declared)) {
    if (range.startsWith('workspace:')) problems.push(`${label}: dependency ${dependency} is "${range}": pack with pnpm, which resolves workspace ranges`);
  }

  const targets = exportTargets(manifest.exports ?? {});
  if (manifest.types) targets.push({ where: 'types', target: manifest.types });
  if (manifest.main) targets.push({ where: 'main', target: manifest.main });
  const bin = typeof manifest.bin === 'string' ? { [label]: manifest.bin } : (manifest.bin ?? {});
  for (const [command, target] of Object.entries(bin)) targets.push({ where: `bin.${command}`, target });
  for (const { where, target } of targets) {
    if (target.includes('*')) continue; // subpath patterns are checked through the files they match
    if (where.startsWith('exports') && !target.startsWith('./')) {
      problems.push(`${label}: ${where} is "${target}", which must start with "./"`);
    } else if (!has(target)) {
      problems.push(`${label}: ${where} points at ${target}, which is not in the package (check "files" and the build)`);
    }
  }
  for (const [command, target] of Object.entries(bin)) {
    // npm links the file itself as the command: without a shebang the shell, not Node, would run it.
    if (has(target) && !readFileSync(join(dir, target), 'utf8').startsWith('#!')) problems.push(`${label}: bin.${command} (${target}) does not start with a #! line`);
  }
  for (const [, entry] of Object.entries(manifest.exports ?? {})) {
    if (entry !== null && typeof entry === 'object' && !('types' in entry)) problems.push(`${label}: an exports entry has no "types" condition`);
  }

  for (const file of files) {
    if (!file.startsWith('dist/') || !/\.(js|d\.ts)$/.test(file)) continue;
    for (const specifier of importedSpecifiers(readFileSync(join(dir, file), 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = posix.join(posix.dirname(file), specifier);
        // Declarations import './x.js' for the declaration file './x.d.ts'.
        const candidates = file.endsWith('.d.ts') ? [target, target.replace(/\.js$/, '.d.ts')] : [target];
        if (!candidates.some((c) => files.has(c))) problems.push(`${label}: ${file} imports ${specifier}, which is not in the package`);
        continue;
      }
      const dependency = bareImportPackage(specifier);
      if (dependency === undefined || dependency === manifest.name) continue;
      if (!(dependency in declared)) {
        problems.push(`${label}: ${file} imports ${specifier}, but ${dependency} is not in "dependencies" (nor peer or optional)`);
      }
    }
  }
  return problems;
}

/**
 * Packs a workspace package with pnpm (which resolves `workspace:` ranges) into `destination` and extracts it there.
 * @param {string} packageDir absolute path of the workspace package
 * @param {string} destination an existing folder
 * @returns {{ tarball: string, dir: string }} the tarball and the folder it was extracted to
 */
export function packPackage(packageDir, destination) {
  const report = /** @type {{ filename: string }} */ (
    JSON.parse(execFileSync('pnpm', ['pack', '--json', '--pack-destination', destination], { cwd: packageDir, encoding: 'utf8' }))
  );
  const tarball = resolve(destination, report.filename);
  const dir = join(destination, posix.basename(tarball, '.tgz'));
  rmSync(dir, { recursive: true, force: true });
  execFileSync('mkdir', ['-p', dir]);
  execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
  return { tarball, dir };
}

/**
 * The publishable packages: every packages/* folder whose package.json is not private.
 * @param {string} [root]
 * @returns {string[]} absolute folders
 */
export function publishableDirs(root = repoRoot) {
  const top = join(root, 'packages');
  return readdirSync(top, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(top, e.name, 'package.json')))
    .map((e) => join(top, e.name))
    .filter((dir) => !(/** @type {PackedManifest} */ (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).private))
    .sort();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : publishableDirs();
  const destination = mkdtempSync(join(tmpdir(), 'excite-shape-'));
  let problems = 0;
  try {
    for (const packageDir of dirs) {
      const { dir } = packPackage(packageDir, destination);
      const found = checkPackageShape(dir);
      problems += found.length;
      for (const line of found) console.log(line);
      if (found.length === 0) console.log(`ok ${relative(repoRoot, packageDir)} (${listFiles(dir).length} files)`);
    }
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
  if (problems > 0) {
    console.error(`${problems} problem(s); build first (pnpm build) if dist/ files are reported missing`);
    process.exitCode = 1;
  }
}
