import type { ActivationKind } from './activation.js';
import { ShapeError, elementCount, formatShape, type OpSpec } from './spec.js';
import { scaleAddInto } from '../reference/kernels/scale-add.js';
import { asNchw, tensor } from '../reference/tensor.js';

export interface ScaleAddAttributes {
  /** Applied after the sum (the ReLU that follows a residual join); absent: none. */
  activation?: ActivationKind;
}

/**
 * The authors' "Axpy", fused by the compiler: act(x · s + y), the SE channel scale and the residual sum (and the
 * ReLU after it) in one pass over memory. s is one value per channel ([C,1,1]) or has x's shape.
 */
export const scaleAdd: OpSpec<ScaleAddAttributes> = {
  doc: 'Fused SE scale and residual add: act(x · s + y).',
  arity: 3,
  inferShape([x, s, y]) {
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    const perChannel = s!.length === 3 && s![0] === x![0] && s![1] === 1 && s![2] === 1;
    if (x!.length !== 3 || !(perChannel || same(s!, x!)) || !same(x!, y!)) {
      throw new ShapeError('E0409', `ScaleAdd cannot combine ${formatShape(x!)} · ${formatShape(s!)} + ${formatShape(y!)}`);
    }
    return x!;
  },
  // Counted like the Mul it replaces (the SE's channel scaling); the residual sum was never counted.
  elementOps: ([x]) => elementCount(x!),
  describe: (a) => (a.activation ? `act=${a.activation}` : ''),
  reference([x, s, y], _weights, a) {
    const out = tensor(x!.shape);
    const [n, c, h, w] = asNchw(x!);
    scaleAddInto(x!.data, s!.data, y!.data, n * c, h * w, a.activation ?? 'identity', out.data);
    return out;
  },
};
