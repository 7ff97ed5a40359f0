import { applyActivation } from './activation.js';
import type { InferenceLowering } from './context.js';

/** act(x · s + y): the SE channel scale, the residual sum and the activation after it. */
export const inferScaleAdd: InferenceLowering<'ScaleAdd'> = (node, ctx) =>
  applyActivation(ctx, node.attrs.activation ?? 'identity', `tf.add(tf.mul(${ctx.input(0)}, ${ctx.input(1)}), ${ctx.input(2)})`);
