import type { ActivationKind, Shape } from '@excite/ir';
import { convKernel } from '../layout.js';
import { LoweringError, type BuildContext, type LayerWeight, type Lowering, type Value } from '../lowering.js';
import { activate, stockActivation } from './activation.js';

/**
 * Initializers for layers whose weights are loaded right after they are built: zeros cost nothing, where tfjs's
 * default random initializers spend seconds on a ResNet-50's 25M values only to be overwritten.
 */
export const LOADED = { kernelInitializer: 'zeros', biasInitializer: 'zeros' } as const;

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
 * a 'valid' Conv2D (groups = 1), DepthwiseConv2D (groups = C, any depth multiplier) or, in between, one Conv2D per
 * group on its channel slice, the outputs concatenated. tfjs-layers has no grouped convolution and no channel
 * slicing layer: a Reshape to [H·W, groups, C/groups] and a Cropping2D of one group along the second axis slice the
 * channels. The activation is fused when tfjs has it built in, else it gets layers of its own. Layers are named
 * `<part>_pad`, `<part>` (and `<part>_conv`) — the node's own name for the last when `part` is undefined.
 */
export function convolve(ctx: BuildContext, x: Value, inShape: Shape, spec: ConvSpec, part?: string): Value {
  const [c, h, w] = inShape as [number, number, number];
  const [kh, kw] = spec.kernel;
  const [t, l, b, r] = spec.pads;
  const sub = (suffix: string) => ctx.name(part === undefined ? suffix : `${part}_${suffix}`);
  if ((spec.dilation[0] > 1 || spec.dilation[1] > 1) && (spec.stride[0] > 1 || spec.stride[1] > 1)) {
    throw new LoweringError(ctx.name(part), 'tfjs cannot combine dilation > 1 with stride > 1');
  }
  if (t || l || b || r) x = ctx.layer('zeroPadding2d', { name: sub('pad'), padding: [[t, b], [l, r]] }, x);
  const act = spec.activation && spec.activation !== 'identity' ? spec.activation : undefined;
  const separate = act !== undefined && stockActivation(act) === undefined;
  const activation = (act && !separate ? stockActivation(act) : 'linear') as never;
  const name = separate ? sub('conv') : ctx.name(part);
  const perGroup = c / spec.groups;
  // Defaults (dilation 1, linear activation) are left out: the generated code reads better without them.
  const common = {
    kernelSize: spec.kernel, strides: spec.stride, padding: 'valid' as const, useBias: !!spec.bias,
    ...(spec.dilation[0] > 1 || spec.dilation[1] > 1 ? { dilationRate: spec.dilation } : {}),
    ...(activation !== 'linear' ? { activation } : {}),
  };
  let y: Value;
  if (spec.groups === 1) {
    const weights: LayerWeight[] = [{ values: convKernel(spec.weight, [spec.outChannels, c, kh, kw]), shape: [kh, kw, c, spec.outChannels] }];
    if (spec.bias) weights.push({ values: spec.bias, shape: [spec.outChannels] });
    y = ctx.layer('conv2d', { name, filters: spec.outChannels, ...common, ...LOADED }, x, weights);
  } else if (spec.groups === c) {
    // Depthwise: the IR kernel [C·m, 1, kh, kw] is, as [kh, kw, 1, C·m], exactly tfjs's [kh, kw, C, m].
    const m = spec.outChannels / c;
    const weights: LayerWeight[] = [{ values: convKernel(spec.weight, [spec.outChannels, 1, kh, kw]), shape: [kh, kw, c, m] }];
    if (spec.bias) weights.push({ values: spec.bias, shape: [spec.outChannels] });
    y = ctx.layer('depthwiseConv2d', { name, depthMultiplier: m, ...common, depthwiseInitializer: 'zeros', biasInitializer: 'zeros' }, x, weights);
  } else {
    const g = spec.groups;
    const [ph, pw] = [h + t + b, w + l + r];
    const outPerGroup = spec.outChannels / g;
    const kernelSize = outPerGroup * perGroup * kh * kw;
    const grouped = ctx.layer('reshape', { name: sub('groups'), targetShape: [ph * pw, g, perGroup] }, x);
    const parts: Value[] = [];
    for (let i = 0; i < g; i++) {
      const sliced = ctx.layer('cropping2D', { name: sub(`g${i}_slice`), cropping: [[0, 0], [i, g - 1 - i]] }, grouped);
      const map = ctx.layer('reshape', { name: sub(`g${i}_map`), targetShape: [ph, pw, perGroup] }, sliced);
      const weights: LayerWeight[] = [{
        values: convKernel(spec.weight.subarray(i * kernelSize, (i + 1) * kernelSize), [outPerGroup, perGroup, kh, kw]),
        shape: [kh, kw, perGroup, outPerGroup],
      }];
      if (spec.bias) weights.push({ values: spec.bias.subarray(i * outPerGroup, (i + 1) * outPerGroup), shape: [outPerGroup] });
      parts.push(ctx.layer('conv2d', { name: sub(`g${i}`), filters: outPerGroup, ...common, ...LOADED }, map, weights));
    }
    y = ctx.layer('concatenate', { name, axis: -1 }, parts);
  }
  return separate ? activate(ctx, y, act, part) : y;
}

export const lowerConv: Lowering<'Conv'> = (node, ctx) => {
  const a = node.attrs;
  return convolve(ctx, ctx.input(0), ctx.inputShape(0), {
    kernel: a.kernel, stride: a.stride, pads: a.pads, dilation: a.dilation, groups: a.groups, outChannels: a.outChannels,
    weight: ctx.requireWeight('weight'), bias: ctx.weight('bias'), activation: a.activation,
  });
};
