import type { ActivationKind, OpKind } from '@excite/ir';
import { tensorType, type Expr, type InferenceContext, type InferenceLowering } from './context.js';

/** The activations tfjs fuses into conv2d / depthwiseConv2d / matMul (its `activation` argument). */
export function fusedActivation(kind: ActivationKind | undefined): string | undefined {
  switch (kind ?? 'identity') {
    case 'identity': return 'linear';
    case 'relu': return 'relu';
    case 'relu6': return 'relu6';
    case 'sigmoid': return 'sigmoid';
    default: return undefined;
  }
}

/**
 * The expression applying `kind` to x (PyTorch's definitions: hard sigmoid is relu6(x + 3) / 6). Swish reads x twice,
 * so an expression is first assigned to a variable.
 */
export function applyActivation(ctx: InferenceContext, kind: ActivationKind, x: Expr): Expr {
  if (kind === 'swish' && !/^[\w$]+$/.test(x)) x = ctx.assign('pre', x, tensorType(ctx.outputShape()));
  switch (kind) {
    case 'identity': return x;
    case 'relu': return `tf.relu(${x})`;
    case 'relu6': return `tf.relu6(${x})`;
    case 'sigmoid': return `tf.sigmoid(${x})`;
    case 'tanh': return `tf.tanh(${x})`;
    case 'swish': return `tf.mul(${x}, tf.sigmoid(${x}))`;
    case 'hard_sigmoid': return `tf.div(tf.relu6(tf.add(${x}, 3)), 6)`;
  }
}

function lowerActivation(kind: ActivationKind): InferenceLowering<OpKind & ('Relu' | 'Relu6' | 'Sigmoid' | 'HardSigmoid' | 'Tanh' | 'Swish')> {
  return (_node, ctx) => applyActivation(ctx, kind, ctx.input(0));
}

export const inferRelu = lowerActivation('relu');
export const inferRelu6 = lowerActivation('relu6');
export const inferSigmoid = lowerActivation('sigmoid');
export const inferHardSigmoid = lowerActivation('hard_sigmoid');
export const inferTanh = lowerActivation('tanh');
export const inferSwish = lowerActivation('swish');

/** Identity computes nothing: its output is its input's variable. */
export const inferIdentity: InferenceLowering<'Identity'> = (_node, ctx) => ctx.input(0);
