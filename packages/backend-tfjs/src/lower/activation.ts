import type { ActivationKind, NoAttributes, OpKind } from '@excite/ir';
import { HardSigmoid } from '../layers.js';
import type { BuildContext, Lowering, Symbolic } from '../lowering.js';
import { tfl } from '../tf.js';

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

/** The tfjs `activation` argument for a layer that fuses `kind`, or undefined when it needs its own layer. */
export function stockActivation(kind: ActivationKind | undefined): string | undefined {
  return STOCK[kind ?? 'identity'];
}

/** A layer applying `kind` to x, named for `part` (the node's own name without one). */
export function activate(ctx: BuildContext, x: Symbolic, kind: ActivationKind, part?: string): Symbolic {
  const name = ctx.name(part);
  const stock = STOCK[kind];
  const layer = stock === undefined ? new HardSigmoid({ name }) : tfl.layers.activation({ name, activation: stock as never });
  return ctx.apply(layer, x);
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

export type { NoAttributes };
