// The shape of every workspace package: published packages under packages/ look alike and can be published;
// everything under apps/, test/ and tools/ is private.
import { describe, expect, it } from 'vitest';
import { readWorkspace } from '../../../tools/repo/check-layers.mjs';

interface Manifest {
  name?: string;
  description?: string;
  license?: string;
  type?: string;
  private?: boolean;
  files?: string[];
  exports?: Record<string, unknown>;
}

const workspace = readWorkspace().map((p) => ({ ...p, manifest: p.manifest as Manifest }));
const published = workspace.filter((p) => p.dir.startsWith('packages/'));
const unpublished = workspace.filter((p) => !p.dir.startsWith('packages/'));

describe('packages/*', () => {
  it('there are some', () => {
    expect(published.length).toBeGreaterThan(0);
  });

  it.each(published.map((p) => [p.dir, p.manifest] as const))('%s is a publishable @excite package', (dir, manifest) => {
    const folder = dir.split('/')[1];
    expect(manifest.name).toBe(`@excite/${folder}`);
    expect(manifest.description, 'description').toEqual(expect.stringMatching(/\S/));
    expect(manifest.license, 'license').toEqual(expect.stringMatching(/\S/));
    expect(manifest.type).toBe('module');
    expect(manifest.private ?? false, 'private').toBe(false);
    expect(manifest.files ?? [], 'files').toContain('dist');

    expect(manifest.exports, 'exports').toBeTypeOf('object');
    const root = (manifest.exports as Record<string, unknown>)['.'];
    expect(root, 'exports["."]').toBeTypeOf('object');
    for (const [subpath, entry] of Object.entries(manifest.exports!)) {
      if (typeof entry !== 'object' || entry === null) throw new Error(`exports["${subpath}"] must be a conditions object`);
      const conditions = entry as Record<string, unknown>;
      expect(conditions['types'], `exports["${subpath}"].types`).toEqual(expect.stringMatching(/^\.\/dist\/.*\.d\.ts$/));
      expect(conditions['default'], `exports["${subpath}"].default`).toEqual(expect.stringMatching(/^\.\/dist\/.*\.js$/));
      // "types" must come before "default": Node and TypeScript take the first condition that matches.
      const order = Object.keys(conditions);
      expect(order.indexOf('types'), `exports["${subpath}"] lists types before default`).toBeLessThan(order.indexOf('default'));
    }
  });
});

describe('apps/*, test/*, tools/*', () => {
  it.each(unpublished.map((p) => [p.dir, p.manifest] as const))('%s is private', (_dir, manifest) => {
    expect(manifest.private).toBe(true);
  });

  it('include this suite', () => {
    expect(unpublished.map((p) => p.dir)).toContain('test/repo');
  });
});

describe('names', () => {
  it('are unique across the workspace', () => {
    const names = workspace.map((p) => p.manifest.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
