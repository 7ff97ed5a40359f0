import { denseKernel } from '../layout.js';
import type { LayerWeight, Lowering } from '../lowering.js';
import { LOADED } from './conv.js';

/** Dense on [N, I] (a [C, 1, 1] input, [N, 1, 1, C] in tfjs, is flattened first: same order). */
export const lowerDense: Lowering<'Dense'> = (node, ctx) => {
  const inShape = ctx.inputShape(0);
  const i = inShape[0]!;
  const o = node.attrs.outFeatures;
  let x = ctx.input(0);
  if (inShape.length === 3) x = ctx.layer('flatten', { name: ctx.name('flatten') }, x);
  const weights: LayerWeight[] = [{ values: denseKernel(ctx.requireWeight('weight'), [o, i]), shape: [i, o] }];
  if (node.attrs.bias) weights.push({ values: ctx.requireWeight('bias'), shape: [o] });
  return ctx.layer('dense', { name: ctx.name(), units: o, useBias: node.attrs.bias, ...LOADED }, x, weights);
};
