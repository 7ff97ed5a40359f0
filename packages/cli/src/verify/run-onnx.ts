import { emitOnnx } from '@excite/backend-onnx';
import { timed, type TargetInput, type TargetRun } from './targets.js';

/** The emitted ONNX bytes (standard profile) in an onnxruntime-node session: what `compile --target onnx` ships. */
export async function runOnnx({ inference, input, runs }: TargetInput): Promise<TargetRun> {
  // Loaded on demand: the native binding costs startup time every other command should not pay.
  const { InferenceSession, Tensor } = await import('onnxruntime-node');
  const { bytes } = emitOnnx(inference);
  const session = await InferenceSession.create(bytes, {
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  try {
    const feeds = { [inference.input.name]: new Tensor('float32', Float32Array.from(input.data), [...input.shape]) };
    return await timed(runs, async () => (await session.run(feeds))[inference.output]!.data as Float32Array);
  } finally {
    await session.release();
  }
}
