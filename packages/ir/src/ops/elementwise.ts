import { ShapeError, elementCount, formatShape, type OpSpec } from './spec.js';
import type { NoAttributes } from './activation.js';
import { asNchw, tensor, type Tensor } from '../reference/tensor.js';

/** x · s where s has x's shape or is one value per channel ([N, C, 1, 1]). */
export function scaleByChannel(x: Tensor, s: Tensor): Tensor {
  const out = tensor(x.shape);
  const source = x.data;
  const scales = s.data;
  const target = out.data;
  if (scales.length === source.length) {
    for (let i = 0; i < source.length; i++) target[i] = source[i]! * scales[i]!;
    return out;
  }
  const [n, c, h, w] = asNchw(x);
  const plane = h * w;
  for (let i = 0; i < n * c; i++) {
    const factor = scales[i]!;
    for (let j = i * plane; j < (i + 1) * plane; j++) target[j] = source[j]! * factor;
  }
  return out;
}

/** Sum of two or more tensors of one shape: the residual join. */
export const add: OpSpec<NoAttributes> = {
  doc: 'Elementwise sum of inputs of equal shape.',
  arity: 'variadic',
  inferShape(inputs) {
    const [first, ...rest] = inputs;
    for (const other of rest) {
      if (other.length !== first!.length || other.some((d, i) => d !== first![i])) {
        throw new ShapeError(
          'E0404',
          `cannot add ${formatShape(first!)} and ${formatShape(other)}: the branches must have one shape`,
        );
      }
    }
    return first!;
  },
  reference(inputs) {
    const out = tensor(inputs[0]!.shape);
    const target = out.data;
    if (inputs.length === 2) {
      const a = inputs[0]!.data;
      const b = inputs[1]!.data;
      for (let i = 0; i < target.length; i++) target[i] = a[i]! + b[i]!;
      return out;
    }
    // Three or more branches: sum in float64 and round once (float32 partial sums would round at every step).
    const sum = new Float64Array(target.length);
    for (const input of inputs) {
      const data = input.data;
      for (let i = 0; i < sum.length; i++) sum[i]! += data[i]!;
    }
    target.set(sum);
    return out;
  },
};

/** x [C,H,W] times a per-channel scale s [C,1,1]: the SE block's channel-wise scaling. */
export const mul: OpSpec<NoAttributes> = {
  doc: 'Channel-wise scale: x [C,H,W] · s [C,1,1] (or two tensors of one shape).',
  arity: 2,
  inferShape([x, s]) {
    const same = x!.length === s!.length && x!.every((d, i) => d === s![i]);
    const perChannel = x!.length === 3 && s!.length === 3 && s![0] === x![0] && s![1] === 1 && s![2] === 1;
    if (!same && !perChannel) {
      throw new ShapeError('E0409', `cannot scale ${formatShape(x!)} by ${formatShape(s!)}`);
    }
    return x!;
  },
  elementOps: ([x]) => elementCount(x!),
  reference: ([x, s]) => scaleByChannel(x!, s!),
};

export interface ScaleAttributes {
  factor: number;
}

/** Multiplication by a constant (Inception-ResNet's scaled residuals). */
export const scale: OpSpec<ScaleAttributes> = {
  doc: 'Multiply by a constant factor.',
  arity: 1,
  inferShape: ([input]) => input!,
  describe: (a) => `factor=${a.factor}`,
  reference([x], _weights, a) {
    const out = tensor(x!.shape);
    const source = x!.data;
    const target = out.data;
    const factor = a.factor;
    for (let i = 0; i < target.length; i++) target[i] = source[i]! * factor;
    return out;
  },
};
