import type { OpSpec } from './spec.js';
import { activateInto } from '../reference/kernels/activation.js';
import { tensor, type Tensor } from '../reference/tensor.js';

export type NoAttributes = Record<string, never>;

/** The pointwise nonlinearities, by the names the DSL and the fused ops use. */
export type ActivationKind = 'relu' | 'relu6' | 'sigmoid' | 'hard_sigmoid' | 'tanh' | 'swish' | 'identity';

export const ACTIVATION_FUNCTIONS: Record<ActivationKind, (x: number) => number> = {
  relu: (x) => (x > 0 ? x : 0),
  relu6: (x) => Math.min(Math.max(x, 0), 6),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  // PyTorch's definition: relu6(x + 3) / 6.
  hard_sigmoid: (x) => Math.min(Math.max(x + 3, 0), 6) / 6,
  tanh: (x) => Math.tanh(x),
  swish: (x) => x / (1 + Math.exp(-x)),
  identity: (x) => x,
};

export function mapTensor(input: Tensor, f: (x: number) => number): Tensor {
  const out = tensor(input.shape);
  for (let i = 0; i < input.data.length; i++) out.data[i] = f(input.data[i]!);
  return out;
}

/** The pointwise activations share one rule: shape preserved, no weights, not counted as MACs. */
function activation(kind: ActivationKind, doc: string): OpSpec<NoAttributes> {
  return {
    doc,
    arity: 1,
    inferShape: ([input]) => input!,
    reference([x]) {
      const out = tensor(x!.shape);
      activateInto(kind, x!.data, 0, out.data, 0, out.data.length);
      return out;
    },
  };
}

export const relu = activation('relu', 'max(x, 0)');
export const relu6 = activation('relu6', 'min(max(x, 0), 6)');
export const sigmoid = activation('sigmoid', '1 / (1 + exp(-x))');
export const hardSigmoid = activation('hard_sigmoid', 'min(max(x + 3, 0), 6) / 6');
export const tanh = activation('tanh', 'tanh(x)');
export const swish = activation('swish', 'x · sigmoid(x)');
export const identity = activation('identity', 'x');

/** Softmax over each sample's values (the class scores). */
export const softmax: OpSpec<NoAttributes> = {
  doc: 'softmax over each sample',
  arity: 1,
  inferShape: ([input]) => input!,
  reference([x]) {
    const out = tensor(x!.shape);
    const n = x!.shape[0]!;
    const size = x!.data.length / n;
    for (let b = 0; b < n; b++) {
      const row = x!.data.subarray(b * size, (b + 1) * size);
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      let sum = 0;
      for (let i = 0; i < size; i++) sum += out.data[b * size + i] = Math.exp(row[i]! - max);
      for (let i = 0; i < size; i++) out.data[b * size + i]! /= sum;
    }
    return out;
  },
};
