import { ShapeError, formatShape, requireRank, windowOutput, type OpSpec } from './spec.js';
import { asNchw, tensor, type Tensor } from '../reference/tensor.js';

export interface PoolAttributes {
  kernel: [number, number];
  stride: [number, number];
  /** [top, left, bottom, right] */
  pads: [number, number, number, number];
  /** Round the output size up (Caffe's pooling, the release's max pools). */
  ceil: boolean;
  /** Average pooling only: whether padded zeros count in the divisor. */
  countIncludePad: boolean;
}

/**
 * Max or average over each window. Average pooling follows PyTorch: the window is clipped to the padded input,
 * and when `countIncludePad` is false the divisor counts only the cells inside the image.
 */
function poolReference(kind: 'max' | 'avg') {
  return ([x]: readonly Tensor[], _weights: unknown, a: PoolAttributes, [c, oh, ow]: readonly number[]): Tensor => {
    const [n, , h, w] = asNchw(x!);
    const out = tensor([n, c!, oh!, ow!]);
    const source = x!.data;
    const target = out.data;
    const [kh, kw] = a.kernel;
    const [sh, sw] = a.stride;
    const [pt, pl, pb, pr] = a.pads;
    for (let plane = 0; plane < n * c!; plane++) {
      const base = plane * h * w;
      for (let oy = 0; oy < oh!; oy++) {
        const y0 = oy * sh - pt;
        const yStart = Math.max(y0, 0);
        const yEnd = Math.min(y0 + kh, h);
        const paddedRows = Math.min(y0 + kh, h + pb) - y0;
        let at = (plane * oh! + oy) * ow!;
        for (let ox = 0; ox < ow!; ox++, at++) {
          const x0 = ox * sw - pl;
          const xStart = Math.max(x0, 0);
          const xEnd = Math.min(x0 + kw, w);
          if (kind === 'max') {
            let acc = -Infinity;
            for (let y = yStart; y < yEnd; y++) {
              for (let i = base + y * w + xStart, end = base + y * w + xEnd; i < end; i++) acc = Math.max(acc, source[i]!);
            }
            target[at] = acc;
          } else {
            let acc = 0;
            for (let y = yStart; y < yEnd; y++) {
              for (let i = base + y * w + xStart, end = base + y * w + xEnd; i < end; i++) acc += source[i]!;
            }
            const inside = Math.max(0, yEnd - yStart) * Math.max(0, xEnd - xStart);
            const padded = paddedRows * (Math.min(x0 + kw, w + pr) - x0);
            target[at] = acc / (a.countIncludePad ? padded : inside);
          }
        }
      }
    }
    return out;
  };
}

function windowPool(name: string, doc: string, kind: 'max' | 'avg'): OpSpec<PoolAttributes> {
  return {
    doc,
    reference: poolReference(kind),
    arity: 1,
    inferShape([input], a) {
      const [c, h, w] = requireRank(input, 3, name);
      if (a.pads[0] >= a.kernel[0] || a.pads[1] >= a.kernel[1] || a.pads[2] >= a.kernel[0] || a.pads[3] >= a.kernel[1]) {
        throw new ShapeError('E0302', `${name} padding must be smaller than its ${a.kernel.join('x')} window`);
      }
      const oh = windowOutput(h!, a.kernel[0], a.stride[0], a.pads[0], a.pads[2], 1, a.ceil);
      const ow = windowOutput(w!, a.kernel[1], a.stride[1], a.pads[1], a.pads[3], 1, a.ceil);
      if (oh < 1 || ow < 1) {
        throw new ShapeError('E0403', `a ${a.kernel.join('x')} ${name} does not fit its ${formatShape(input!)} input`);
      }
      return [c!, oh, ow];
    },
    geometry: (a) => ({ kernel: a.kernel, stride: a.stride, padding: a.pads }),
  };
}

export const maxPool = windowPool('maxpool', 'Max pooling over kh×kw windows.', 'max');
export const avgPool = windowPool('avgpool', 'Average pooling over kh×kw windows.', 'avg');

export interface GlobalPoolAttributes {
  mode: 'avg' | 'max';
}

/** Pools each channel's whole map to one value, keeping [C, 1, 1] so 1×1 convs and channel scaling follow. */
export const globalPool: OpSpec<GlobalPoolAttributes> = {
  doc: 'Global average or max pooling: [C,H,W] → [C,1,1].',
  arity: 1,
  inferShape([input]) {
    const [c] = requireRank(input, 3, 'global_pool');
    return [c!, 1, 1];
  },
  elementOps: ([input]) => input!.reduce((a, b) => a * b, 1),
  describe: (a) => a.mode,
  reference([x], _weights, a) {
    const [n, c, h, w] = asNchw(x!);
    return globalPoolValues(x!.data, n, c, h * w, a.mode);
  },
};

/** Per-channel mean or max of NCHW data: [N, C, 1, 1]. Shared with the fused SqueezeExcite. */
export function globalPoolValues(data: Float32Array, n: number, c: number, plane: number, mode: 'avg' | 'max'): Tensor {
  const out = tensor([n, c, 1, 1]);
  for (let i = 0; i < n * c; i++) {
    const end = (i + 1) * plane;
    if (mode === 'max') {
      let acc = -Infinity;
      for (let j = i * plane; j < end; j++) acc = Math.max(acc, data[j]!);
      out.data[i] = acc;
    } else {
      let acc = 0;
      for (let j = i * plane; j < end; j++) acc += data[j]!;
      out.data[i] = acc / plane;
    }
  }
  return out;
}
