import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { DiagnosticError, renderDiagnostic } from '@excite/diagnostics';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run-cli.js';
import { writeFileAtomic } from '../src/source.js';


const dir = mkdtempSync(join(tmpdir(), 'excite-cli-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const tiny = `// a tiny SE network
model tiny {
  input 3x32x32
  classes 10
  conv(3x3, 16, pad: 1)
  bn
  relu
  se(r: 4)
  global_pool
  dense(classes)
}
`;

describe('excite info', () => {
  it('prints the per-layer table grouped by stage with totals and SE overhead', async () => {
    const { code, stdout } = await run('info', 'se-resnet-50');
    expect(code).toBe(0);
    expect(stdout).toContain('Model: se-resnet-50');
    expect(stdout).toMatch(/^conv3_x$/m);
    expect(stdout).toMatch(/conv3_x\.1\.conv1\s+Conv 1x1\/2\s+\[128,28,28\]/);
    expect(stdout).toContain('SE:       16 blocks');
  });

  it('--json has the documented shape', async () => {
    const { code, stdout } = await run('info', 'se-resnet-50', '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(Object.keys(info)).toEqual(['name', 'input', 'totals', 'layers', 'se']);
    expect(info.input).toEqual([3, 224, 224]);
    expect(Object.keys(info.totals)).toEqual(['params', 'buffers', 'macs', 'seOps']);
    const conv1 = info.layers[0];
    for (const key of ['name', 'op', 'kernel', 'stride', 'padding', 'groups', 'inChannels', 'outChannels', 'outputShape', 'params', 'macs']) {
      expect(conv1).toHaveProperty(key);
    }
    expect(conv1).toMatchObject({ op: 'Conv', kernel: [7, 7], stride: [2, 2], padding: [3, 3, 3, 3], groups: 1, inChannels: 3, outChannels: 64, outputShape: [64, 112, 112], params: 9408 });
    expect(info.se[0]).toMatchObject({ stage: 'conv2_x', channels: 256, reduced: 16 });
  });

  it('works on a .se file and honours --input', async () => {
    const file = write('tiny.se', tiny);
    const { code, stdout } = await run('info', file, '--input', '16x20', '--json');
    expect(code).toBe(0);
    const info = JSON.parse(stdout);
    expect(info.input).toEqual([3, 16, 20]);
    expect(info.se).toEqual([expect.objectContaining({ channels: 16, reduced: 4 })]);
  });
});

describe('excite list, ir, check, fmt', () => {
  it('lists the zoo', async () => {
    const { code, stdout } = await run('list', '--json');
    expect(code).toBe(0);
    const names = JSON.parse(stdout).map((m: { name: string }) => m.name);
    expect(names).toEqual(expect.arrayContaining(['se-resnet-50', 'resnet-152', 'se-resnext-101', 'resnext-50']));
  });

  it('ir --json lists nodes with inputs, outputs and attributes', async () => {
    const { stdout } = await run('ir', 'se-resnet-50', '--json', '--input', '64x64');
    const ir = JSON.parse(stdout);
    const scale = ir.nodes.find((n: { name: string }) => n.name === 'conv2_x.1.se.scale');
    expect(scale).toMatchObject({ op: 'Mul', inputs: ['conv2_x.1.bn3', 'conv2_x.1.se.gate'], outputs: ['conv2_x.1.se.scale'] });
    const text = await run('ir', 'se-resnet-50');
    expect(text.stdout).toMatch(/%conv1\.conv1 = Conv\(%input, weight=@conv1\.conv1\.weight\).* : \[64,112,112\] {2}# se-resnet\.se:\d+:\d+/);
  });

  it('ir --pipeline inference --dump-after-each prints every stage with node counts; --json the final graph', async () => {
    const { code, stdout } = await run('ir', 'se-resnet-50', '--pipeline', 'inference', '--dump-after-each', '--input', '64x64');
    expect(code).toBe(0);
    const headers = stdout.split('\n').filter((l) => l.startsWith('== '));
    expect(headers[0]).toMatch(/^== elaborated: 271 nodes \(.*BatchNorm 53/);
    expect(headers.map((h) => h.split(':')[0])).toEqual([
      '== elaborated', '== after drop-inference-noops', '== after fold-batch-norm', '== after fold-constant-scale',
      '== after fuse-squeeze-excite', '== after fuse-scale-add', '== after fuse-conv-activation', '== after eliminate-dead-code',
    ]);
    expect(headers.at(-1)).toMatch(/ScaleAdd 16.*SqueezeExcite 16/);
    const json = JSON.parse((await run('ir', 'se-resnet-50', '--pipeline', 'inference', '--json', '--input', '64x64')).stdout);
    expect(json.nodes.filter((n: { op: string }) => n.op === 'SqueezeExcite')).toHaveLength(16);
    expect(json.nodes.some((n: { op: string }) => n.op === 'BatchNorm')).toBe(false);
    const bad = await run('ir', 'se-resnet-50', '--pipeline', 'fast');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[E0503]: unknown pipeline `fast`');
  });

  it('check: ok for a good file, exit 1 and a rendered diagnostic for a bad one', async () => {
    expect((await run('check', write('good.se', tiny))).code).toBe(0);
    const bad = write('bad.se', tiny.replace('se(r: 4)', 'se(r: 5)'));
    const { code, stderr } = await run('check', bad);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:8:6: error[E0401]: r = 5 does not divide 16 channels`);
    expect(stderr).toContain('hint: use r = 4 or round the reduced width');
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('fmt --write rewrites in place and is idempotent', async () => {
    const file = write('messy.se', 'model tiny{input 3x32x32 classes 10\nconv( 3x3,16 ,pad:1) ; relu\n global_pool dense(classes)}\n');
    expect((await run('fmt', file, '--write')).code).toBe(0);
    const once = readFileSync(file, 'utf8');
    expect(once).toContain('  conv(3x3, 16, pad: 1)\n');
    expect((await run('fmt', file, '--check')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(once);
  });

  it('--version and --help on every command', async () => {
    expect((await run('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    for (const command of ['list', 'info', 'check', 'fmt', 'ir']) {
      const { code, stdout } = await run(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain('Example:');
    }
  });
});

describe('command-line diagnostics (goldens for E0501–E0505)', () => {
  it('E0501: a missing file', async () => {
    const { code, stderr } = await run('info', 'nowhere/model.se');
    expect(code).toBe(1);
    expect(stderr).toBe('error[E0501]: cannot read nowhere/model.se: no such file\n');
  });
  it('E0502: an unknown zoo model suggests the nearest', async () => {
    const { code, stderr } = await run('info', 'se-resnet-5');
    expect(code).toBe(1);
    expect(stderr).toBe('error[E0502]: `se-resnet-5` is not a zoo model\nhint: did you mean `se-resnet-50`? (`excite list` shows them all)\n');
  });
  it('E0503: a malformed --input', async () => {
    const { code, stderr } = await run('info', 'se-resnet-50', '--input', '64by64');
    expect(code).toBe(1);
    expect(stderr).toBe('error[E0503]: --input must be HxW (like 64x64) or one size, found `64by64`\n');
  });
  it('E0504: a file with several models needs --model', async () => {
    const file = write('two.se', `${tiny}\nmodel tiny-plain extends tiny {\n  config se { enabled: false }\n}\n`);
    const { code, stderr } = await run('info', file);
    expect(code).toBe(1);
    expect(stderr).toBe(`error[E0504]: ${file} declares 2 models: tiny, tiny-plain\nhint: name the model to use\n`);
    const chosen = await run('info', file, '--model', 'tiny-plain', '--json');
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout).se).toEqual([]);
  });
  it('E0505: a file that cannot be written is reported, and nothing half-written is left', async () => {
    // A path under a regular file fails for every user, root included (ENOTDIR).
    const blocker = write('plain-file', 'not a folder');
    try {
      writeFileAtomic(join(blocker, 'model.onnx'), 'data');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DiagnosticError);
      const [diagnostic] = (error as DiagnosticError).diagnostics;
      expect(renderDiagnostic(diagnostic!, new Map())).toBe(
        `error[E0505]: cannot write ${join(blocker, 'model.onnx')} (ENOTDIR)\nhint: check that the folder exists and is writable`,
      );
    }
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('bad usage exits 2 without a stack trace', async () => {
    const { code, stderr } = await run('info');
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'model'");
  });
});
