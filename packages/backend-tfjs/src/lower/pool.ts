import type { PoolAttributes } from '@excite/ir';
import type { BuildContext, Lowering, Value } from '../lowering.js';

/** Runs of equal values: [start, end) index ranges and their value. */
function runs(values: number[]): { start: number; end: number; value: number }[] {
  const out: { start: number; end: number; value: number }[] = [];
  for (const [i, value] of values.entries()) {
    const last = out[out.length - 1];
    if (last && last.value === value) last.end = i + 1;
    else out.push({ start: i, end: i + 1, value });
  }
  return out;
}

/**
 * Whether TensorFlow's 'same' pooling computes the IR's: the same windows (output size and leading padding; TF pads
 * floor(total / 2) before), clipped to the image — PyTorch's max pooling (padding is -inf) and its average pooling
 * that counts only the cells inside the image. One stock layer (one op) instead of explicit padding.
 */
export function sameGeometry(a: PoolAttributes, size: readonly number[], out: readonly number[]): boolean {
  if (a.countIncludePad && a.pads.some((p) => p > 0)) return false;
  return [0, 1].every((axis) => {
    const [n, o, k, s] = [size[axis]!, out[axis]!, a.kernel[axis]!, a.stride[axis]!];
    const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
    return Math.ceil(n / s) === o && Math.floor(total / 2) === a.pads[axis]!;
  });
}

/**
 * Pads x (spatial size h × w) by repeating its edge rows and columns: the maximum of a window that overlaps the
 * image is then PyTorch's (padding with -inf), which ZeroPadding2D cannot give. Stock layers: Cropping2D takes an
 * edge, Concatenate repeats it.
 */
function edgePad(ctx: BuildContext, x: Value, [h, w]: [number, number], [t, l, b, r]: number[]): Value {
  const edge = (part: string, cropping: [[number, number], [number, number]], count: number, from: Value) =>
    count > 0 ? Array<Value>(count).fill(ctx.layer('cropping2D', { name: ctx.name(part), cropping }, from)) : [];
  if (t || b) {
    const rows = [...edge('top', [[0, h - 1], [0, 0]], t!, x), x, ...edge('bottom', [[h - 1, 0], [0, 0]], b!, x)];
    x = ctx.layer('concatenate', { name: ctx.name('pad_rows'), axis: 1 }, rows);
  }
  if (l || r) {
    const columns = [...edge('left', [[0, 0], [0, w - 1]], l!, x), x, ...edge('right', [[0, 0], [w - 1, 0]], r!, x)];
    x = ctx.layer('concatenate', { name: ctx.name('pad_columns'), axis: 2 }, columns);
  }
  return x;
}

/**
 * Multiplies the output rows (axis 1) or columns (axis 2) by per-index factors: bands of equal factor are cropped,
 * rescaled when the factor is not 1, and concatenated back. Used for PyTorch's average-pool divisors at the borders.
 */
function scaleBands(ctx: BuildContext, x: Value, factors: number[], axis: 1 | 2, last: boolean): Value {
  const bands = runs(factors);
  if (bands.length === 1 && bands[0]!.value === 1) return x;
  const n = factors.length;
  const label = axis === 1 ? 'rows' : 'columns';
  const parts = bands.map(({ start, end, value }, i) => {
    let part = x;
    if (bands.length > 1) {
      const crop: [number, number] = [start, n - end];
      part = ctx.layer('cropping2D', { name: ctx.name(`${label}${i}`), cropping: axis === 1 ? [crop, [0, 0]] : [[0, 0], crop] }, x);
    }
    if (value === 1) return part;
    const name = bands.length === 1 && last ? ctx.name() : ctx.name(`${label}${i}_scale`);
    return ctx.layer('rescaling', { name, scale: value, offset: 0 }, part);
  });
  if (parts.length === 1) return parts[0]!;
  return ctx.layer('concatenate', { name: last ? ctx.name() : ctx.name(label), axis }, parts);
}

/**
 * Max and average pooling with the IR's (PyTorch's) semantics, stock layers only. Without leading padding and with
 * every window inside the image, stock 'valid' pooling computes exactly that. Otherwise: max pooling pads by
 * repeating edges (as good as -inf for windows that overlap the image, which PyTorch guarantees); average pooling
 * pads with zeros, pools 'valid' (a sum over kh·kw) and rescales the border rows and columns by kh·kw over PyTorch's
 * count (separable: rows times columns), which also covers ceil mode's windows past the padding.
 */
function lowerPool(mode: 'max' | 'avg'): Lowering<'MaxPool' | 'AvgPool'> {
  return (node, ctx) => {
    const a = node.attrs;
    const [, h, w] = ctx.inputShape(0) as [number, number, number];
    const [, oh, ow] = ctx.outputShape() as [number, number, number];
    const [kh, kw] = a.kernel;
    const [sh, sw] = a.stride;
    const [t, l, b, r] = a.pads;
    const inside = (oh - 1) * sh + kh <= h && (ow - 1) * sw + kw <= w;
    const factory = mode === 'max' ? 'maxPooling2d' : 'averagePooling2d';
    if (t === 0 && l === 0 && inside) {
      return ctx.layer(factory, { name: ctx.name(), poolSize: a.kernel, strides: a.stride, padding: 'valid' }, ctx.input(0));
    }
    if (sameGeometry(a, [h, w], [oh, ow])) {
      return ctx.layer(factory, { name: ctx.name(), poolSize: a.kernel, strides: a.stride, padding: 'same' }, ctx.input(0));
    }
    // Rows and columns past the image that some window reaches (ceil mode may reach past the IR's own padding).
    const bottom = Math.max(0, (oh - 1) * sh + kh - h - t);
    const right = Math.max(0, (ow - 1) * sw + kw - w - l);
    if (mode === 'max') {
      const padded = edgePad(ctx, ctx.input(0), [h, w], [t, l, bottom, right]);
      return ctx.layer('maxPooling2d', { name: ctx.name(), poolSize: a.kernel, strides: a.stride, padding: 'valid' }, padded);
    }
    const factors = (o: number, k: number, s: number, before: number, after: number, size: number) =>
      Array.from({ length: o }, (_, i) => {
        const start = i * s - before;
        const count = a.countIncludePad
          ? Math.min(start + k, size + after) - start
          : Math.min(start + k, size) - Math.max(start, 0);
        return k / count;
      });
    const rows = factors(oh, kh, sh, t, b, h);
    const columns = factors(ow, kw, sw, l, r, w);
    const uniform = (f: number[]) => f.every((v) => v === 1);
    const padded = ctx.layer('zeroPadding2d', { name: ctx.name('pad'), padding: [[t, bottom], [l, right]] }, ctx.input(0));
    const pooled = ctx.layer('averagePooling2d', {
      name: ctx.name(uniform(rows) && uniform(columns) ? undefined : 'sum'), poolSize: a.kernel, strides: a.stride, padding: 'valid',
    }, padded);
    const scaledRows = scaleBands(ctx, pooled, rows, 1, uniform(columns));
    return scaleBands(ctx, scaledRows, columns, 2, true);
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
  const pooled = ctx.layer(node.attrs.mode === 'max' ? 'globalMaxPooling2d' : 'globalAveragePooling2d', { name: ctx.name('pool') }, ctx.input(0));
  return ctx.layer('reshape', { name: ctx.name(), targetShape: [1, 1, c] }, pooled);
};
