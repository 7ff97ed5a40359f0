import type { ActivationKind } from './activation.js';
import { ShapeError, formatShape, requireRank, windowOutput, type OpSpec, type WeightSpec } from './spec.js';
import { conv2d } from '../reference/kernels/conv2d.js';
import { asNchw, tensor } from '../reference/tensor.js';

export interface ConvAttributes {
  kernel: [number, number];
  stride: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  dilation: [number, number];
  groups: number;
  outChannels: number;
  bias: boolean;
  /** A pointwise activation fused into the conv by the compiler (absent: none). */
  activation?: ActivationKind;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** 2-D convolution, weight [out, in/groups, kh, kw], optional bias [out], optional fused activation. */
export const conv: OpSpec<ConvAttributes> = {
  doc: 'Convolution: weight [O, C/groups, kh, kw], optional bias [O], optional fused activation.',
  arity: 1,
  inferShape([input], a) {
    const [c, h, w] = requireRank(input, 3, 'conv');
    if (c! % a.groups !== 0 || a.outChannels % a.groups !== 0) {
      throw new ShapeError(
        'E0402',
        `groups = ${a.groups} must divide both the ${c} input and the ${a.outChannels} output channels`,
        `use a number of groups that divides ${gcd(c!, a.outChannels)}`,
      );
    }
    const oh = windowOutput(h!, a.kernel[0], a.stride[0], a.pads[0], a.pads[2], a.dilation[0]);
    const ow = windowOutput(w!, a.kernel[1], a.stride[1], a.pads[1], a.pads[3], a.dilation[1]);
    if (oh < 1 || ow < 1) {
      throw new ShapeError(
        'E0403',
        `a ${a.kernel.join('x')} conv does not fit its ${formatShape(input!)} input (output would be ${oh}x${ow})`,
      );
    }
    return [a.outChannels, oh, ow];
  },
  weights([input], a) {
    const perGroup = input![0]! / a.groups;
    const fanIn = perGroup * a.kernel[0] * a.kernel[1];
    const specs: WeightSpec[] = [
      {
        role: 'weight',
        shape: [a.outChannels, perGroup, a.kernel[0], a.kernel[1]],
        kind: 'param',
        init: { kind: 'he_uniform', fanIn },
      },
    ];
    if (a.bias) specs.push({ role: 'bias', shape: [a.outChannels], kind: 'param', init: { kind: 'zeros' } });
    return specs;
  },
  macs([input], output, a) {
    return output[0]! * output[1]! * output[2]! * (input![0]! / a.groups) * a.kernel[0] * a.kernel[1];
  },
  geometry: (a) => ({ kernel: a.kernel, stride: a.stride, padding: a.pads, groups: a.groups }),
  describe: (a) =>
    `kernel=${a.kernel.join('x')} stride=${a.stride.join('x')} pads=${a.pads.join('x')}` +
    `${a.dilation[0] !== 1 || a.dilation[1] !== 1 ? ` dilation=${a.dilation.join('x')}` : ''}` +
    `${a.groups !== 1 ? ` groups=${a.groups}` : ''} out=${a.outChannels}${a.bias ? ' bias' : ''}` +
    `${a.activation ? ` act=${a.activation}` : ''}`,
  reference([x], weights, a, [oc, oh, ow]) {
    const [n, c, h, w] = asNchw(x!);
    const out = tensor([n, oc!, oh!, ow!]);
    // Sums accumulate in float64 and are stored as float32 once, so the oracle's own rounding stays far below the
    // tolerances it is used to check (a 4608-term float32 sum drifts by ~1e-6 relative; a float64 one does not).
    conv2d(x!.data, weights.weight!, weights.bias, {
      batch: n, inChannels: c, height: h, width: w, outChannels: oc!, outHeight: oh!, outWidth: ow!,
      kernel: a.kernel, stride: a.stride, dilation: a.dilation, padBefore: [a.pads[0], a.pads[1]], groups: a.groups,
    }, a.activation ?? 'identity', out.data);
    return out;
  },
};
