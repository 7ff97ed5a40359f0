import type { InferenceLowering } from './context.js';

export const inferConcat: InferenceLowering<'Concat'> = (node, ctx) =>
  `tf.concat([${node.inputs.map((_, i) => ctx.input(i)).join(', ')}], ${ctx.inputShape(0).length === 3 ? 3 : 1})`;

/** [N, H, W, C] → [N, H, W, g, C/g] → swap the last two → [N, H, W, C]: output channel j·g + i is input i·(C/g) + j. */
export const inferChannelShuffle: InferenceLowering<'ChannelShuffle'> = (node, ctx) => {
  const [c, h, w] = ctx.inputShape(0);
  const g = node.attrs.groups;
  return `tf.reshape(tf.transpose(tf.reshape(${ctx.input(0)}, [-1, ${h}, ${w}, ${g}, ${c! / g}]), [0, 1, 2, 4, 3]), [-1, ${h}, ${w}, ${c}])`;
};

/** The IR flattens channel-major (NCHW): transpose NHWC to NCHW first, unless the map is 1×1 (same order either way). */
export const inferFlatten: InferenceLowering<'Flatten'> = (_node, ctx) => {
  const shape = ctx.inputShape(0);
  if (shape.length !== 3) return ctx.input(0);
  const [c, h, w] = shape;
  const x = h === 1 && w === 1 ? ctx.input(0) : `tf.transpose(${ctx.input(0)}, [0, 3, 1, 2])`;
  return `tf.reshape(${x}, [-1, ${c! * h! * w!}])`;
};

/** Softmax over each sample's values: on a feature map, flattened (any order will do) and reshaped back. */
export const inferSoftmax: InferenceLowering<'Softmax'> = (_node, ctx) => {
  const shape = ctx.inputShape(0);
  if (shape.length === 1) return `tf.softmax(${ctx.input(0)})`;
  const [c, h, w] = shape;
  return `tf.reshape(tf.softmax(tf.reshape(${ctx.input(0)}, [-1, ${c! * h! * w!}])), [-1, ${h}, ${w}, ${c}])`;
};

/** Dropout is the identity in inference. */
export const inferDropout: InferenceLowering<'Dropout'> = (_node, ctx) => ctx.input(0);
