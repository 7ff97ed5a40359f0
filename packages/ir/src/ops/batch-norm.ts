import { requireRank, type OpSpec } from './spec.js';
import { asNchw, tensor } from '../reference/tensor.js';

export interface BatchNormAttributes {
  eps: number;
}

/** Inference-form batch norm over channels: gamma, beta (trained) and running mean, variance (buffers). */
export const batchNorm: OpSpec<BatchNormAttributes> = {
  doc: 'Batch normalisation over channels: gamma, beta [C]; running mean, var [C].',
  arity: 1,
  inferShape([input]) {
    return requireRank(input, 3, 'bn');
  },
  weights([input]) {
    const c = input![0]!;
    return [
      { role: 'gamma', shape: [c], kind: 'param', init: { kind: 'ones' } },
      { role: 'beta', shape: [c], kind: 'param', init: { kind: 'zeros' } },
      { role: 'mean', shape: [c], kind: 'buffer', init: { kind: 'zeros' } },
      { role: 'var', shape: [c], kind: 'buffer', init: { kind: 'ones' } },
    ];
  },
  describe: (a) => `eps=${a.eps}`,
  reference([x], { gamma, beta, mean, var: variance }, a) {
    const [n, c, h, w] = asNchw(x!);
    const out = tensor(x!.shape);
    const source = x!.data;
    const target = out.data;
    const plane = h * w;
    for (let b = 0; b < n; b++) {
      for (let ch = 0; ch < c; ch++) {
        // y = gamma · (x − mean) / sqrt(var + eps) + beta
        const scale = gamma![ch]! / Math.sqrt(variance![ch]! + a.eps);
        const shift = beta![ch]! - mean![ch]! * scale;
        const base = (b * c + ch) * plane;
        for (let i = base; i < base + plane; i++) target[i] = source[i]! * scale + shift;
      }
    }
    return out;
  },
};
