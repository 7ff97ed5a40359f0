import { tf } from '../tf.js';
import { composedKernel, padOrCrop } from './kernel.js';
import { FilterTaps } from './patches.js';

/**
 * dL/dx of max pooling: each window's dy goes to the window's first maximum in row-major order (the cpu backend's
 * rule, which matters where ReLU leaves windows of equal zeros). Replaces tfjs-backend-wasm 4.22's own MaxPoolGrad,
 * which routes gradients to the wrong cells when windows overhang the input (odd sizes, 'same' padding, ceil mode).
 * Per tap: compare the tap's window with the pooled output, keep the hits no earlier tap claimed, and add
 * hit · dy back at the cells the tap read.
 */
export const maxPoolGrad = composedKernel<tf.MaxPoolGradAttrs>(({ dy, input, output }, attrs) => {
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const x = input as tf.Tensor4D;
  const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
  const taps = new FilterTaps(x, info, -Infinity);
  let claimed: tf.Tensor = tf.zerosLike(output!);
  let dx: tf.Tensor = tf.zerosLike(taps.padded);
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) {
      const hit = tf.mul(tf.cast(tf.equal(taps.tap(ky, kx), output!), 'float32'), tf.sub(1, claimed));
      claimed = tf.add(claimed, hit);
      dx = tf.add(dx, taps.untap(ky, kx, tf.mul(hit, dy!) as tf.Tensor4D));
    }
  }
  const { top, left, bottom, right } = info.padInfo;
  return padOrCrop(dx, [[0, 0], [-top, -bottom], [-left, -right], [0, 0]]);
});
