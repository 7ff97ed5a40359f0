import { requireRank, type OpSpec } from './spec.js';

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
};
