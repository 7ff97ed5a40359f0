import { tf } from '../tf.js';

type Attrs = Record<string, unknown>;

/**
 * A kernel written with tfjs ops: `compute` receives the kernel's inputs as tensors and returns its output. Runs
 * inside the engine's kernel call, where every op it uses dispatches to the active backend's own kernels (wasm's
 * XNNPACK MatMul, Slice, Pad …) and nothing is recorded on the gradient tape. The engine accepts a Tensor as a
 * kernel's output and adopts it as is.
 */
export function composedKernel<A>(compute: (inputs: Record<string, tf.Tensor>, attrs: A) => tf.Tensor): tf.KernelFunc {
  return ({ inputs, backend, attrs }) =>
    tf.tidy(() => {
      const tensors: Record<string, tf.Tensor> = {};
      const wasm = backend as tf.KernelBackend;
      for (const [name, info] of Object.entries(inputs)) {
        if (!info) continue;
        // The engine hands kernels bare TensorInfos. A Tensor made from one shares its data without holding a
        // reference on it, so take one: tidy's dispose of the wrapper then gives it back instead of freeing the
        // caller's data.
        tensors[name] = tf.engine().makeTensorFromTensorInfo(info, wasm);
        wasm.incRef(info.dataId);
      }
      return compute(tensors, attrs as A & Attrs);
    });
}

/** Pads (positive amounts, with `value`) or crops (negative ones) each axis of x by [before, after]. */
export function padOrCrop(x: tf.Tensor, amounts: [number, number][], value = 0): tf.Tensor {
  let y = x;
  if (amounts.some(([b, a]) => b > 0 || a > 0)) {
    y = tf.pad(y, amounts.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)] as [number, number]), value);
  }
  if (amounts.some(([b, a]) => b < 0 || a < 0)) {
    const begin = amounts.map(([b]) => Math.max(-b, 0));
    const size = y.shape.map((n, axis) => n - begin[axis]! - Math.max(-amounts[axis]![1], 0));
    y = tf.slice(y, begin, size);
  }
  return y;
}

/** NCHW → NHWC (and back with `toNchw`) for kernels that receive either data format. */
export const toNhwc = <T extends tf.Tensor>(x: T): T => tf.transpose(x, [0, 2, 3, 1]);
