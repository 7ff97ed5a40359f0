import type { InferenceLowering } from './context.js';

/**
 * A batch norm the passes left unfolded (none in the inference pipeline's output): x · scale + shift per channel,
 * with scale = γ / √(var + eps) and shift = β − mean · scale computed here, once.
 */
export const inferBatchNorm: InferenceLowering<'BatchNorm'> = (node, ctx) => {
  const [gamma, beta, mean, variance] = ['gamma', 'beta', 'mean', 'var'].map((r) => ctx.requireWeight(r));
  const c = gamma!.length;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = gamma![i]! / Math.sqrt(variance![i]! + node.attrs.eps);
    shift[i] = beta![i]! - mean![i]! * scale[i]!;
  }
  return `tf.add(tf.mul(${ctx.input(0)}, ${ctx.constant('scale', scale, [c])}), ${ctx.constant('shift', shift, [c])})`;
};
