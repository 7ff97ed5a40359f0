// Shared by the ONNX conformance suites: a zoo model compiled, emitted to ONNX, run in onnxruntime-node and compared
// with the reference interpreter on the compiled graph.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { compile } from '@excite/compiler';
import { emitOnnx, type EmitOptions } from '@excite/backend-onnx';
import { interpret, relativeError, type Graph, type Tensor } from '@excite/ir';
import { zooSources } from '@excite/zoo';
import { sampleOf, smallModel } from './helpers.js';

/** Sessions that do not spin idle threads (two cores shared with the other test file). */
export async function session(bytes: Uint8Array): Promise<InferenceSession> {
  return InferenceSession.create(bytes, {
    executionMode: 'sequential',
    intraOpNumThreads: 1,
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

export async function runOrt(bytes: Uint8Array, graph: Graph, input: Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const s = await session(bytes);
  try {
    const feeds = { [graph.input.name]: new OrtTensor('float32', Float32Array.from(input.data), [...input.shape]) };
    const out = (await s.run(feeds))[graph.output]!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await s.release();
  }
}

export const zooSourceMap = () => zooSources();

/** A zoo model at its small input, calibrated random weights, compiled for inference. */
export function compiledSmall(name: string): Graph {
  return compile(smallModel(name), { pipeline: 'inference', seed: 0 }).graph;
}

/** The emitted model runs in onnxruntime and agrees with the reference interpreter within 1e-4 relative. */
export async function expectOrtAgreement(graph: Graph, options: EmitOptions = {}, batch = 2): Promise<number> {
  const { bytes } = emitOnnx(graph, { sources: zooSources(), ...options });
  const input = sampleOf(graph, batch, 5);
  const expected = interpret(graph, input).output;
  const actual = await runOrt(bytes, graph, input);
  expect([...actual.dims]).toEqual([...expected.shape]);
  const error = relativeError(expected.data, actual.data);
  expect(error, `${graph.name}: relative error ${error.toExponential(2)}`).toBeLessThan(1e-4);
  return error;
}

/** Debian's python3-onnx under /usr/bin/python3, when installed. */
export const hasPythonOnnx = existsSync('/usr/bin/python3') &&
  spawnSync('/usr/bin/python3', ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
