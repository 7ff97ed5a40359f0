import { tf } from '../tf.js';
import { composedKernel } from './kernel.js';

/**
 * dL/dfilter of a depthwise conv, [kh, kw, C, m], as ONE forward depthwise convolution on the backend: output channel
 * c·m + q reads input channel c through filter[.., c, q], so dW[ky, kx, c, q] = Σ over n, oy, ox of
 * xpad[n, oy·sh + ky·dh, ox·sw + kx·dw, c] · dy[n, oy, ox, c·m + q]. With batch and channels merged into N·C
 * channels of one image ([1, H, W, N·C]) and dy as an [outH, outW, N·C, m] depthwise filter dilated by the stride,
 * the depthwise conv gives every tap offset for each (n, c, q); the taps are every dh-th offset, summed over n.
 * (See conv2d-backprop-filter.ts for why not im2col on wasm.)
 */
export const depthwiseConv2dBackpropFilter = composedKernel<tf.DepthwiseConv2dNativeBackpropFilterAttrs>(({ x, dy }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const input = x as tf.Tensor4D;
  const info = tf.backend_util.computeConv2DInfo(input.shape, filterShape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast');
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw, padInfo: { top, bottom, left, right } } = info;
  const [, , channels, multiplier] = filterShape;
  const image = tf.reshape(tf.transpose(input, [1, 2, 0, 3]), [1, h, w, n * channels]) as tf.Tensor4D;
  const gradFilter = tf.reshape(tf.transpose(tf.reshape(dy!, [n, oh, ow, channels, multiplier]), [1, 2, 0, 3, 4]),
    [oh, ow, n * channels, multiplier]) as tf.Tensor4D;
  const padding = [[0, 0], [top, bottom], [left, right], [0, 0]] as tf.backend_util.ExplicitPadding;
  const offsets = tf.depthwiseConv2d(image, gradFilter, 1, padding, 'NHWC', [sh, sw]); // [1, ≥(kh−1)·dh+1, …, N·C·m]
  const end = [1, (kh - 1) * dh + 1, (kw - 1) * dw + 1, n * channels * multiplier];
  const taps = dh === 1 && dw === 1
    ? tf.slice(offsets, [0, 0, 0, 0], end)
    : tf.stridedSlice(offsets, [0, 0, 0, 0], end, [1, dh, dw, 1]); // [1, kh, kw, N·C·m]
  const perSample = tf.reshape(taps, [kh * kw, n, channels * multiplier]);
  return tf.reshape(tf.sum(perSample, 1), [kh, kw, channels, multiplier]);
});
