import { Scale } from '../layers.js';
import type { Lowering } from '../lowering.js';
import { tfl } from '../tf.js';

export const lowerAdd: Lowering<'Add'> = (node, ctx) =>
  ctx.apply(tfl.layers.add({ name: ctx.name() }), node.inputs.map((_, i) => ctx.input(i)));

/** x [N, H, W, C] · s [N, 1, 1, C] (or of x's shape): Multiply broadcasts. */
export const lowerMul: Lowering<'Mul'> = (_node, ctx) =>
  ctx.apply(tfl.layers.multiply({ name: ctx.name() }), [ctx.input(0), ctx.input(1)]);

export const lowerScale: Lowering<'Scale'> = (node, ctx) =>
  ctx.apply(new Scale({ name: ctx.name(), factor: node.attrs.factor }), ctx.input(0));
