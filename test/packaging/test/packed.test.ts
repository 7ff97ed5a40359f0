// End to end, as a user gets excite: build every publishable package, pack it with pnpm (workspace ranges become
// versions), install the tarballs with npm into a fresh project outside the workspace, and use them there through
// their public exports only — a consumer script (parse .se, compile, ONNX in onnxruntime, tfjs), every README example
// verbatim, the installed `excite` command. A file left out of a package, an export pointing nowhere or an import of an
// undeclared package fails here (the shape check, see package-shape.test.ts) or at the first use.
//
// Cost: the build is turbo's (cached after `turbo run build`); `npm install` downloads onnxruntime-node, TensorFlow.js
// and Dawn (~150 MB) on a machine with an empty npm cache, and reuses ~/.npm after that.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPackageShape, listFiles, packPackage, publishableDirs } from '../../../tools/repo/check-package-shape.mjs';
import { repoRoot } from '../../../tools/repo/layers.mjs';

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  exports: Record<string, unknown>;
}

interface Packed {
  folder: string;
  manifest: Manifest;
  tarball: string;
  dir: string;
}

const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;
const workspaceManifest = (folder: string) => readJson<Manifest>(join(repoRoot, 'packages', folder, 'package.json'));
const folders = publishableDirs().map((dir) => relative(join(repoRoot, 'packages'), dir));

/** npm and pnpm pass settings to child processes as npm_config_* variables; the consumer must not inherit pnpm's. */
const cleanEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key))),
  // onnxruntime-node's install script downloads CUDA libraries; its CPU binaries are in the package.
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  NO_UPDATE_NOTIFIER: '1',
};

const work = mkdtempSync(join(tmpdir(), 'excite-packed-'));
const tarballs = join(work, 'tarballs');
const consumer = join(work, 'consumer');
const packed = new Map<string, Packed>();
const timings: Record<string, number> = {};

function timed<T>(label: string, f: () => T): T {
  const start = performance.now();
  try {
    return f();
  } finally {
    timings[label] = Math.round(performance.now() - start);
  }
}

