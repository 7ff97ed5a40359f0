#!/usr/bin/env node
// The changeset rule: a published package whose shipped source changed since its last release needs a pending
// changeset that names it.
//
//   last release of P  = the newest commit (in HEAD's history) that changed the "version" line of
//                        packages/P/package.json; `changeset version` writes exactly that line when it releases P
//                        (and when a dependency's release bumps P). A package that was never released counts from
//                        before the commit that created it, so its first release needs a changeset too. A version
//                        that differs in the working tree from HEAD's is a release in progress: nothing is pending.
//   changed since then = any difference between that commit and the working tree (committed, staged, unstaged or
//                        untracked) under packages/P/src or another entry of P's "files" (dist excluded: it is built).
//   pending changesets = .changeset/*.md other than README.md; `changeset version` deletes them when it releases.
//
// Usage: node tools/repo/check-changesets.mjs          one line per published package; exits 1 if any needs one
//        node tools/repo/check-changesets.mjs --list   only the names of the packages that need a changeset
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './layers.mjs';

/**
 * @typedef {{ file: string, releases: Map<string, string> }} Changeset  package name -> bump
 * @typedef {{ name: string, dir: string, since: string, changed: string[], changesets: string[], needsChangeset: boolean }} PackageStatus
 *   since: the release commit (short hash) or "working tree"; changed: changed paths, relative to the root
 * @typedef {{ packages: PackageStatus[], problems: string[] }} ChangesetReport
 */

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const BUMPS = new Set(['major', 'minor', 'patch']);

/**
 * @param {string} root
 * @param {string[]} args
 */
