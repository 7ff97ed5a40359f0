import { Pool2D } from '../layers.js';
import type { Lowering } from '../lowering.js';
import { tfl } from '../tf.js';

function lowerPool(mode: 'max' | 'avg'): Lowering<'MaxPool' | 'AvgPool'> {
  return (node, ctx) => {
    const a = node.attrs;
    const [, h, w] = ctx.inputShape(0);
    const [, oh, ow] = ctx.outputShape();
    const [kh, kw] = a.kernel;
    const [sh, sw] = a.stride;
    // Without leading padding, and with every window inside the image, stock 'valid' pooling computes the same
    // (every window is whole, so both of PyTorch's divisors are kh·kw).
    const inside = (oh! - 1) * sh + kh <= h! && (ow! - 1) * sw + kw <= w!;
    if (a.pads[0] === 0 && a.pads[1] === 0 && inside) {
      const args = { name: ctx.name(), poolSize: a.kernel, strides: a.stride, padding: 'valid' as const };
      return ctx.apply(mode === 'max' ? tfl.layers.maxPooling2d(args) : tfl.layers.averagePooling2d(args), ctx.input(0));
    }
    const layer = new Pool2D({ name: ctx.name(), mode, poolSize: a.kernel, strides: a.stride, pads: a.pads, ceil: a.ceil,
      countIncludePad: a.countIncludePad });
    return ctx.apply(layer, ctx.input(0));
  };
}

export const lowerMaxPool: Lowering<'MaxPool'> = lowerPool('max');
export const lowerAvgPool: Lowering<'AvgPool'> = lowerPool('avg');

/**
 * Global pooling to [N, C], then an explicit Reshape to [N, 1, 1, C] (the IR's [C, 1, 1]): tfjs-layers 4.22 silently
 * ignores `keepDims` on its global pooling layers.
 */
export const lowerGlobalPool: Lowering<'GlobalPool'> = (node, ctx) => {
  const c = ctx.inputShape(0)[0]!;
  const args = { name: ctx.name('pool') };
  const pooled = ctx.apply(
    node.attrs.mode === 'max' ? tfl.layers.globalMaxPooling2d(args) : tfl.layers.globalAveragePooling2d(args),
    ctx.input(0),
  );
  return ctx.apply(tfl.layers.reshape({ name: ctx.name(), targetShape: [1, 1, c] }), pooled);
};