function run(command: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(command, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
}

/** Runs a command and returns its stdout; a failure throws with everything it printed. */
function mustRun(command: string, args: string[], cwd: string, timeout?: number): string {
  const result = run(command, args, cwd, timeout);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The fenced code blocks of a Markdown text with the given info string, in order. */
function codeBlocks(markdown: string, language: string): string[] {
  const pattern = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm');
  return [...markdown.matchAll(pattern)].map((m) => m[1]!);
}

/** A `relative error …: 1.2e-8` figure printed by an example. */
function printedError(output: string, label: RegExp): number {
  const match = new RegExp(label.source + '[^\\n]*?: (\\S+)$', 'm').exec(output);
  if (!match) throw new Error(`no ${label.source} figure in:\n${output}`);
  return Number(match[1]);
}

beforeAll(() => {
  expect(relative(repoRoot, work).startsWith('..'), 'the consumer project must lie outside the workspace').toBe(true);
  timed('build', () => mustRun('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], repoRoot, 540_000));
  mkdirSync(tarballs);
  timed('pack', () => {
    for (const folder of folders) {
      const { tarball, dir } = packPackage(join(repoRoot, 'packages', folder), tarballs);
      packed.set(folder, { folder, tarball, dir, manifest: readJson<Manifest>(join(dir, 'package.json')) });
    }
  });
  mkdirSync(consumer);
  mustRun('npm', ['init', '-y'], consumer);
  const ortVersion = workspaceManifest('cli').dependencies?.['onnxruntime-node'];
  expect(ortVersion, '@excite/cli depends on onnxruntime-node').toBeDefined();
  timed('npm install', () =>
    mustRun('npm', ['install', '--no-fund', '--no-audit', '--prefer-offline', ...[...packed.values()].map((p) => p.tarball), `onnxruntime-node@${ortVersion}`],
      consumer, 540_000));
}, 600_000);

afterAll(() => {
  console.log(`packaging: ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}; ` +
    [...packed.values()].map((p) => `${p.manifest.name} ${(readFileSync(p.tarball).byteLength / 1024).toFixed(1)} kB`).join(', '));
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('the packed packages', () => {
  it('are every publishable package', () => {
    expect([...packed.keys()]).toEqual(folders);
    expect(folders).toEqual(expect.arrayContaining(['backend-onnx', 'backend-tfjs', 'backend-wgsl', 'cli', 'runtime-webgpu', 'zoo']));
  });

  it.each(folders)('%s passes the shape check (exports, files, README, dependencies of every import)', (folder) => {
    expect(checkPackageShape(packed.get(folder)!.dir)).toEqual([]);
  });

  it.each(folders)('%s depends on the versions of its workspace siblings, and ships no tests', (folder) => {
    const { manifest, dir } = packed.get(folder)!;
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (name.startsWith('@excite/')) expect(range, name).toBe(workspaceManifest(name.slice('@excite/'.length)).version);
    }
    expect(listFiles(dir).filter((f) => f.startsWith('test/') || /\.test\.[jt]s$/.test(f))).toEqual([]);
  });

  it('are installed from the tarballs, not from a registry', () => {
    const installed = readJson<{ dependencies: Record<string, string> }>(join(consumer, 'package.json')).dependencies;
    for (const { manifest, tarball } of packed.values()) {
      expect(installed[manifest.name], manifest.name).toBe(`file:${relative(consumer, tarball)}`);
      expect(readJson<Manifest>(join(consumer, 'node_modules', manifest.name, 'package.json')).version).toBe(manifest.version);
    }
  });
});

describe('a consumer project', () => {
  it('parses .se, compiles, runs the ONNX model in onnxruntime and the tfjs model, and both agree with the interpreter', () => {
    writeFileSync(join(consumer, 'consumer.mjs'), CONSUMER);
    const result = JSON.parse(mustRun('node', ['consumer.mjs'], consumer).trim().split('\n').pop()!) as ConsumerResult;
    expect(result.elaborated).toContain('BatchNorm');
    expect(result.optimised).toContain('SqueezeExcite');
    expect(result.optimised).not.toContain('BatchNorm');
    expect(result.onnx.dims).toEqual([2, 10]);
    expect(result.onnx.error).toBeLessThan(1e-4);
    expect(result.tfjs.backend).toBe('cpu');
    expect(result.tfjs.shape).toEqual([2, 10]);
    expect(result.tfjs.error).toBeLessThan(1e-4);
  });

  it('type-checks against the installed declarations (TypeScript, strict, module nodenext)', () => {
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: [], noEmit: true, skipLibCheck: true },
      files: ['types-check.mts'],
    }));
    writeFileSync(join(consumer, 'types-check.mts'), TYPES_CHECK);
    const tsc = join(dirname(createRequire(join(repoRoot, 'package.json')).resolve('typescript/package.json')), 'bin', 'tsc');
    mustRun('node', [tsc, '-p', 'tsconfig.json'], consumer);
  });

  it('reaches only what the exports maps expose', () => {
    const probe = (specifier: string) => run('node', ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], consumer);
    const deep = probe('@excite/ir/dist/index.js');
    expect(deep.status).not.toBe(0);
    expect(deep.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(probe('@excite/runtime-webgpu/node').stderr).toBe('');
  });
});

/** What each README's JavaScript example must print (beyond exiting 0). */
const README_CHECKS: Record<string, (output: string) => void> = {
  diagnostics: (out) => {
    expect(out).toContain('m.se:3:6: error[E0401]: r = 16 does not divide 120 channels');
    expect(out).toContain('  |      ^^^^^');
  },
  ir: (out) => {
    expect(out).toMatch(/params: 260\b/);
    expect(out).toMatch(/macs: 13856\b/);
    expect(out).toContain('[ 1, 4 ]');
  },
  dsl: (out) => {
    expect(out).toMatch(/^tiny-se: \d+ nodes, \d+ parameters$/m);
    expect(out).toContain('tiny.se is formatted');
    expect(out).toMatch(/broken\.se:5:6: error\[E0401\]/);
  },
  compiler: (out) => {
    expect(out).toMatch(/^fuse-squeeze-excite: \d+ nodes, 1 rewrites$/m);
    expect(out).toContain('SqueezeExcite');
    expect(printedError(out, /relative error after the passes/)).toBeLessThan(1e-5);
  },
  zoo: (out) => {
    expect(out).toContain('se-resnet-50, ');
    expect(out).toMatch(/se-resnet-50: 28\.\d\d M parameters \(paper: 28\.09 M\)/);
    expect(out).toMatch(/, 16 SE blocks$/m);
    expect(out).toMatch(/se-resnext-50 at 64x64: \d+ nodes, output shape \d+/);
  },
  'backend-onnx': (out) => {
    expect(out).toMatch(/^ONNX opset 17: .*Conv/m);
    expect(out).toContain('onnxruntime output [2,10]');
    expect(printedError(out, /relative error vs the reference/)).toBeLessThan(1e-4);
  },
  'backend-tfjs': (out) => {
    expect(out).toContain('tfjs backend: cpu');
    expect(out).toContain('tfjs output [2,10]');
    expect(printedError(out, /relative error vs the reference/)).toBeLessThan(1e-4);
  },
  'backend-wgsl': (out) => {
    expect(out).toMatch(/^\d+ kernels, \d+ dispatches, \d+ bytes of weights$/m);
    expect(out).toMatch(/^plan\.json$/m);
    expect(out).toMatch(/\.wgsl$/m);
  },
  'runtime-webgpu': (out) => {
    expect(out).toMatch(/^2 × 10 logits; \d+ dispatches per sample/m);
  },
  cli: (out) => {
    expect(out).toMatch(/^0 se-resnet-50 \d+ 16$/m);
  },
};

describe('the README examples, run verbatim from the packed READMEs', () => {
  it('every package has one, checked here', () => {
    expect(Object.keys(README_CHECKS).sort()).toEqual([...folders].sort());
  });

  it.each(folders)('%s', (folder) => {
    const readme = readFileSync(join(packed.get(folder)!.dir, 'README.md'), 'utf8');
    const [example] = codeBlocks(readme, 'js');
    expect(example, `${folder}/README.md has a \`\`\`js example`).toBeDefined();
    const file = `readme-${folder}.mjs`;
    writeFileSync(join(consumer, file), example!);
    README_CHECKS[folder]!(mustRun('node', [file], consumer));
  });

  it('cli: the shell example (npx excite --version, npx excite info se-resnet-50, check, compile to ONNX)', () => {
    const readme = readFileSync(join(packed.get('cli')!.dir, 'README.md'), 'utf8');
    const [example] = codeBlocks(readme, 'sh').filter((block) => !block.startsWith('npm install'));
    expect(example).toContain('npx excite --version\n');
    expect(example).toContain('npx excite info se-resnet-50\n');
    const dir = join(consumer, 'cli-example');
    mkdirSync(dir);
    const output = mustRun('bash', ['-euo', 'pipefail', '-c', example!], dir, 300_000);
    expect(output.split('\n')[0]).toBe(workspaceManifest('cli').version);
    expect(output).toMatch(/^Model: se-resnet-50 +input 3x224x224$/m);
    expect(output).toMatch(/^conv1$/m);
    const onnx = readFileSync(join(dir, 'build', 'tiny-se.onnx'));
    expect(onnx.byteLength).toBeGreaterThan(1000);
  });
});

describe('the installed excite command', () => {
  it('has --help with an example on every command, and --version', () => {
    // One process for every command's help (the CLI loads every backend at start-up): the installed package's runCli.
    const script = `
      import { runCli } from '@excite/cli';
      const capture = async (argv) => { let out = ''; const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) }); return { code, out }; };
      const main = await capture(['--help']);
      const commands = [...(main.out.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][\\w-]*)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
      const help = {};
      for (const command of commands) help[command] = await capture([command, '--help']);
      console.log(JSON.stringify({ main, version: await capture(['--version']), help }));`;
    writeFileSync(join(consumer, 'cli-help.mjs'), script);
    type Run = { code: number; out: string };
    const result = JSON.parse(mustRun('node', ['cli-help.mjs'], consumer)) as { main: Run; version: Run; help: Record<string, Run> };
    expect(result.main.code).toBe(0);
    expect(result.version).toEqual({ code: 0, out: `${workspaceManifest('cli').version}\n` });
    expect(Object.keys(result.help)).toEqual(expect.arrayContaining(['list', 'info', 'check', 'fmt', 'ir', 'compile']));
    for (const [command, { code, out }] of Object.entries(result.help)) {
      expect(code, `excite ${command} --help`).toBe(0);
      expect(out, `excite ${command} --help`).toMatch(new RegExp(`Example:\\n {2}excite ${command}\\b`));
    }
  });
});

interface ConsumerResult {
  elaborated: string[];
  optimised: string[];
  onnx: { dims: number[]; error: number };
  tfjs: { backend: string; shape: number[]; error: number };
}

/** The consumer script: public exports of the installed packages only. */
const CONSUMER = `
import { emitOnnx } from '@excite/backend-onnx';
import { buildLayersModel, predictIr, useBackend } from '@excite/backend-tfjs';
import { compile } from '@excite/compiler';
import { loadModel, memoryHost } from '@excite/dsl';
import { interpret, randomValues, randomWeights, relativeError, tensor } from '@excite/ir';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const source = \`model consumer-se {
  input 3x24x24
  classes 10
  conv(3x3, 24, stride: 2, pad: 1)
  bn
  relu
  residual(act: relu) {
    conv(3x3, 24, pad: 1)
    bn
    se(r: 4)
  }
  global_pool(avg)
  dense(classes)
}
\`;
const { graph, diagnostics } = loadModel('consumer.se', memoryHost({ 'consumer.se': source }));
if (!graph) throw new Error(JSON.stringify(diagnostics));
const weighted = randomWeights(graph, 3);
const { graph: optimised } = compile(weighted, { verify: true });
const input = tensor([2, 3, 24, 24], randomValues(2 * 3 * 24 * 24, 4));
const expected = interpret(weighted, input).output;

const session = await InferenceSession.create(emitOnnx(optimised).bytes);
const results = await session.run({ [session.inputNames[0]]: new Tensor('float32', input.data, input.shape) });
const onnx = results[session.outputNames[0]];

const backend = await useBackend('cpu');
const tfjs = predictIr(buildLayersModel(optimised), input);

console.log(JSON.stringify({
  elaborated: weighted.nodes.map((n) => n.op),
  optimised: optimised.nodes.map((n) => n.op),
  onnx: { dims: onnx.dims, error: relativeError(expected.data, onnx.data) },
  tfjs: { backend, shape: tfjs.shape, error: relativeError(expected.data, tfjs.data) },
}));
`;

/** A TypeScript consumer: every entry point resolves to declarations, and the types fit together across packages. */
const TYPES_CHECK = `
import { emitOnnx } from '@excite/backend-onnx';
import { buildLayersModel, predictIr } from '@excite/backend-tfjs';
import { emitWgsl, type WgslBundle } from '@excite/backend-wgsl';
import { runCli } from '@excite/cli';
import { compile } from '@excite/compiler';
import { renderDiagnostics } from '@excite/diagnostics';
import { loadModel, memoryHost } from '@excite/dsl';
import { interpret, tensor, type Graph } from '@excite/ir';
import { loadBundle } from '@excite/runtime-webgpu';
import { createNodeDevice } from '@excite/runtime-webgpu/node';
import { createModel } from '@excite/zoo';

const { graph, diagnostics } = loadModel('a.se', memoryHost({ 'a.se': '' }));
export const text: string = renderDiagnostics(diagnostics, new Map());
const g: Graph = graph ?? createModel('se-resnet-50');
export const bytes: Uint8Array = emitOnnx(compile(g).graph).bytes;
export const tfjs: Float32Array = predictIr(buildLayersModel(g), tensor([1, 3, 8, 8])).data;
export const reference: Float32Array = interpret(g, tensor([1, 3, 8, 8])).output.data;
const bundle: WgslBundle = emitWgsl(g);
export const logits: Promise<Float32Array> = createNodeDevice(bundle.plan).then((device) => loadBundle(device, bundle)).then((m) => m.run(new Float32Array(3 * 8 * 8)));
export const code: Promise<number> = runCli(['--version']);
// @ts-expect-error the exports maps expose no deep paths
export const deep = import('@excite/ir/dist/index.js');
`;
