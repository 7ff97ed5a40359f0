import { ShapeError, elementCount, formatShape, type OpSpec } from './spec.js';
import type { NoAttributes } from './activation.js';

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
};

export interface ScaleAttributes {
  factor: number;
}

/** Multiplication by a constant (Inception-ResNet's scaled residuals). */
export const scale: OpSpec<ScaleAttributes> = {
  doc: 'Multiply by a constant factor.',
  arity: 1,
  inferShape: ([input]) => input!,
  describe: (a) => `×${a.factor}`,
};
