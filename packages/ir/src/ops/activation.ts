import type { OpSpec } from './spec.js';

export type NoAttributes = Record<string, never>;

/** The pointwise activations share one rule: shape preserved, no weights, not counted as MACs. */
function activation(doc: string): OpSpec<NoAttributes> {
  return { doc, arity: 1, inferShape: ([input]) => input! };
}

export const relu = activation('max(x, 0)');
export const relu6 = activation('min(max(x, 0), 6)');
export const sigmoid = activation('1 / (1 + exp(-x))');
/** PyTorch's definition: relu6(x + 3) / 6. */
export const hardSigmoid = activation('min(max(x + 3, 0), 6) / 6');
export const tanh = activation('tanh(x)');
export const swish = activation('x · sigmoid(x)');
export const identity = activation('x');
export const softmax = activation('softmax over the last axis');
