import type { PoolAttributes } from '@excite/ir';
import { shapeTag, type Lowering } from '../lowering.js';
import { globalPoolBody } from './reduce.js';

/**
 * Max or average pooling, one invocation per output. Windows are clipped to the image (and, for the average, to the
 * padded image for the divisor), which also covers ceil mode's last partial window.
 */
function windowPoolLowering<K extends 'MaxPool' | 'AvgPool'>(kind: 'max' | 'avg'): Lowering<K> {
  return {
    lower(node, ctx) {
      const a = node.attrs as PoolAttributes;
      const [c, h, w] = ctx.shape(node.inputs[0]!) as [number, number, number];
      const [, oh, ow] = ctx.shape(node.output) as [number, number, number];
      const [kh, kw] = a.kernel;
      const [sh, sw] = a.stride;
      const [pt, pl, pb, pr] = a.pads;
      const name = `${kind}_pool${kh}x${kw}_s${sh}x${sw}_p${a.pads.join('')}${a.ceil ? '_ceil' : ''}` +
        `${kind === 'avg' && a.countIncludePad ? '_countpad' : ''}_${shapeTag([c, h, w])}`;
      const s = ctx.shader(name, `${kind} pooling ${kh}x${kw}, stride ${sh}x${sw}, pads ${a.pads.join(',')}: [${c},${h},${w}] → [${c},${oh},${ow}]`);
      s.input('x', ctx.input(0));
      s.output('y', ctx.output());
      s.constant('H', h).constant('W', w).constant('OH', oh).constant('OW', ow);
      const divisor = a.countIncludePad
        ? `f32((min(y0 + ${kh}, ${h + pb}) - y0) * (min(x0 + ${kw}, ${w + pr}) - x0))`
        : 'f32((y1 - y_start) * (x1 - x_start))';
      s.elements(c * oh * ow).main(`
        let c = index / (OH * OW);
        let oy = (index / OW) % OH;
        let ox = index % OW;
        let y0 = i32(oy * ${sh}u) - ${pt};
        let x0 = i32(ox * ${sw}u) - ${pl};
        let y_start = max(y0, 0);
        let x_start = max(x0, 0);
        let y1 = min(y0 + ${kh}, ${h});
        let x1 = min(x0 + ${kw}, ${w});
        var acc = ${kind === 'max' ? '-3.402823e38' : '0.0'};
        for (var iy = y_start; iy < y1; iy++) {
          for (var ix = x_start; ix < x1; ix++) {
            let v = x[(c * H + u32(iy)) * W + u32(ix)];
            acc = ${kind === 'max' ? 'max(acc, v)' : 'acc + v'};
          }
        }
        y[index] = ${kind === 'max' ? 'acc' : `acc / ${divisor}`};
      `);
      ctx.dispatch(s.build());
    },
  };
}

export const maxPoolLowering = windowPoolLowering<'MaxPool'>('max');
export const avgPoolLowering = windowPoolLowering<'AvgPool'>('avg');

/** Global average or max pooling: [C,H,W] → [C,1,1]. */
export const globalPoolLowering: Lowering<'GlobalPool'> = {
  lower(node, ctx) {
    const [c, h, w] = ctx.shape(node.inputs[0]!) as [number, number, number];
    const s = ctx.shader(`global_${node.attrs.mode}_pool_${shapeTag([c, h, w])}`, `global ${node.attrs.mode} pooling of [${c},${h},${w}]`);
    s.input('x', ctx.input(0));
    s.output('y', ctx.output());
    globalPoolBody(s, node.attrs.mode, c, h * w, 'x', 'y');
    ctx.dispatch(s.build());
  },
};
