import { convKernel } from '../layout.js';
import { applyActivation, fusedActivation } from './activation.js';
import { padding, type InferenceLowering } from './context.js';

/**
 * tf.fused.conv2d (groups = 1) or tf.fused.depthwiseConv2d (groups = C) with the bias and, when tfjs fuses it, the
 * activation; explicit padding. Grouped convolutions split the input along channels and concatenate one fused conv
 * per group (the kernel and bias are split once, when the weights load).
 */
export const inferConv: InferenceLowering<'Conv'> = (node, ctx) => {
  const a = node.attrs;
  const c = ctx.inputShape(0)[0]!;
  const [kh, kw] = a.kernel;
  const o = a.outChannels;
  const fused = fusedActivation(a.activation);
  const bias = ctx.weight('bias');
  const common = (x: string, filter: string, b: string | undefined, pads: readonly number[] = a.pads) =>
    `{ x: ${x}, filter: ${filter}${b ? `, bias: ${b}` : ''}, strides: [${a.stride.join(', ')}], pad: ${padding(pads)}` +
    `${a.dilation[0] > 1 || a.dilation[1] > 1 ? `, dilations: [${a.dilation.join(', ')}]` : ''}` +
    `${fused && fused !== 'linear' ? `, activation: '${fused}'` : ''} }`;
  let y: string;
  if (a.groups === 1) {
    const filter = ctx.constant('weight', convKernel(ctx.requireWeight('weight'), [o, c, kh, kw]), [kh, kw, c, o]);
    y = `tf.fused.conv2d(${common(ctx.input(0), filter, bias && ctx.constant('bias', bias, [o]))})`;
  } else if (a.groups === c) {
    // The IR kernel [C·m, 1, kh, kw] is, as [kh, kw, 1, C·m], exactly tfjs's depthwise [kh, kw, C, m].
    const filter = ctx.constant('weight', convKernel(ctx.requireWeight('weight'), [o, 1, kh, kw]), [kh, kw, c, o / c]);
    // tfjs types depthwise padding as 'valid' | 'same' | number: uneven padding is a tf.pad of its own.
    const [t, l, b, r] = a.pads;
    const even = t === l && t === b && t === r;
    const x = even ? ctx.input(0) : `tf.pad(${ctx.input(0)}, [[0, 0], [${t}, ${b}], [${l}, ${r}], [0, 0]])`;
    y = `tf.fused.depthwiseConv2d(${common(x, filter, bias && ctx.constant('bias', bias, [o]), even ? a.pads : [0, 0, 0, 0])})`;
  } else {
    const g = a.groups;
    const filter = ctx.constant('weight', convKernel(ctx.requireWeight('weight'), [o, c / g, kh, kw]), [kh, kw, c / g, o], { count: g, axis: 3 });
    const b = bias && ctx.constant('bias', bias, [o], { count: g, axis: 0 });
    y = `tf.concat(tf.split<tf.Tensor4D>(${ctx.input(0)}, ${g}, 3).map((part, i) => tf.fused.conv2d(${common('part', `${filter}[i]!`, b && `${b}[i]!`)})), 3)`;
  }
  return fused === undefined ? applyActivation(ctx, a.activation!, ctx.assign('conv', y, 'tf.Tensor4D')) : y;
};
