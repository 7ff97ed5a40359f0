import type { Shape, Tensor } from '@excite/ir';
import { tf } from './tf.js';

/** The tfjs per-sample shape of an IR shape: [C, H, W] → [H, W, C]; flat vectors stay [F]. */
export function nhwcShape(shape: Shape): number[] {
  if (shape.length === 3) return [shape[1]!, shape[2]!, shape[0]!];
  return [...shape];
}

/** IR conv weight [O, C/g, kh, kw] → tfjs conv kernel [kh, kw, C/g, O] (also the depthwise [kh, kw, C, O/C]). */
export function convKernel(weight: Float32Array, [o, i, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(weight.length);
  for (let oc = 0; oc < o!; oc++) {
    for (let ic = 0; ic < i!; ic++) {
      for (let y = 0; y < kh!; y++) {
        for (let x = 0; x < kw!; x++) out[((y * kw! + x) * i! + ic) * o! + oc] = weight[((oc * i! + ic) * kh! + y) * kw! + x]!;
      }
    }
  }
  return out;
}

/** IR dense weight [O, I] → tfjs kernel [I, O]. */
export function denseKernel(weight: Float32Array, [o, i]: readonly number[]): Float32Array {
  const out = new Float32Array(weight.length);
  for (let r = 0; r < o!; r++) for (let c = 0; c < i!; c++) out[c * o! + r] = weight[r * i! + c]!;
  return out;
}

/** A batched IR tensor (NCHW or [N, F]) as a tfjs tensor (NHWC or [N, F]). */
export function toTf(t: Tensor): tf.Tensor {
  return tf.tidy(() => {
    const x = tf.tensor(t.data, [...t.shape]);
    return t.shape.length === 4 ? tf.transpose(x, [0, 2, 3, 1]) : x;
  });
}

/** A tfjs tensor (NHWC or [N, F]) as a batched IR tensor (NCHW or [N, F]). */
export function fromTf(t: tf.Tensor): Tensor {
  const nchw = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
  const data = nchw.dataSync() as Float32Array;
  const shape = nchw.shape;
  if (nchw !== t) nchw.dispose();
  return { shape, data: Float32Array.from(data) };
}

/** Runs a LayersModel in inference mode on a batched IR tensor (NCHW), returning the output in IR layout. */
export function predictIr(model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }, input: Tensor): Tensor {
  const x = toTf(input);
  const y = model.predict(x) as tf.Tensor;
  try {
    return fromTf(y);
  } finally {
    tf.dispose([x, y]);
  }
}
