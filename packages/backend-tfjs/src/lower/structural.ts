import type { Lowering } from '../lowering.js';

export const lowerConcat: Lowering<'Concat'> = (node, ctx) =>
  ctx.layer('concatenate', { name: ctx.name(), axis: -1 }, node.inputs.map((_, i) => ctx.input(i)));

/**
 * ShuffleNet's shuffle in NHWC with stock layers: [H, W, C] → [H, W, g, C/g] → swap the last two → [H, W, C], so
 * output channel j·g + i is input channel i·(C/g) + j, as in the IR.
 */
export const lowerChannelShuffle: Lowering<'ChannelShuffle'> = (node, ctx) => {
  const [c, h, w] = ctx.inputShape(0);
  const g = node.attrs.groups;
  const split = ctx.layer('reshape', { name: ctx.name('split'), targetShape: [h!, w!, g, c! / g] }, ctx.input(0));
  const swapped = ctx.layer('permute', { name: ctx.name('transpose'), dims: [1, 2, 4, 3] }, split);
  return ctx.layer('reshape', { name: ctx.name(), targetShape: [h!, w!, c!] }, swapped);
};

/** The IR flattens channel-major (NCHW): permute NHWC to CHW first, unless the map is 1×1 (same order either way). */
export const lowerFlatten: Lowering<'Flatten'> = (_node, ctx) => {
  const shape = ctx.inputShape(0);
  if (shape.length !== 3) return ctx.input(0);
  let x = ctx.input(0);
  if (shape[1] !== 1 || shape[2] !== 1) x = ctx.layer('permute', { name: ctx.name('to_chw'), dims: [3, 1, 2] }, x);
  return ctx.layer('flatten', { name: ctx.name() }, x);
};

/** Softmax over each sample's values: on a feature map, flattened (any order will do) and reshaped back. */
export const lowerSoftmax: Lowering<'Softmax'> = (_node, ctx) => {
  const shape = ctx.inputShape(0);
  if (shape.length === 1) return ctx.layer('activation', { name: ctx.name(), activation: 'softmax' }, ctx.input(0));
  const flat = ctx.layer('flatten', { name: ctx.name('flatten') }, ctx.input(0));
  const soft = ctx.layer('activation', { name: ctx.name('softmax'), activation: 'softmax' }, flat);
  const [c, h, w] = shape;
  return ctx.layer('reshape', { name: ctx.name(), targetShape: [h!, w!, c!] }, soft);
};

/** Dropout: active in training (`fit`), the identity in `predict`, as in the IR. */
export const lowerDropout: Lowering<'Dropout'> = (node, ctx) => ctx.layer('dropout', { name: ctx.name(), rate: node.attrs.rate }, ctx.input(0));
