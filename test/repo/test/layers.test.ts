// The dependency-direction rule, both halves: manifests (tools/repo/check-layers.mjs) and imports (eslint.config.js),
// against the real repository and against synthetic packages that break it.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLayers, checkRepo, readWorkspace } from '../../../tools/repo/check-layers.mjs';
import { explain, mayImport, readLayers, repoRoot, validateLayers, type Layers } from '../../../tools/repo/layers.mjs';

const layers: Layers = readLayers();

/** A workspace holding the real packages plus one synthetic packages/<folder> with the given dependencies. */
function withPackage(folder: string, deps: Record<string, Record<string, string>>, name = `@excite/${folder}`) {
  const real = readWorkspace().filter((p) => p.dir !== `packages/${folder}`);
  return [...real, { dir: `packages/${folder}`, manifest: { name, ...deps } }];
}

describe('the layer table', () => {
  it('is consistent: every name is known, rules never forbid an allowed edge, no cycles', () => {
    expect(validateLayers(layers)).toEqual([]);
  });

  it('says who may import whom', () => {
    expect(mayImport(layers, 'diagnostics', 'ir')).toBe(false);
    expect(mayImport(layers, 'ir', 'diagnostics')).toBe(true);
    expect(mayImport(layers, 'ir', 'dsl')).toBe(false);
    expect(mayImport(layers, 'dsl', 'ir')).toBe(true);
    expect(mayImport(layers, 'dsl', 'compiler')).toBe(false);
    expect(mayImport(layers, 'compiler', 'dsl')).toBe(false);
    expect(mayImport(layers, 'zoo', 'dsl')).toBe(true);
    expect(mayImport(layers, 'backend-onnx', 'compiler')).toBe(true);
    expect(mayImport(layers, 'backend-onnx', 'backend-wgsl')).toBe(false);
    expect(mayImport(layers, 'backend-wgsl', 'runtime-webgpu')).toBe(false);
    expect(mayImport(layers, 'runtime-webgpu', 'backend-wgsl')).toBe(true);
    expect(mayImport(layers, 'runtime-webgpu', 'backend-onnx')).toBe(false);
    expect(mayImport(layers, 'cli', 'runtime-webgpu')).toBe(true);
    expect(mayImport(layers, 'cli', 'test-repo')).toBe(false);
    expect(mayImport(layers, 'ir', 'ir')).toBe(false);
  });

  it('names the rule that forbids an edge', () => {
    expect(explain(layers, 'backend-tfjs', 'backend-onnx')).toBe('backends never import each other');
    expect(explain(layers, 'dsl', 'backend-wgsl')).toMatch(/DSL .* never imports the compiler, a backend/);
    expect(explain(layers, 'zoo', 'compiler')).toBe('zoo may import only diagnostics, ir, dsl');
  });

  it('rejects a table with a cycle', () => {
    const cyclic: Layers = structuredClone(layers);
    cyclic.packages['diagnostics'] = { mayImport: ['ir'] };
    expect(validateLayers(cyclic).join('\n')).toMatch(/cycle: (diagnostics -> ir -> diagnostics|ir -> diagnostics -> ir)/);
  });

  it('rejects names that are not in the table', () => {
    const typo: Layers = structuredClone(layers);
    typo.packages['ir'] = { mayImport: ['diagnostic'] };
    expect(validateLayers(typo)).toContain('packages.ir.mayImport names "diagnostic", which is not in the table');
  });
});

