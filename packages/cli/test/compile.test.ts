import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { onnx } from '@excite/backend-onnx';
import { run } from './run-cli.js';


const dir = mkdtempSync(join(tmpdir(), 'excite-compile-'));
const tiny = `model tiny {
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

describe('excite compile', () => {
  it('writes <model>.onnx from a .se file, traced to its lines, and onnxruntime runs it', async () => {
    const file = join(dir, 'tiny.se');
    writeFileSync(file, tiny);
    const out = join(dir, 'out');
    const { code, stdout, stderr } = await run('compile', file, '--target', 'onnx', '--out', out, '--seed', '3');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(join(out, 'tiny.onnx'));
    expect(readdirSync(out)).toEqual(['tiny.onnx']);
    const bytes = readFileSync(join(out, 'tiny.onnx'));
    const model = onnx.ModelProto.decode(bytes);
    expect(model.graph!.node!.find((n) => n.opType === 'Conv')!.docString).toMatch(/tiny\.se:4:3$/);
    expect(Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]))).toMatchObject({ 'excite.pipeline': 'inference', 'source.model': 'tiny' });
    const session = await InferenceSession.create(bytes);
    const result = await session.run({ input: new Tensor('float32', new Float32Array(2 * 3 * 32 * 32).fill(0.5), [2, 3, 32, 32]) });
    expect(result[session.outputNames[0]!]!.dims).toEqual([2, 10]);
    await session.release();
    // The same input gives the same bytes.
    await run('compile', file, '--target', 'onnx', '--out', out, '--seed', '3');
    expect(readFileSync(join(out, 'tiny.onnx')).equals(bytes)).toBe(true);
  });

  it('compiles a zoo model with --input, --opset, --onnx-functions and --onnx-profile', async () => {
    const out = join(dir, 'zoo');
    const { code } = await run('compile', 'se-mobilenet', '--target', 'onnx', '--out', out, '--input', '64x64', '--opset', '15', '--onnx-functions', '--onnx-profile', 'ort-cpu');
    expect(code).toBe(0);
    const model = onnx.ModelProto.decode(readFileSync(join(out, 'se-mobilenet.onnx')));
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 15], ['excite', 1]]);
    expect(model.functions.length).toBeGreaterThan(0);
  });

  it('reports bad values as E0503 diagnostics, never a stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['--target', 'onnx', '--out', dir, '--opset', '12'], /E0503.*--opset must be an ONNX opset from 13 to 21/],
      [['--target', 'onx', '--out', dir], /E0503.*unknown target `onx`[\s\S]*did you mean `onnx`/],
      [['--target', 'onnx', '--out', dir, '--onnx-profile', 'gpu'], /E0503.*unknown ONNX profile/],
      [['--target', 'onnx'], /E0503.*--out is required/],
      [['--out', dir], /E0503.*--target is required/],
      [['--target', 'onnx', '--out', dir, '--seed', '-1'], /E0503.*--seed/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await run('compile', 'se-resnet-50', ...args);
      expect(code, args.join(' ')).toBe(1);
      expect(stderr).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(join(dir, 'se-resnet-50.onnx'))).toBe(false);
  });

  it('--target onnx,tfjs,wgsl writes every target from the same weights, the WGSL bundle in wgsl/', async () => {
    const file = join(dir, 'tiny.se');
    writeFileSync(file, tiny);
    const out = join(dir, 'all');
    const { code, stderr } = await run('compile', file, '--target', 'onnx,tfjs,wgsl', '--out', out, '--seed', '5');
    expect(stderr).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['model.json', 'tiny.inference.ts', 'tiny.inference.weights.bin', 'tiny.onnx', 'tiny.ts', 'tiny.weights.bin', 'wgsl']);
    const plan = JSON.parse(readFileSync(join(out, 'wgsl', 'plan.json'), 'utf8'));
    expect(plan.kernels.length).toBeGreaterThan(0);
    for (const kernel of plan.kernels) expect(existsSync(join(out, 'wgsl', kernel.file))).toBe(true);
    // The same seed, the same weights: the first conv's weight is the same bytes in ONNX and in the tfjs Layers artifact
    // (after BN folding in ONNX, so compare the trainable tfjs weights with a seed-only compile instead).
    const again = join(dir, 'again');
    await run('compile', file, '--target', 'tfjs', '--out', again, '--seed', '5');
    expect(readFileSync(join(again, 'tiny.weights.bin'))).toEqual(readFileSync(join(out, 'tiny.weights.bin')));
    const other = join(dir, 'other');
    await run('compile', file, '--target', 'tfjs', '--out', other, '--seed', '6');
    expect(readFileSync(join(other, 'tiny.weights.bin'))).not.toEqual(readFileSync(join(out, 'tiny.weights.bin')));
  });

  it('a model beyond WebGPU\'s default binding limit is a diagnostic naming the flag, and nothing is written', async () => {
    const big = join(dir, 'big.se');
    // A 36864 → 1024 dense layer: 151 MB of weights, over the 128 MiB every WebGPU device guarantees.
    writeFileSync(big, 'model big {\n  input 1x192x192\n  classes 1024\n  flatten\n  dense(classes)\n}\n');
    const out = join(dir, 'big-out');
    const { code, stderr } = await run('compile', big, '--target', 'onnx,wgsl', '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain('--wgsl-max-binding');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    const bad = await run('compile', big, '--target', 'wgsl', '--out', out, '--wgsl-max-binding', '12');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--wgsl-max-binding must be a whole number of MiB');
  });

  it('has help with an example', async () => {
    const { code, stdout } = await run('compile', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Example:\n  excite compile se-resnet-50 --target onnx,tfjs,wgsl --out build');
  });
});
