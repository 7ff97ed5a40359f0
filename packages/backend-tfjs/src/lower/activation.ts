import type { ActivationKind, OpKind } from '@excite/ir';
import type { BuildContext, Lowering, Value } from '../lowering.js';

/** tfjs-layers' built-in activation for each IR activation, where its definition matches the IR's exactly. */
const STOCK: Record<ActivationKind, string | undefined> = {
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  swish: 'swish', // x · sigmoid(x) (alpha = 1)
  identity: 'linear',
  hard_sigmoid: undefined, // tfjs's hardSigmoid is clip(0.2x + 0.5, 0, 1); PyTorch's (the IR's) is relu6(x + 3) / 6
};

/** The tfjs `activation` argument for a layer that fuses `kind`, or undefined when it needs layers of its own. */
export function stockActivation(kind: ActivationKind | undefined): string | undefined {
  return STOCK[kind ?? 'identity'];
}

/**
 * Layers applying `kind` to x, the last named for `part` (the node's own name without one). PyTorch's hard sigmoid,
 * clip(x/6 + 1/2, 0, 1), is tfjs's clip(0.2·y + 0.5, 0, 1) of y = 5x/6: a Rescaling, then the stock activation.
 */
export function activate(ctx: BuildContext, x: Value, kind: ActivationKind, part?: string): Value {
  const stock = STOCK[kind];
  if (stock !== undefined) return ctx.layer('activation', { name: ctx.name(part), activation: stock as never }, x);
  const scaled = ctx.layer('rescaling', { name: ctx.name(part === undefined ? 'prescale' : `${part}_prescale`), scale: 5 / 6, offset: 0 }, x);
  return ctx.layer('activation', { name: ctx.name(part), activation: 'hardSigmoid' }, scaled);
}

function lowerActivation(kind: ActivationKind): Lowering<OpKind & ('Relu' | 'Relu6' | 'Sigmoid' | 'HardSigmoid' | 'Tanh' | 'Swish')> {
  return (_node, ctx) => activate(ctx, ctx.input(0), kind);
}

export const lowerRelu = lowerActivation('relu');
export const lowerRelu6 = lowerActivation('relu6');
export const lowerSigmoid = lowerActivation('sigmoid');
export const lowerHardSigmoid = lowerActivation('hard_sigmoid');
export const lowerTanh = lowerActivation('tanh');
export const lowerSwish = lowerActivation('swish');

/** Identity adds no layer: its output is its input. */
export const lowerIdentity: Lowering<'Identity'> = (_node, ctx) => ctx.input(0);
