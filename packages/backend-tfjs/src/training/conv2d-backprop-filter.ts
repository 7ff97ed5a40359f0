import { tf } from '../tf.js';
import { composedKernel } from './kernel.js';

/**
 * dL/dfilter of conv2d, [kh, kw, C, O], as ONE forward convolution on the backend's conv kernel (XNNPACK on wasm):
 * dW[ky, kx, c, o] = Σ over n, oy, ox of xpad[n, oy·sh + ky, ox·sw + kx, c] · dy[n, oy, ox, o] is a convolution of x
 * with the channels as the batch ([C, H, W, N], padded as the forward conv was) by dy as the filter
 * ([outH, outW, N, O]), dilated by the forward stride. The obvious im2col — one strided slice of x per tap and a
 * MatMul — is an order of magnitude slower on wasm, whose Slice and StridedSlice are plain copy loops; this costs
 * two transposes and the conv. (tfjs's conv2d gradient only asks for dilation 1.)
 */
export const conv2dBackpropFilter = composedKernel<tf.Conv2DBackpropFilterAttrs>(({ x, dy }, attrs) => {
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const nchw = dataFormat === 'NCHW';
  const inputShape = (nchw ? [x!.shape[0], x!.shape[2], x!.shape[3], x!.shape[1]] : x!.shape) as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padInfo: { top, bottom, left, right } } = info;
  const channelsAsBatch = tf.transpose(x!, nchw ? [1, 2, 3, 0] : [3, 1, 2, 0]) as tf.Tensor4D; // [C, H, W, N]
  const gradAsFilter = tf.transpose(dy!, nchw ? [2, 3, 0, 1] : [1, 2, 0, 3]) as tf.Tensor4D; // [outH, outW, N, O]
  const padding = [[0, 0], [top, bottom], [left, right], [0, 0]] as tf.backend_util.ExplicitPadding;
  const full = tf.conv2d(channelsAsBatch, gradAsFilter, 1, padding, 'NHWC', [sh, sw]); // [C, ≥kh, ≥kw, O]
  // Rows past kh exist when the stride skipped the input's last rows; the forward conv never read them.
  const taps = full.shape[1] === kh && full.shape[2] === kw ? full : tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
  return tf.transpose(taps, [1, 2, 0, 3]);
});
