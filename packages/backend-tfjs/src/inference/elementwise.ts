import type { InferenceLowering } from './context.js';

export const inferAdd: InferenceLowering<'Add'> = (node, ctx) => {
  const inputs = node.inputs.map((_, i) => ctx.input(i));
  return inputs.length === 2 ? `tf.add(${inputs[0]}, ${inputs[1]})` : `tf.addN([${inputs.join(', ')}])`;
};

/** x [N, H, W, C] · s [N, 1, 1, C] (or of x's shape): tf.mul broadcasts. */
export const inferMul: InferenceLowering<'Mul'> = (_node, ctx) => `tf.mul(${ctx.input(0)}, ${ctx.input(1)})`;

export const inferScale: InferenceLowering<'Scale'> = (node, ctx) => `tf.mul(${ctx.input(0)}, ${node.attrs.factor})`;
