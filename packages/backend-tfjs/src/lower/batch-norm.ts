import type { Lowering } from '../lowering.js';

/**
 * BatchNormalization over the channel axis (last in NHWC) with the IR's eps: inference (predict) uses the moving
 * statistics, the IR's running mean and variance; training uses batch statistics. Momentum 0.9 is PyTorch's 0.1.
 */
export const lowerBatchNorm: Lowering<'BatchNorm'> = (node, ctx) => {
  const c = ctx.inputShape(0)[0]!;
  const weights = ['gamma', 'beta', 'mean', 'var'].map((role) => ({ values: ctx.requireWeight(role), shape: [c] }));
  return ctx.layer('batchNormalization', { name: ctx.name(), axis: -1, epsilon: node.attrs.eps, momentum: 0.9 }, ctx.input(0), weights);
};
