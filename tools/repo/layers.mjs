// The layer table in tools/layers.json, and what follows from it: may package A import package B, and if not,
// which rule says so. Shared by eslint.config.js (imports in source) and check-layers.mjs (package manifests).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ mayImport: string[] | '*' }} LayerEntry
 * @typedef {{ from: string[], to: string[], message: string }} LayerRule
 * @typedef {{ packages: Record<string, LayerEntry>, rules: LayerRule[] }} Layers
 * @typedef {{ regex: string, message: string }} ImportPattern
 */

/** The repository root (two folders above this file). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Where the table lives, relative to the root; every message points here. */
export const LAYERS_FILE = 'tools/layers.json';

const SCOPE = '@excite/';

/**
 * Reads tools/layers.json; throws if it is invalid unless `validate` is false.
 * @param {string} [root]
 * @param {{ validate?: boolean }} [options]
 * @returns {Layers}
 */
export function readLayers(root = repoRoot, { validate = true } = {}) {
  const layers = JSON.parse(readFileSync(join(root, LAYERS_FILE), 'utf8'));
  const problems = validate ? validateLayers(layers) : [];
  if (problems.length > 0) {
    throw new Error(`${LAYERS_FILE} is invalid:\n  ${problems.join('\n  ')}`);
  }
  return layers;
}

/**
 * True when `name` matches `pattern`, where `*` in a pattern stands for any run of characters.
 * @param {string} pattern
 * @param {string} name
 */
export function globMatches(pattern, name) {
  return new RegExp(`^${globToRegex(pattern)}$`).test(name);
}

/**
 * A regular-expression source for a folder-name glob (`*` matches within one path segment).
 * @param {string} pattern
 */
export function globToRegex(pattern) {
  return pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
}

/**
 * The table key that governs a folder under packages/: an exact key wins over a glob key.
 * @param {Layers} layers
 * @param {string} folder
 * @returns {string | undefined}
 */
export function layerKeyFor(layers, folder) {
  const keys = Object.keys(layers.packages);
  return keys.find((key) => key === folder) ?? keys.find((key) => key.includes('*') && globMatches(key, folder));
}

/**
 * May the package in packages/<from> import @excite/<to>? A package never imports itself by name.
 * @param {Layers} layers
 * @param {string} from
 * @param {string} to
 */
export function mayImport(layers, from, to) {
  if (from === to && !from.includes('*')) return false;
  const key = layerKeyFor(layers, from);
  if (key === undefined) return false;
  const allowed = /** @type {LayerEntry} */ (layers.packages[key]).mayImport;
  if (allowed === '*') return layerKeyFor(layers, to) !== undefined;
  return allowed.some((pattern) => globMatches(pattern, to));
}

/**
 * Why packages/<from> may not import @excite/<to>: the first matching rule, or a plain statement of what <from> may
 * import. Call only when mayImport() is false.
 * @param {Layers} layers
 * @param {string} from
 * @param {string} to
 * @returns {string}
 */
export function explain(layers, from, to) {
  if (from === to && !from.includes('*')) return 'a package never imports itself by name; use a relative import';
  const key = layerKeyFor(layers, from);
  if (key === undefined) return `packages/${from} is not in the layer table; add it before it depends on other @excite packages`;
  if (layerKeyFor(layers, to) === undefined) {
    return `${SCOPE}${to} is not a layer in the table; packages never import apps, test suites, tools or unknown packages`;
  }
  const rule = layers.rules.find(
    (r) => r.from.some((p) => globMatches(p, from)) && r.to.some((p) => globMatches(p, to) || p === to),
  );
  if (rule) return rule.message;
  const allowed = /** @type {LayerEntry} */ (layers.packages[key]).mayImport;
  const list = allowed === '*' ? 'any layer' : allowed.length === 0 ? 'no @excite package' : allowed.join(', ');
  return `${from} may import only ${list}`;
}

/**
 * The full one-line message for a forbidden edge.
 * @param {Layers} layers
 * @param {string} from
 * @param {string} to
 */
export function violationMessage(layers, from, to) {
  return `${SCOPE}${from} must not import ${SCOPE}${to}: ${explain(layers, from, to)} (see ${LAYERS_FILE})`;
}

/**
 * Structural problems in a layer table: unknown names in mayImport or rules, rules that contradict mayImport,
 * and cycles. Returns one message per problem.
 * @param {Layers} layers
 * @returns {string[]}
 */
