import { ShapeError, formatShape, requireRank, windowOutput, type OpSpec } from './spec.js';

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

function windowPool(name: string, doc: string): OpSpec<PoolAttributes> {
  return {
    doc,
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

export const maxPool = windowPool('maxpool', 'Max pooling over kh×kw windows.');
export const avgPool = windowPool('avgpool', 'Average pooling over kh×kw windows.');

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
};
