import { ShapeError, formatShape, type OpSpec, type WeightSpec } from './spec.js';
import { denseInto } from '../reference/kernels/dense.js';
import { tensor } from '../reference/tensor.js';

export interface DenseAttributes {
  outFeatures: number;
  bias: boolean;
}

/** Fully connected layer on a flat vector (or a [C,1,1] map, which it treats as [C]). */
export const dense: OpSpec<DenseAttributes> = {
  doc: 'Fully connected: weight [O, I], optional bias [O]; input [I] or [I,1,1].',
  arity: 1,
  inferShape([input], a) {
    const flat = input && (input.length === 1 || (input.length === 3 && input[1] === 1 && input[2] === 1));
    if (!flat) {
      throw new ShapeError(
        'E0406',
        `dense needs a flat input, but its input is ${input ? formatShape(input) : 'missing'}`,
      );
    }
    return [a.outFeatures];
  },
  weights([input], a) {
    const fanIn = input![0]!;
    const specs: WeightSpec[] = [
      { role: 'weight', shape: [a.outFeatures, fanIn], kind: 'param', init: { kind: 'he_uniform', fanIn } },
    ];
    if (a.bias) specs.push({ role: 'bias', shape: [a.outFeatures], kind: 'param', init: { kind: 'zeros' } });
    return specs;
  },
  macs: ([input], _output, a) => input![0]! * a.outFeatures,
  describe: (a) => `out=${a.outFeatures}${a.bias ? ' bias' : ''}`,
  reference([x], { weight, bias }, a) {
    const n = x!.shape[0]!;
    const out = tensor([n, a.outFeatures]);
    denseInto(x!.data, n, weight!, bias, a.outFeatures, out.data);
    return out;
  },
};
