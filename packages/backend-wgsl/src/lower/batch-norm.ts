import type { Lowering } from '../lowering.js';
import { shapeTag } from '../lowering.js';

/**
 * A batch norm the compiler could not fold into a conv: y = x · scale + shift per channel, with scale and shift
 * computed here at compile time from gamma, beta, mean and variance.
 */
export const batchNormLowering: Lowering<'BatchNorm'> = {
  lower(node, ctx) {
    const [c, h, w] = ctx.shape(node.output) as [number, number, number];
    const gamma = ctx.weightValues('gamma');
    const beta = ctx.weightValues('beta');
    const mean = ctx.weightValues('mean');
    const variance = ctx.weightValues('var');
    const scale = new Float32Array(c);
    const shift = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      scale[i] = gamma[i]! / Math.sqrt(variance[i]! + node.attrs.eps);
      shift[i] = beta[i]! - mean[i]! * scale[i]!;
    }
    const total = c * h * w;
    const s = ctx.shader(`batch_norm_${shapeTag([c, h, w])}`, `per-channel affine over [${c},${h},${w}]`);
    s.input('x', ctx.input(0));
    s.input('scale', ctx.constant('scale', scale));
    s.input('shift', ctx.constant('shift', shift));
    s.output('y', ctx.output());
    s.constant('PLANE', h * w);
    s.elements(total).main(`
      let c = index / PLANE;
      y[index] = x[index] * scale[c] + shift[c];
    `);
    ctx.dispatch(s.build());
  },
};
