import type { Lowering } from '../lowering.js';
import { activate } from './activation.js';

/** act(x · s + y): Multiply, Add and (when fused) the activation. */
export const lowerScaleAdd: Lowering<'ScaleAdd'> = (node, ctx) => {
  const act = node.attrs.activation && node.attrs.activation !== 'identity' ? node.attrs.activation : undefined;
  const scaled = ctx.layer('multiply', { name: ctx.name('scale') }, [ctx.input(0), ctx.input(1)]);
  const sum = ctx.layer('add', { name: ctx.name(act ? 'add' : undefined) }, [scaled, ctx.input(2)]);
  return act ? activate(ctx, sum, act) : sum;
};
