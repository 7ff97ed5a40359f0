import { denseKernel } from '../layout.js';
import type { InferenceLowering } from './context.js';

/** tf.fused.matMul with the bias on [N, I] (a [C, 1, 1] input, [N, 1, 1, C] in tfjs, reshaped first: same order). */
export const inferDense: InferenceLowering<'Dense'> = (node, ctx) => {
  const shape = ctx.inputShape(0);
  const i = shape[0]!;
  const o = node.attrs.outFeatures;
  const x = shape.length === 3 ? ctx.assign('flat', `tf.reshape(${ctx.input(0)}, [-1, ${i}])`, 'tf.Tensor2D') : ctx.input(0);
  const kernel = ctx.constant('weight', denseKernel(ctx.requireWeight('weight'), [o, i]), [i, o]);
  const bias = node.attrs.bias ? `, bias: ${ctx.constant('bias', ctx.requireWeight('bias'), [o])}` : '';
  return `tf.fused.matMul({ a: ${x}, b: ${kernel}${bias} }) as tf.Tensor2D`;
};
