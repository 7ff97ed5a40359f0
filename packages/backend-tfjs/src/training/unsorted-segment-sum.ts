import { tf } from '../tf.js';
import { composedKernel } from './kernel.js';

/**
 * out[s] = Σ x[i] over the rows i with segmentIds[i] = s (ids outside [0, numSegments) dropped), as one MatMul:
 * oneHot(segmentIds)ᵀ [S, n] · x [n, rest]. The gradient of Gather (e.g. a channel permutation by index) needs it.
 */
export const unsortedSegmentSum = composedKernel<tf.UnsortedSegmentSumAttrs>(({ x, segmentIds }, { numSegments }) => {
  const rows = segmentIds!.size;
  const rest = x!.shape.slice(segmentIds!.rank);
  const membership = tf.cast(tf.oneHot(tf.reshape(segmentIds!, [rows]), numSegments), 'float32'); // [n, S]
  const values = tf.reshape(tf.cast(x!, 'float32'), [rows, rest.reduce((a, b) => a * b, 1)]);
  const sums = tf.reshape(tf.matMul(membership, values, true), [numSegments, ...rest]);
  return x!.dtype === 'float32' ? sums : tf.cast(sums, x!.dtype);
});
