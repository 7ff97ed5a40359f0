import type { Lowering } from '../lowering.js';

export const lowerAdd: Lowering<'Add'> = (node, ctx) => ctx.layer('add', { name: ctx.name() }, node.inputs.map((_, i) => ctx.input(i)));

/** x [N, H, W, C] · s [N, 1, 1, C] (or of x's shape): Multiply broadcasts. */
export const lowerMul: Lowering<'Mul'> = (_node, ctx) => ctx.layer('multiply', { name: ctx.name() }, [ctx.input(0), ctx.input(1)]);

/** A constant factor: Rescaling with offset 0. */
export const lowerScale: Lowering<'Scale'> = (node, ctx) =>
  ctx.layer('rescaling', { name: ctx.name(), scale: node.attrs.factor, offset: 0 }, ctx.input(0));
