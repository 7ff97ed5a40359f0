import { tf } from '../tf.js';
import { composedKernel, padOrCrop } from './kernel.js';

/**
 * dL/dx of a depthwise conv, [N, H, W, C]: the transposed convolution, run as a forward depthwise conv on the
 * backend — dy with (stride − 1) zeros between rows and columns, padded so every input pixel sees each tap that
 * read it, correlated with the spatially flipped filter (one channel per output channel c·m + q), then the m
 * products of each input channel summed.
 */
export const depthwiseConv2dBackpropInput = composedKernel<tf.DepthwiseConv2dNativeBackpropInputAttrs>(({ dy, filter }, attrs) => {
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const w = filter as tf.Tensor4D;
  const info = tf.backend_util.computeConv2DInfo(inputShape, w.shape, strides, dilations, pad, dimRoundingMode, true, 'channelsLast');
  const { batchSize: n, inHeight: h, inWidth: iw, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
    dilationHeight: dh, dilationWidth: dw, filterHeight: kh, filterWidth: kw, padInfo: { top, left } } = info;
  const [, , channels, multiplier] = w.shape;
  const outChannels = channels * multiplier;
  let spread = dy as tf.Tensor;
  if (sh > 1 || sw > 1) {
    // [N, oh, ow, CM] → [N, oh·sh, ow·sw, CM] with dy at every stride-th row and column, zeros between.
    const lifted = tf.reshape(spread, [n, oh, 1, ow, 1, outChannels]);
    const zeros = tf.pad(lifted, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    spread = tf.reshape(zeros, [n, oh * sh, ow * sw, outChannels]);
  }
  // Input row y gathers tap k from spread row y + top − k·dh: pad (kh − 1)·dh − top before, enough after for H rows.
  const before = [(kh - 1) * dh - top, (kw - 1) * dw - left];
  const after = [h + (kh - 1) * dh - before[0]! - spread.shape[1]!, iw + (kw - 1) * dw - before[1]! - spread.shape[2]!];
  const padded = padOrCrop(spread, [[0, 0], [before[0]!, after[0]!], [before[1]!, after[1]!], [0, 0]]) as tf.Tensor4D;
  const flipped = tf.reverse(tf.reshape(w, [kh, kw, outChannels, 1]), [0, 1]) as tf.Tensor4D;
  const perOutput = tf.depthwiseConv2d(padded, flipped, 1, 'valid', 'NHWC', [dh, dw]);
  if (multiplier === 1) return perOutput;
  return tf.sum(tf.reshape(perOutput, [n, h, iw, channels, multiplier]), 4);
});
