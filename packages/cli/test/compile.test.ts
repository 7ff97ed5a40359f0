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

  it('has help with an example', async () => {
    const { code, stdout } = await run('compile', '--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Example:\n  excite compile se-resnet-50 --target onnx --out build');
  });
});
