import type { Lowering } from '../lowering.js';
import { convolve } from './conv.js';

/**
 * The fused excitation as layers: global pooling (+ Reshape to [1, 1, C]; none for squeeze = none), a 1×1 conv
 * C → R with `act`, a 1×1 conv R → C with `gate`. The FC weights keep the IR's 1×1-conv layout.
 */
export const lowerSqueezeExcite: Lowering<'SqueezeExcite'> = (node, ctx) => {
  const a = node.attrs;
  const [c, h, w] = ctx.inputShape(0);
  let x = ctx.input(0);
  if (a.squeeze !== 'none') {
    x = ctx.layer(a.squeeze === 'max' ? 'globalMaxPooling2d' : 'globalAveragePooling2d', { name: ctx.name('squeeze') }, x);
    // tfjs-layers 4.22 silently ignores keepDims on global pooling: reshape explicitly.
    x = ctx.layer('reshape', { name: ctx.name('squeeze_reshape'), targetShape: [1, 1, c!] }, x);
  }
  const map = a.squeeze === 'none' ? [h!, w!] : [1, 1];
  const hidden = convolve(ctx, x, [c!, ...map], {
    kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1,
    outChannels: a.reduced, weight: ctx.requireWeight('w1'), bias: ctx.weight('b1'), activation: a.act,
  }, 'fc1');
  return convolve(ctx, hidden, [a.reduced, ...map], {
    kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1,
    outChannels: c!, weight: ctx.requireWeight('w2'), bias: ctx.weight('b2'), activation: a.gate,
  });
};
