import type { ActivationKind } from './activation.js';
import { conv, type ConvAttributes } from './conv.js';
import { globalPoolValues } from './pool.js';
import { ShapeError, requireRank, type OpSpec, type WeightSpec } from './spec.js';
import { asNchw, type Tensor } from '../reference/tensor.js';

export interface SqueezeExciteAttributes {
  /** Global pooling before the FCs; `none` is the paper's "no squeeze" (1×1 convs on the whole map). */
  squeeze: 'avg' | 'max' | 'none';
  /** Hidden width of the excitation (C / r after rounding). */
  reduced: number;
  act: ActivationKind;
  gate: ActivationKind;
  bias: boolean;
}

const fc = (out: number, bias: boolean): ConvAttributes => ({
  kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, outChannels: out, bias,
});

/**
 * A whole SE block's excitation, fused by the compiler: squeeze → FC C→R → act → FC R→C → gate. It yields the
 * per-channel scale s ([C,1,1]; [C,H,W] without squeeze); the channel scaling itself stays a Mul or a ScaleAdd.
 * The FC weights keep the 1×1-conv layout of the unfused block ([R,C,1,1] and [C,R,1,1]).
 */
export const squeezeExcite: OpSpec<SqueezeExciteAttributes> = {
  doc: 'Fused SE excitation: squeeze, FC, act, FC, gate → per-channel scale.',
  arity: 1,
  inferShape([input], a) {
    const [c, h, w] = requireRank(input, 3, 'SqueezeExcite');
    if (a.reduced < 1) throw new ShapeError('E0409', `SqueezeExcite needs a positive reduced width, found ${a.reduced}`);
    return a.squeeze === 'none' ? [c!, h!, w!] : [c!, 1, 1];
  },
  weights([input], a) {
    const c = input![0]!;
    const specs: WeightSpec[] = [{ role: 'w1', shape: [a.reduced, c, 1, 1], kind: 'param', init: { kind: 'he_uniform', fanIn: c } }];
    if (a.bias) specs.push({ role: 'b1', shape: [a.reduced], kind: 'param', init: { kind: 'zeros' } });
    specs.push({ role: 'w2', shape: [c, a.reduced, 1, 1], kind: 'param', init: { kind: 'he_uniform', fanIn: a.reduced } });
    if (a.bias) specs.push({ role: 'b2', shape: [c], kind: 'param', init: { kind: 'zeros' } });
    return specs;
  },
  macs([input], _output, a) {
    const [c, h, w] = input!;
    return 2 * c! * a.reduced * (a.squeeze === 'none' ? h! * w! : 1);
  },
  // The squeeze reads every value once; the FCs are MACs.
  elementOps: ([input], _output, a) => (a.squeeze === 'none' ? 0 : input!.reduce((x, y) => x * y, 1)),
  describe: (a) => `squeeze=${a.squeeze} reduced=${a.reduced} act=${a.act} gate=${a.gate}${a.bias ? ' bias' : ''}`,
  reference([x], weights, a, output) {
    const [n, c, h, w] = asNchw(x!);
    const squeezed: Tensor = a.squeeze === 'none' ? x! : globalPoolValues(x!.data, n, c, h * w, a.squeeze);
    const [, , sh, sw] = asNchw(squeezed);
    const hidden = conv.reference([squeezed], { weight: weights.w1!, ...(weights.b1 ? { bias: weights.b1 } : {}) },
      { ...fc(a.reduced, a.bias), activation: a.act }, [a.reduced, sh, sw]);
    const gate = conv.reference([hidden], { weight: weights.w2!, ...(weights.b2 ? { bias: weights.b2 } : {}) },
      { ...fc(c, a.bias), activation: a.gate }, output);
    return gate;
  },
};
