// The changeset rule (tools/repo/check-changesets.mjs): a published package whose shipped source changed since its
// last release needs a pending changeset naming it. Checked on this repository, and step by step through a release
// cycle in a scratch git repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changesetStatus, readChangesets } from '../../../tools/repo/check-changesets.mjs';

describe('this repository', () => {
  it('has a pending changeset for every published package changed since its last release', () => {
    const { packages, problems } = changesetStatus();
    expect(problems).toEqual([]);
    const missing = packages.filter((p) => p.needsChangeset).map((p) => `${p.name} (${p.changed.length} files changed since ${p.since})`);
    expect(missing, 'run `node tools/repo/check-changesets.mjs` and add a changeset (`pnpm changeset`) naming these').toEqual([]);
    expect(packages.map((p) => p.name)).toContain('@excite/backend-onnx');
  });
});

describe('the rule, through a release cycle', () => {
  const root = mkdtempSync(join(tmpdir(), 'excite-changesets-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: root, encoding: 'utf8' });
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const manifest = (name: string, version: string, extra: object = {}) =>
    JSON.stringify({ name: `@excite/${name}`, version, description: name, ...extra }, null, 2) + '\n';
  const changeset = (file: string, releases: Record<string, string>) =>
    write(`.changeset/${file}`, `---\n${Object.entries(releases).map(([n, b]) => `"${n}": ${b}`).join('\n')}\n---\n\nA change.\n`);
  const needing = () => changesetStatus(root).packages.filter((p) => p.needsChangeset).map((p) => p.name);
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };

  it('a new package needs a changeset for its first release', () => {
    git('init', '-q', '-b', 'main');
    write('.changeset/README.md', '# Changesets\n');
    write('packages/a/package.json', manifest('a', '0.1.0', { files: ['dist', 'models'] }));
    write('packages/a/src/index.ts', 'export const a = 1;\n');
    write('packages/a/models/a.se', 'model a {}\n');
    write('packages/b/package.json', manifest('b', '0.1.0'));
    write('packages/b/src/index.ts', 'export const b = 1;\n');
    write('packages/app/package.json', manifest('app', '0.0.0', { private: true }));
    write('packages/app/src/index.ts', 'export const app = 1;\n');
    commit('create a, b and a private app');
    expect(needing()).toEqual(['@excite/a', '@excite/b']);
  });

  it('a changeset covers only the packages it names', () => {
    changeset('first.md', { '@excite/a': 'minor' });
    expect(needing()).toEqual(['@excite/b']);
    changeset('second.md', { '@excite/b': 'minor' });
    commit('changesets');
    expect(needing()).toEqual([]);
  });

  it('a release (versions bumped, changesets consumed) starts the count again, even before it is committed', () => {
    rmSync(join(root, '.changeset/first.md'));
    rmSync(join(root, '.changeset/second.md'));
    write('packages/a/package.json', manifest('a', '0.2.0', { files: ['dist', 'models'] }));
    write('packages/b/package.json', manifest('b', '0.2.0'));
    expect(needing()).toEqual([]);
    commit('release');
    const status = changesetStatus(root).packages;
    expect(status.map((p) => [p.name, p.changed])).toEqual([['@excite/a', []], ['@excite/b', []]]);
  });

  it('a change to src or another shipped folder, committed or not, tracked or not, needs a changeset', () => {
    write('packages/a/src/index.ts', 'export const a = 2;\n');
    expect(needing()).toEqual(['@excite/a']);
    commit('change a');
    expect(needing()).toEqual(['@excite/a']);
    write('packages/b/src/new-file.ts', 'export const n = 1;\n');
    expect(needing()).toEqual(['@excite/a', '@excite/b']);
    rmSync(join(root, 'packages/b/src/new-file.ts'));
    write('packages/a/models/a.se', 'model a { input 3x8x8 }\n');
    expect(changesetStatus(root).packages[0]!.changed).toEqual(['packages/a/models/a.se', 'packages/a/src/index.ts']);
  });

  it('a change outside the shipped files (tests, README, the private app) needs none', () => {
    git('checkout', '-q', '--', 'packages/a/models/a.se');
    changeset('a-fix.md', { '@excite/a': 'patch' });
    commit('changeset for a');
    write('packages/b/test/b.test.ts', 'test\n');
    write('packages/b/README.md', '# b\n');
    write('packages/app/src/index.ts', 'export const app = 2;\n');
    expect(needing()).toEqual([]);
  });

  it('a commit that only reformats a manifest is not a release', () => {
    write('packages/b/src/index.ts', 'export const b = 2;\n');
    commit('change b');
    expect(needing()).toEqual(['@excite/b']);
    write('packages/b/package.json', JSON.stringify({ name: '@excite/b', version: '0.2.0', description: 'b' }, null, 4) + '\n');
    commit('reindent b');
    expect(needing()).toEqual(['@excite/b']);
    changeset('b-fix.md', { '@excite/b': 'patch' });
  });

  it('a changeset naming an unknown package or a bad bump is a problem', () => {
    write('.changeset/bad.md', '---\n"@excite/nope": minor\n"@excite/a": huge\n---\n\nText.\n');
    const badLine = '.changeset/bad.md: "@excite/a": huge is not a release line (write "@excite/<name>": major | minor | patch)';
    expect(readChangesets(root).problems).toEqual([badLine]);
    expect(changesetStatus(root).problems).toEqual([badLine, '.changeset/bad.md: names @excite/nope, which is not a published package']);
  });
});
