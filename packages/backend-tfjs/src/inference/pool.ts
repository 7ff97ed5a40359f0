import { sameGeometry } from '../lower/pool.js';
import type { InferenceLowering } from './context.js';

/**
 * Max and average pooling with the IR's (PyTorch's) semantics: 'same' pooling where TensorFlow's windows are the
 * IR's (see sameGeometry), else 'valid' pooling after explicit padding (-inf for max,
 * zeros for average) that also supplies the rows and columns ceil mode reaches; average pooling's border windows are
 * then rescaled by kh·kw over PyTorch's count, a constant [1, oh, ow, 1] map computed here.
 */
function inferPool(mode: 'max' | 'avg'): InferenceLowering<'MaxPool' | 'AvgPool'> {
  return (node, ctx) => {
    const a = node.attrs;
    const [, h, w] = ctx.inputShape(0) as [number, number, number];
    const [, oh, ow] = ctx.outputShape() as [number, number, number];
    const [kh, kw] = a.kernel;
    const [sh, sw] = a.stride;
    const [t, l, b, r] = a.pads;
    const bottom = Math.max(0, (oh - 1) * sh + kh - h - t);
    const right = Math.max(0, (ow - 1) * sw + kw - w - l);
    const op = mode === 'max' ? 'tf.maxPool' : 'tf.avgPool';
    if (sameGeometry(a, [h, w], [oh, ow])) return `${op}(${ctx.input(0)}, [${kh}, ${kw}], [${sh}, ${sw}], 'same')`;
    const x = t || l || bottom || right
      ? `tf.pad(${ctx.input(0)}, [[0, 0], [${t}, ${bottom}], [${l}, ${right}], [0, 0]]${mode === 'max' ? ', -Infinity' : ''})`
      : ctx.input(0);
    const pooled = `${op}(${x}, [${kh}, ${kw}], [${sh}, ${sw}], 'valid')`;
    if (mode === 'max') return pooled;
    const counts = (o: number, k: number, s: number, before: number, after: number, size: number) =>
      Array.from({ length: o }, (_, i) => {
        const start = i * s - before;
        return a.countIncludePad ? Math.min(start + k, size + after) - start : Math.min(start + k, size) - Math.max(start, 0);
      });
    const rows = counts(oh, kh, sh, t, b, h);
    const columns = counts(ow, kw, sw, l, r, w);
    if (rows.every((c) => c === kh) && columns.every((c) => c === kw)) return pooled;
    const factors = new Float32Array(oh * ow);
    for (let y = 0; y < oh; y++) for (let z = 0; z < ow; z++) factors[y * ow + z] = (kh * kw) / (rows[y]! * columns[z]!);
    return `tf.mul(${pooled}, ${ctx.constant('divisor', factors, [1, oh, ow, 1])})`;
  };
}

export const inferMaxPool: InferenceLowering<'MaxPool'> = inferPool('max');
export const inferAvgPool: InferenceLowering<'AvgPool'> = inferPool('avg');

/** Mean or max over H and W, kept as [N, 1, 1, C]. */
export const inferGlobalPool: InferenceLowering<'GlobalPool'> = (node, ctx) =>
  `tf.${node.attrs.mode === 'max' ? 'max' : 'mean'}(${ctx.input(0)}, [1, 2], true)`;
