import type { ActivationKind, Shape } from '@excite/ir';
import { convKernel } from '../layout.js';
import { LoweringError, type BuildContext, type LayerWeight, type Lowering, type Symbolic } from '../lowering.js';
import { tfl } from '../tf.js';
import { GroupedConv2D, LOADED } from '../layers.js';
import { activate, stockActivation } from './activation.js';

export interface ConvSpec {
  kernel: [number, number];
  stride: [number, number];
  pads: [number, number, number, number];
  dilation: [number, number];
  groups: number;
  outChannels: number;
  weight: Float32Array;
  bias?: Float32Array;
  activation?: ActivationKind;
}

/**
 * A convolution on NHWC x with `inShape` (IR [C, H, W]): ZeroPadding2D for the IR's (possibly asymmetric) pads, then
 * a 'valid' Conv2D (groups = 1), DepthwiseConv2D (groups = C, any depth multiplier) or our GroupedConv2D (anything
 * between), with the activation fused when tfjs has it built in, else a layer of its own. Layers are named
 * `<part>_pad`, `<part>` (and `<part>_act`) — the node's own name for the last when `part` is undefined.
 */
export function convolve(ctx: BuildContext, x: Symbolic, inShape: Shape, spec: ConvSpec, part?: string): Symbolic {
  const c = inShape[0]!;
  const [kh, kw] = spec.kernel;
  const [t, l, b, r] = spec.pads;
  const sub = (suffix: string) => ctx.name(part === undefined ? suffix : `${part}_${suffix}`);
  if ((spec.dilation[0] > 1 || spec.dilation[1] > 1) && (spec.stride[0] > 1 || spec.stride[1] > 1)) {
    throw new LoweringError(ctx.name(part), 'tfjs cannot combine dilation > 1 with stride > 1');
  }
  if (t || l || b || r) {
    x = ctx.apply(tfl.layers.zeroPadding2d({ name: sub('pad'), padding: [[t, b], [l, r]] }), x);
  }
  // Stock Conv2D and DepthwiseConv2D fuse tfjs's built-in activations; anything else gets an activation layer.
  const act = spec.activation && spec.activation !== 'identity' ? spec.activation : undefined;
  const fusable = spec.groups === 1 || spec.groups === c;
  const separate = act !== undefined && (!fusable || stockActivation(act) === undefined);
  const activation = (act && !separate ? stockActivation(act) : 'linear') as never;
  const name = separate ? sub('conv') : ctx.name(part);
  const perGroup = c / spec.groups;
  const weights: LayerWeight[] = [
    { values: convKernel(spec.weight, [spec.outChannels, perGroup, kh, kw]), shape: [kh, kw, perGroup, spec.outChannels] },
  ];
  if (spec.bias) weights.push({ values: spec.bias, shape: [spec.outChannels] });
  const common = { name, kernelSize: spec.kernel, strides: spec.stride, dilationRate: spec.dilation, padding: 'valid' as const, useBias: !!spec.bias,
    ...LOADED };
  let layer: tfl.layers.Layer;
  if (spec.groups === 1) {
    layer = tfl.layers.conv2d({ ...common, filters: spec.outChannels, activation });
  } else if (spec.groups === c) {
    // Depthwise: the IR kernel [C·m, 1, kh, kw] is, as [kh, kw, 1, C·m], exactly tfjs's [kh, kw, C, m].
    weights[0]!.shape = [kh, kw, c, spec.outChannels / c];
    const { kernelInitializer: _k, ...rest } = common;
    layer = tfl.layers.depthwiseConv2d({ ...rest, depthwiseInitializer: 'zeros', depthMultiplier: spec.outChannels / c, activation });
  } else {
    layer = new GroupedConv2D({ name, filters: spec.outChannels, kernelSize: spec.kernel, strides: spec.stride,
      dilationRate: spec.dilation, groups: spec.groups, useBias: !!spec.bias });
  }
  const y = ctx.apply(layer, x, weights);
  return separate ? activate(ctx, y, act, part) : y;
}

export const lowerConv: Lowering<'Conv'> = (node, ctx) => {
  const a = node.attrs;
  return convolve(ctx, ctx.input(0), ctx.inputShape(0), {
    kernel: a.kernel, stride: a.stride, pads: a.pads, dilation: a.dilation, groups: a.groups, outChannels: a.outChannels,
    weight: ctx.requireWeight('weight'), bias: ctx.weight('bias'), activation: a.activation,
  });
};