function git(root, args) {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** @param {string} root @param {string} spec e.g. HEAD:packages/ir/package.json */
function gitHas(root, spec) {
  try {
    git(root, ['cat-file', '-e', spec]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pending changesets of a repository, parsed from their front matter (`"@excite/ir": minor`).
 * @param {string} root
 * @returns {{ changesets: Changeset[], problems: string[] }}
 */
export function readChangesets(root) {
  const dir = join(root, '.changeset');
  /** @type {Changeset[]} */
  const changesets = [];
  /** @type {string[]} */
  const problems = [];
  if (!existsSync(dir)) return { changesets, problems };
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md').sort()) {
    const file = `.changeset/${name}`;
    const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, name), 'utf8'));
    if (!match) {
      problems.push(`${file}: no front matter (a "---" block naming packages and bumps)`);
      continue;
    }
    /** @type {Map<string, string>} */
    const releases = new Map();
    for (const line of (match[1] ?? '').split(/\r?\n/).filter((l) => l.trim() !== '')) {
      const release = /^\s*(["']?)([^"':\s]+)\1\s*:\s*(\S+)\s*$/.exec(line);
      if (!release || !BUMPS.has(release[3] ?? '')) {
        problems.push(`${file}: ${line.trim()} is not a release line (write "@excite/<name>": major | minor | patch)`);
        continue;
      }
      releases.set(/** @type {string} */ (release[2]), /** @type {string} */ (release[3]));
    }
    changesets.push({ file, releases });
  }
  return { changesets, problems };
}

/**
 * The commit P was last released at, or the commit before its creation when it never was; undefined when the
 * working tree holds a release (a version that differs from HEAD's).
 * @param {string} root
 * @param {string} manifestPath relative to root
 * @returns {string | undefined}
 */
export function releaseBase(root, manifestPath) {
  if (!gitHas(root, `HEAD:${manifestPath}`)) return EMPTY_TREE; // not committed yet: everything in it is new
  const version = (/** @type {string} */ text) => /** @type {{ version?: string }} */ (JSON.parse(text)).version;
  if (version(git(root, ['show', `HEAD:${manifestPath}`])) !== version(readFileSync(join(root, manifestPath), 'utf8'))) return undefined;
  // Commits whose diff adds or removes a "version" line, newest first; the first that changes the value is the release
  // (one that only re-indents the manifest is not).
  const candidates = git(root, ['log', '--format=%H', '-G', '^\\s*"version"\\s*:', 'HEAD', '--', manifestPath]).split('\n').filter(Boolean);
  for (const commit of candidates) {
    if (!gitHas(root, `${commit}^:${manifestPath}`)) return baseBeforeCreation(root, commit);
    if (version(git(root, ['show', `${commit}:${manifestPath}`])) !== version(git(root, ['show', `${commit}^:${manifestPath}`]))) return commit;
  }
  return EMPTY_TREE;
}

/**
 * @param {string} root
 * @param {string | undefined} creation the commit that created the manifest, when known
 */
function baseBeforeCreation(root, creation) {
  if (creation === undefined) return EMPTY_TREE;
  return gitHas(root, `${creation}^`) ? `${creation}^` : EMPTY_TREE;
}

/**
 * Which published packages changed since their last release and whether a pending changeset names each.
 * @param {string} [root]
 * @returns {ChangesetReport}
 */
export function changesetStatus(root = repoRoot) {
  // In a shallow clone the history stops early: a release beyond the boundary looks like "never released", which
  // only makes the rule stricter (every changed package then needs a pending changeset), never more lenient.
  const { changesets, problems } = readChangesets(root);
  const top = join(root, 'packages');
  /** @type {PackageStatus[]} */
  const packages = [];
  /** @type {Set<string>} */
  const published = new Set();
  for (const folder of readdirSync(top).sort()) {
    const manifestPath = `packages/${folder}/package.json`;
    if (!existsSync(join(root, manifestPath))) continue;
    const manifest = /** @type {{ name: string, private?: boolean, files?: string[] }} */ (JSON.parse(readFileSync(join(root, manifestPath), 'utf8')));
    if (manifest.private) continue;
    published.add(manifest.name);
    const shipped = [...new Set(['src', ...(manifest.files ?? [])])].filter((f) => f !== 'dist' && !f.startsWith('dist/') && !f.startsWith('!'));
    const paths = shipped.map((f) => `packages/${folder}/${f.replace(/^\.\//, '')}`);
    const base = releaseBase(root, manifestPath);
    const changed = base === undefined ? [] : [
      ...git(root, ['diff', '--name-only', base, '--', ...paths]).split('\n'),
      ...git(root, ['ls-files', '--others', '--exclude-standard', '--', ...paths]).split('\n'),
    ].filter((p) => p !== '');
    const naming = changesets.filter((c) => c.releases.has(manifest.name)).map((c) => c.file);
    packages.push({
      name: manifest.name,
      dir: `packages/${folder}`,
      since: base === undefined ? 'working tree' : base === EMPTY_TREE ? 'the start' : git(root, ['rev-parse', '--short', base]),
      changed: [...new Set(changed)].sort(),
      changesets: naming,
      needsChangeset: changed.length > 0 && naming.length === 0,
    });
  }
  for (const { file, releases } of changesets) {
    for (const name of releases.keys()) if (!published.has(name)) problems.push(`${file}: names ${name}, which is not a published package`);
  }
  return { packages, problems };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? repoRoot;
  const { packages, problems } = changesetStatus(resolve(root));
  const missing = packages.filter((p) => p.needsChangeset);
  if (process.argv.includes('--list')) {
    for (const p of missing) console.log(p.name);
  } else {
    for (const p of packages) {
      const what = p.changed.length === 0 ? 'unchanged' : `${p.changed.length} file(s) changed`;
      const verdict = p.needsChangeset ? 'NEEDS A CHANGESET' : p.changesets.length > 0 ? `covered by ${p.changesets.join(', ')}` : 'ok';
      console.log(`${p.name}: ${what} since ${p.since}: ${verdict}`);
    }
    for (const problem of problems) console.log(problem);
    if (missing.length > 0) console.log(`add one with \`pnpm changeset\` naming: ${missing.map((p) => p.name).join(' ')}`);
  }
  if (missing.length > 0 || problems.length > 0) process.exitCode = 1;
}
