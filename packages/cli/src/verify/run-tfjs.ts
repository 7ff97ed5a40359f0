import { buildInferenceFunction, emitTfjs, fromTf, memoryHandler, tf, tfl, toTf, useBackend } from '@excite/backend-tfjs';
import { quietTfjs } from '../targets.js';
import { timed, type TargetInput, type TargetRun } from './targets.js';

/** Predicts on an NHWC tensor and returns the output in the IR's layout. */
function predictIr(predict: (x: tf.Tensor4D) => tf.Tensor, x: tf.Tensor4D): Float32Array {
  const y = predict(x);
  try {
    return fromTf(y).data;
  } finally {
    y.dispose();
  }
}

/**
 * Both forms `compile --target tfjs` ships, on the wasm backend: the Layers artifact (model.json + weights) loaded by
 * stock `tf.loadLayersModel`, and the generated inference form (BN folded, tf.fused convolutions). Loading is not timed.
 */
export async function runTfjs({ trainable, inference, input, runs }: TargetInput): Promise<TargetRun[]> {
  quietTfjs(tf);
  const files = emitTfjs(trainable, { model: trainable.name, inferenceGraph: inference });
  await useBackend('wasm');
  const layers = await tfl.loadLayersModel(memoryHandler(files));
  const fused = buildInferenceFunction(inference);
  const x = toTf(input) as tf.Tensor4D;
  try {
    const stock = await timed(runs, async () => predictIr((t) => layers.predict(t) as tf.Tensor, x));
    const form = await timed(runs, async () => predictIr(fused.predict, x));
    return [
      { ...stock, runtime: 'tfjs wasm: model.json via tf.loadLayersModel' },
      { ...form, runtime: 'tfjs wasm: inference form (tf.fused)' },
    ];
  } finally {
    x.dispose();
    layers.dispose();
    fused.dispose();
  }
}