describe('package manifests (check-layers)', () => {
  it('the real repository passes', () => {
    expect(checkRepo()).toEqual([]);
  });

  it('flags a lower layer depending on a higher one, naming the field and the rule', () => {
    const problems = checkLayers({ layers, workspace: withPackage('ir', { dependencies: { '@excite/dsl': 'workspace:*' } }) });
    expect(problems).toEqual([
      'packages/ir/package.json: dependencies: @excite/ir must not import @excite/dsl: ' +
        'ir imports only diagnostics; everything else is built on the IR (see tools/layers.json)',
    ]);
  });

  it('flags one backend depending on another, in devDependencies too', () => {
    const problems = checkLayers({
      layers,
      workspace: withPackage('backend-onnx', {
        dependencies: { '@excite/compiler': 'workspace:*' },
        devDependencies: { '@excite/backend-wgsl': 'workspace:*' },
      }),
    });
    expect(problems).toEqual([
      'packages/backend-onnx/package.json: devDependencies: @excite/backend-onnx must not import @excite/backend-wgsl: ' +
        'backends never import each other (see tools/layers.json)',
    ]);
  });

  it('flags the DSL depending on the compiler (peerDependencies)', () => {
    const problems = checkLayers({
      layers,
      workspace: withPackage('dsl', { peerDependencies: { '@excite/compiler': 'workspace:*' } }),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('the DSL elaborates to IR and never imports the compiler');
  });

  it('flags a package depending on a private test suite or tool', () => {
    const problems = checkLayers({
      layers,
      workspace: withPackage('zoo', { devDependencies: { '@excite/test-repo': 'workspace:*' } }),
    });
    expect(problems).toEqual([
      'packages/zoo/package.json: devDependencies has @excite/test-repo (test/repo); ' +
        'packages never depend on apps, test suites or tools',
    ]);
  });

  it('flags a folder that is not in the table, and a name that does not match its folder', () => {
    const problems = checkLayers({ layers, workspace: [...withPackage('quantize', {}), ...withPackage('ir', {}, '@excite/graph').slice(-1)] });
    expect(problems).toEqual([
      'packages/quantize/package.json: packages/quantize is not in tools/layers.json; add it with the layers it may import',
      'packages/ir/package.json: name is "@excite/graph", expected "@excite/ir"',
    ]);
  });

  it('lets apps and test suites depend on anything', () => {
    const workspace = [
      ...readWorkspace(),
      { dir: 'apps/demo', manifest: { name: '@excite/demo', private: true, dependencies: { '@excite/runtime-webgpu': '*', '@excite/cli': '*' } } },
    ];
    expect(checkLayers({ layers, workspace })).toEqual([]);
  });
});

describe('imports in source (eslint.config.js)', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({ cwd: repoRoot });
  });

  /** Lints `code` as if it were the file at `path` (relative to the root); returns the layer messages. */
  async function layerErrors(path: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: join(repoRoot, path) });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.fatal).map((m) => m.message);
  }

  it('flags ir importing the DSL, with the rule and the table', async () => {
    const errors = await layerErrors('packages/ir/src/__probe.ts', "export { parse } from '@excite/dsl';\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('@excite/ir must not import @excite/dsl: ir imports only diagnostics');
    expect(errors[0]).toContain('(see tools/layers.json)');
  });

  it('flags type-only and subpath imports too', async () => {
    const errors = await layerErrors(
      'packages/diagnostics/test/__probe.test.ts',
      "import type { Graph } from '@excite/ir/graph';\nexport type G = Graph;\n",
    );
    expect(errors).toEqual([expect.stringContaining('diagnostics is the bottom layer and imports no @excite package')]);
  });

  it('flags one backend importing another, even before the folder exists', async () => {
    const errors = await layerErrors(
      'packages/backend-tfjs/src/__probe.ts',
      "import { emit } from '@excite/backend-onnx';\nimport { lower } from '@excite/compiler';\nexport const x = [emit, lower];\n",
    );
    expect(errors).toEqual([expect.stringContaining('backends never import each other (see tools/layers.json)')]);
  });

  it('lets the runtime import backend-wgsl but not another backend', async () => {
    const errors = await layerErrors(
      'packages/runtime-webgpu/src/__probe.ts',
      "import type { Plan } from '@excite/backend-wgsl';\nimport { emit } from '@excite/backend-onnx';\nexport type P = Plan;\nexport const e = emit;\n",
    );
    expect(errors).toEqual([
      expect.stringMatching(/^'@excite\/backend-onnx' import is restricted.*@excite\/runtime-webgpu must not import @excite\/backend-(\*|onnx): the runtime imports only diagnostics and backend-wgsl/),
    ]);
  });

  it('flags relative paths into a sibling package and imports of private packages', async () => {
    const errors = await layerErrors(
      'packages/zoo/src/__probe.ts',
      "import { a } from '../../dsl/src/index.js';\nimport { b } from '@excite/test-repo';\nexport const x = [a, b];\n",
    );
    expect(errors).toEqual([
      expect.stringContaining('never by a relative path into its folder'),
      expect.stringContaining('outside the layer table'),
    ]);
  });

  it('allows what the table allows, and anything in apps/ and test/', async () => {
    expect(await layerErrors('packages/zoo/src/__probe.ts', "import { a } from '@excite/dsl';\nimport { b } from '../test/x.js';\nexport const x = [a, b];\n")).toEqual([]);
    expect(await layerErrors('packages/cli/src/__probe.ts', "import { a } from '@excite/runtime-webgpu';\nexport const x = a;\n")).toEqual([]);
    expect(await layerErrors('apps/demo/src/__probe.ts', "import { a } from '@excite/backend-wgsl';\nexport const x = a;\n")).toEqual([]);
    expect(await layerErrors('test/e2e/test/__probe.test.ts', "import { a } from '@excite/cli';\nexport const x = a;\n")).toEqual([]);
  });
});
