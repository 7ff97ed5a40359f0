import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elaborateModel, loadProgram, memoryHost } from '@excite/dsl';
import { interpret, randomValues, tensor } from '@excite/ir';
import { VERIFY_TARGETS, verificationWeights, verifyModel, withoutFinalSoftmax, type VerifyTarget } from '../src/index.js';
import { run } from './run-cli.js';

const tiny = `model tiny {
  input 3x16x16
  classes 10
  conv(3x3, 16, pad: 1)
  bn
  relu
  se(r: 4)
  global_pool
  dense(classes)
  softmax
}
`;
const dir = mkdtempSync(join(tmpdir(), 'excite-verify-'));
const file = join(dir, 'tiny.se');
writeFileSync(file, tiny);
const graph = elaborateModel(loadProgram('tiny.se', memoryHost({ 'tiny.se': tiny })), 'tiny');

/** A target that runs the reference itself and then adds `noise` (relative to the output's scale) to one logit. */
const perturbed = (noise: number): VerifyTarget => ({
  runtime: 'test double',
  tolerance: 1e-4,
  async run({ trainable, input }) {
    const output = Float32Array.from(interpret(trainable, input).output.data);
    const scale = Math.max(...output.map(Math.abs));
    output[3] = output[3]! + noise * scale;
    return { output, timesMs: [1] };
  },
});

describe('verifyModel', () => {
  it('compares the logits, not the softmax', () => {
    expect(graph.nodes.at(-1)!.op).toBe('Softmax');
    const logits = withoutFinalSoftmax(graph);
    expect(logits.nodes.at(-1)!.op).toBe('Dense');
    expect(logits.output).toBe(graph.nodes.at(-1)!.inputs[0]);
  });

  it('passes a target within its tolerance and fails one outside it, naming the difference', async () => {
    const registry = { close: perturbed(1e-6), far: perturbed(1e-2) };
    const report = await verifyModel(graph, { targets: ['close', 'far'], seed: 3, runs: 1, registry });
    const [close, far] = report.rows;
    expect(close!.pass).toBe(true);
    expect(close!.relative).toBeGreaterThan(0);
    expect(close!.relative).toBeLessThan(1e-5);
    expect(far!.pass).toBe(false);
    expect(far!.relative).toBeCloseTo(1e-2, 3);
    expect(report.pass).toBe(false);
  });

  it('a target that throws fails its row with the reason; the others still run', async () => {
    const broken: VerifyTarget = { runtime: 'broken', tolerance: 1, run: () => Promise.reject(new Error('no adapter')) };
    const report = await verifyModel(graph, { targets: ['broken', 'close'], seed: 0, runs: 1, registry: { broken, close: perturbed(0) } });
    expect(report.rows.map((r) => [r.target, r.pass, r.error])).toEqual([['broken', false, 'no adapter'], ['close', true, undefined]]);
  });

  it('the weights are the seed\'s and calibrated: activations stay O(1), and another seed gives other weights', () => {
    const a = verificationWeights(graph, 1);
    const b = verificationWeights(graph, 2);
    const input = tensor([1, 3, 16, 16], randomValues(3 * 16 * 16, 9));
    const logits = (g: typeof graph) => interpret(withoutFinalSoftmax(g), input).output.data;
    expect(logits(a)).toEqual(logits(verificationWeights(graph, 1)));
    expect(logits(a)).not.toEqual(logits(b));
    expect(Math.max(...logits(a).map(Math.abs))).toBeLessThan(100);
  });

  it('onnxruntime agrees with the reference on the emitted model', async () => {
    const report = await verifyModel(graph, { targets: ['onnx'], seed: 0, runs: 2 });
    expect(report.rows[0]).toMatchObject({ target: 'onnx', pass: true, tolerance: VERIFY_TARGETS.onnx!.tolerance });
    expect(report.rows[0]!.relative).toBeLessThan(1e-5);
  });
});

describe('excite verify', () => {
  it('prints the table and exits 0 when every target agrees, with progress on stderr', async () => {
    const { code, stdout, stderr } = await run('verify', file, '--targets', 'onnx', '--runs', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^target\s+runtime\s+max abs diff\s+max rel diff\s+tolerance\s+latency\s+result$/m);
    expect(stdout).toMatch(/^onnx\s+onnxruntime-node \(CPU\)\s+\S+\s+\S+\s+1\.00e-4\s+[\d.]+ ms\s+pass$/m);
    expect(stdout).toContain('all targets agree');
    expect(stderr).toContain('verify [1/2] reference interpreter');
  });

  it('--json gives the report', async () => {
    const { code, stdout } = await run('verify', file, '--targets', 'onnx', '--runs', '1', '--json', '--input', '20x20');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ model: 'tiny', input: [1, 3, 20, 20], seed: 0, pass: true });
  });

  it('rejects an unknown target with the nearest name, and bad flags, without a stack trace', async () => {
    const unknown = await run('verify', file, '--targets', 'onnx,wgls');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown target `wgls`');
    expect(unknown.stderr).toContain('did you mean `wgsl`?');
    const runs = await run('verify', file, '--runs', '0');
    expect(runs.code).toBe(1);
    expect(runs.stderr).toContain('--runs must be a positive integer');
    expect(`${unknown.stderr}${runs.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('a network whose reference output overflows is a diagnostic, not a table of NaNs', async () => {
    // SE gated by an unbounded ReLU: with these random weights at 16×16 (1×1 maps in the last stage) it overflows.
    const { code, stdout, stderr } = await run('verify', 'se-resnet-50-gate-relu', '--input', '16x16', '--seed', '7', '--targets', 'onnx', '--runs', '1');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/error\[E0506\]: se-resnet-50-gate-relu's reference output is not finite/);
    expect(stderr).toContain('hint: try another --seed or --input size');
  });

  it('a .se file with an error is reported at its line, exit 1', async () => {
    const broken = join(dir, 'broken.se');
    writeFileSync(broken, tiny.replace('se(r: 4)', 'se(r: 5)'));
    const { code, stderr } = await run('verify', broken, '--targets', 'onnx');
    expect(code).toBe(1);
    expect(stderr).toMatch(/broken\.se:7:6: error\[E0401\]/);
  });
});