export function validateLayers(layers) {
  /** @type {string[]} */
  const problems = [];
  if (typeof layers !== 'object' || layers === null || typeof layers.packages !== 'object') {
    return ['expected an object with "packages" and "rules"'];
  }
  const keys = Object.keys(layers.packages);
  const known = (/** @type {string} */ name) => name === '*' || keys.some((k) => globMatches(k, name) || k === name);
  for (const [key, entry] of Object.entries(layers.packages)) {
    const allowed = entry?.mayImport;
    if (allowed === '*') continue;
    if (!Array.isArray(allowed)) {
      problems.push(`packages.${key}.mayImport must be an array of folder names or "*"`);
      continue;
    }
    for (const name of allowed) {
      if (!known(name)) problems.push(`packages.${key}.mayImport names "${name}", which is not in the table`);
    }
  }
  for (const [i, rule] of (layers.rules ?? []).entries()) {
    if (!Array.isArray(rule.from) || !Array.isArray(rule.to) || typeof rule.message !== 'string') {
      problems.push(`rules[${i}] needs "from" and "to" arrays and a "message"`);
      continue;
    }
    for (const name of [...rule.from, ...rule.to]) {
      if (!known(name)) problems.push(`rules[${i}] names "${name}", which is not in the table`);
    }
  }
  // A rule explains a forbidden edge; it must not cover an edge that mayImport allows between concrete keys.
  const concrete = keys.filter((k) => !k.includes('*'));
  for (const from of concrete) {
    for (const to of concrete) {
      if (!mayImport(layers, from, to)) continue;
      const rule = (layers.rules ?? []).find(
        (r) => r.from.some((p) => globMatches(p, from)) && r.to.some((p) => globMatches(p, to)),
      );
      // Wildcard rules ("nothing but the cli imports the zoo") are explanations for everyone else; skip them.
      if (rule && !rule.from.includes('*') && !rule.to.includes('*')) {
        problems.push(`rule "${rule.message}" covers ${from} -> ${to}, which packages.${from}.mayImport allows`);
      }
    }
  }
  // No cycles among the keys (a glob key stands for its whole family).
  /** @type {(key: string) => string[]} */
  const edges = (key) => {
    const allowed = /** @type {LayerEntry} */ (layers.packages[key]).mayImport;
    if (allowed === '*') return [];
    return keys.filter((k) => k !== key && allowed.some((a) => globMatches(a, k) || globMatches(k, a)));
  };
  /** @type {Map<string, 'open' | 'done'>} */
  const state = new Map();
  /** @type {(key: string, path: string[]) => void} */
  const visit = (key, path) => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'open') {
      problems.push(`cycle: ${[...path.slice(path.indexOf(key)), key].join(' -> ')}`);
      return;
    }
    state.set(key, 'open');
    for (const next of edges(key)) visit(next, [...path, key]);
    state.set(key, 'done');
  };
  for (const key of keys) visit(key, []);
  return problems;
}

/**
 * Folder names under packages/.
 * @param {string} [root]
 * @returns {string[]}
 */
export function packageFolders(root = repoRoot) {
  const dir = join(root, 'packages');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * no-restricted-imports patterns for source files in packages/<from>: one per forbidden layer (with the rule that
 * forbids it), one for @excite names outside the table, and one for relative paths into sibling packages.
 * @param {Layers} layers
 * @param {string} from
 * @param {string[]} folders folder names that exist under packages/
 * @returns {ImportPattern[]}
 */
export function importPatterns(layers, from, folders) {
  const keys = Object.keys(layers.packages);
  const globs = keys.filter((k) => k.includes('*'));
  const concrete = [
    ...new Set([
      ...folders,
      ...keys.filter((k) => !k.includes('*')),
      ...Object.values(layers.packages).flatMap((e) => (e.mayImport === '*' ? [] : e.mayImport)),
      ...layers.rules.flatMap((r) => r.to),
    ]),
  ]
    .filter((name) => !name.includes('*'))
    .sort();
  // ESLint compiles these with the u flag, where only syntax characters may be escaped.
  const escape = (/** @type {string} */ s) => s.replace(/[.+?^${}()|[\]\\*]/g, '\\$&');
  const scope = escape(SCOPE);
  const tail = '(?:/.*)?$';
  /** @type {ImportPattern[]} */
  const patterns = [];

  for (const to of concrete) {
    if (mayImport(layers, from, to)) continue;
    patterns.push({ regex: `^${scope}${escape(to)}${tail}`, message: violationMessage(layers, from, to) });
  }
  // A family such as backend-*: members not named above, e.g. a backend that does not exist yet.
  const notConcrete = concrete.length > 0 ? `(?!(?:${concrete.map(escape).join('|')})(?:/|$))` : '';
  for (const glob of globs) {
    const key = layerKeyFor(layers, from);
    const allowed = key === undefined ? [] : /** @type {LayerEntry} */ (layers.packages[key]).mayImport;
    if (allowed === '*' || allowed.includes(glob)) continue;
    patterns.push({
      regex: `^${scope}${notConcrete}${globToRegex(glob)}${tail}`,
      message: violationMessage(layers, from, glob),
    });
  }
  // Any other @excite name: apps, test suites, tools, typos.
  const everyLayer = [...concrete.map(escape), ...globs.map(globToRegex)].join('|');
  patterns.push({
    regex: `^${scope}(?!(?:${everyLayer})(?:/|$))`,
    message: `packages never import @excite names outside the layer table (apps, test suites, tools) (see ${LAYERS_FILE})`,
  });
  // Reaching into another package's folder by a relative path skips both this rule and the package's exports.
  const siblings = [...concrete.filter((name) => name !== from).map(escape), ...globs.map(globToRegex)].join('|');
  patterns.push({
    regex: `^(?:\\.\\./)+(?:packages/)?(?:${siblings})/(?:src|dist|test)(?:/|$)`,
    message: `import another package by its @excite name, never by a relative path into its folder (see ${LAYERS_FILE})`,
  });
  return patterns;
}

/**
 * Flat-config objects that put the layer rule on packages/: first one per table key with no folder yet (so a new
 * backend-* folder is covered from its first file), then one per existing folder, which wins where both match.
 * @param {string} [root]
 */
export function eslintLayerConfigs(root = repoRoot) {
  const layers = readLayers(root);
  const folders = packageFolders(root);
  const extensions = '{ts,tsx,mts,cts,js,mjs,cjs}';
  const block = (/** @type {string} */ from) => ({
    name: `excite/layers/${from}`,
    files: [`packages/${from}/**/*.${extensions}`],
    rules: {
      'no-restricted-imports': /** @type {['error', { patterns: ImportPattern[] }]} */ ([
        'error',
        { patterns: importPatterns(layers, from, folders) },
      ]),
    },
  });
  const keysWithoutFolder = Object.keys(layers.packages).filter((key) => !folders.includes(key));
  return [...keysWithoutFolder.map(block), ...folders.map(block)];
}
