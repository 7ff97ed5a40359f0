#!/usr/bin/env node
// Checks the @excite/* entries in every workspace package.json against tools/layers.json. ESLint checks the
// imports in source; this checks the manifests, so a dependency cannot point the wrong way even before any code
// uses it. Usage: node tools/repo/check-layers.mjs [repo-root]. Exits 1 and prints one line per problem.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAYERS_FILE, layerKeyFor, mayImport, readLayers, repoRoot, validateLayers, violationMessage } from './layers.mjs';

/**
 * @typedef {import('./layers.mjs').Layers} Layers
 * @typedef {{ name?: string, private?: boolean, dependencies?: Record<string, string>,
 *   devDependencies?: Record<string, string>, peerDependencies?: Record<string, string> }} Manifest
 * @typedef {{ dir: string, manifest: Manifest }} WorkspacePackage  dir is relative to the root, e.g. packages/ir
 */

const SCOPE = '@excite/';
const DEPENDENCY_FIELDS = /** @type {const} */ (['dependencies', 'devDependencies', 'peerDependencies']);
const WORKSPACE_TOPS = ['packages', 'apps', 'test', 'tools'];

/**
 * Every package.json one level under packages/, apps/, test/ and tools/.
 * @param {string} [root]
 * @returns {WorkspacePackage[]}
 */
export function readWorkspace(root = repoRoot) {
  return WORKSPACE_TOPS.flatMap((top) => {
    const dir = join(root, top);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
      .map((entry) => ({
        dir: `${top}/${entry.name}`,
        manifest: /** @type {Manifest} */ (JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8'))),
      }));
  }).sort((a, b) => a.dir.localeCompare(b.dir));
}

/**
 * The problems with a workspace's manifests under a layer table; empty when all is well.
 * Only packages/* are layers: apps/*, test/* and tools/* may depend on anything, but no package may depend on them.
 * @param {{ layers: Layers, workspace: WorkspacePackage[] }} input
 * @returns {string[]}
 */
export function checkLayers({ layers, workspace }) {
  /** @type {string[]} */
  const problems = validateLayers(layers).map((p) => `${LAYERS_FILE}: ${p}`);
  /** @type {Map<string, string>} package name -> dir */
  const dirByName = new Map(workspace.filter((p) => p.manifest.name).map((p) => [/** @type {string} */ (p.manifest.name), p.dir]));

  for (const { dir, manifest } of workspace) {
    const [top, folder] = /** @type {[string, string]} */ (dir.split('/'));
    if (top !== 'packages') continue;
    const from = folder;
    if (layerKeyFor(layers, from) === undefined) {
      problems.push(`${dir}/package.json: packages/${from} is not in ${LAYERS_FILE}; add it with the layers it may import`);
      continue;
    }
    if (manifest.name !== `${SCOPE}${from}`) {
      problems.push(`${dir}/package.json: name is ${JSON.stringify(manifest.name)}, expected "${SCOPE}${from}"`);
    }
    for (const field of DEPENDENCY_FIELDS) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (!dep.startsWith(SCOPE)) continue;
        const depDir = dirByName.get(dep);
        if (depDir !== undefined && !depDir.startsWith('packages/')) {
          problems.push(
            `${dir}/package.json: ${field} has ${dep} (${depDir}); packages never depend on apps, test suites or tools`,
          );
          continue;
        }
        // A dependency on a package that is in the table but not yet in the workspace is still judged by the table.
        const to = depDir === undefined ? dep.slice(SCOPE.length) : /** @type {string} */ (depDir.split('/')[1]);
        if (!mayImport(layers, from, to)) {
          problems.push(`${dir}/package.json: ${field}: ${violationMessage(layers, from, to)}`);
        }
      }
    }
  }
  return problems;
}

/**
 * Reads the real table and workspace under root and checks them.
 * @param {string} [root]
 */
export function checkRepo(root = repoRoot) {
  return checkLayers({ layers: readLayers(root, { validate: false }), workspace: readWorkspace(root) });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(process.argv[2] ?? repoRoot);
  const problems = checkRepo(root);
  if (problems.length > 0) {
    console.error(`check-layers: ${problems.length} problem${problems.length === 1 ? '' : 's'} with the package layers:`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exit(1);
  }
  const count = readWorkspace(root).filter((p) => p.dir.startsWith('packages/')).length;
  console.log(`check-layers: ${count} packages follow ${LAYERS_FILE}`);
}
