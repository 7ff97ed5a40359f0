import { tf } from '../tf.js';
import { padOrCrop } from './kernel.js';

/**
 * The input windows a sliding-window op's taps see (max pooling's, here): x (NHWC) padded once, then for tap
 * (ky, kx) the [N, outH, outW, C] slice of the rows and columns that tap reads — one strided slice per tap — and the
 * adjoint, which puts per-window values back where the tap read them. (Plain copies on wasm, so the convolution
 * gradients use the backend's conv instead; see conv2d-backprop-filter.ts.)
 */
export class FilterTaps {
  readonly padded: tf.Tensor4D;

  /** `padValue` fills the padding: 0 for convolutions, -Infinity for max pooling (padding never wins a window). */
  constructor(x: tf.Tensor4D, private readonly info: tf.backend_util.Conv2DInfo, padValue = 0) {
    const { top, bottom, left, right } = info.padInfo;
    this.padded = padOrCrop(x, [[0, 0], [top, bottom], [left, right], [0, 0]], padValue) as tf.Tensor4D;
  }

  /**
   * The adjoint of `tap`: a [N, outH, outW, C] tensor put back where tap (ky, kx) read it, in the padded input's
   * [N, Hp, Wp, C] frame (zeros elsewhere).
   */
  untap(ky: number, kx: number, values: tf.Tensor4D): tf.Tensor4D {
    const { batchSize: n, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
      dilationHeight: dh, dilationWidth: dw } = this.info;
    const [, hp, wp] = this.padded.shape;
    let spread: tf.Tensor = values;
    if (sh > 1 || sw > 1) {
      const lifted = tf.reshape(values, [n, oh, 1, ow, 1, c]);
      spread = tf.reshape(tf.pad(lifted, [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]), [n, oh * sh, ow * sw, c]);
    }
    const [y0, x0] = [ky * dh, kx * dw];
    return padOrCrop(spread, [[0, 0], [y0, hp - y0 - spread.shape[1]!], [x0, wp - x0 - spread.shape[2]!], [0, 0]]) as tf.Tensor4D;
  }

  /** The [N, outH, outW, C] window of tap (ky, kx). */
  tap(ky: number, kx: number): tf.Tensor4D {
    const { batchSize: n, inChannels: c, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw,
      dilationHeight: dh, dilationWidth: dw } = this.info;
    const [y0, x0] = [ky * dh, kx * dw];
    const [, hp, wp] = this.padded.shape;
    if (y0 === 0 && x0 === 0 && oh === hp && ow === wp) return this.padded; // a 1×1, stride-1 filter's one tap
    if (sh === 1 && sw === 1) return tf.slice(this.padded, [0, y0, x0, 0], [n, oh, ow, c]);
    const end = [n, y0 + (oh - 1) * sh + 1, x0 + (ow - 1) * sw + 1, c];
    return tf.stridedSlice(this.padded, [0, y0, x0, 0], end, [1, sh, sw, 1]) as tf.Tensor4D;
  }
}
