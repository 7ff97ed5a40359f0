import { float, readAttributes } from '../onnx.js';
import type { Lowering } from '../lowering.js';

/** Inference-form BatchNormalization (only in graphs compiled without the inference pipeline: it folds BN away). */
export const batchNormLowering: Lowering<'BatchNorm'> = {
  attributes: (node) => ({ epsilon: float(node.attrs.eps) }),
  emit(_node, attrs, ctx) {
    const roles = ['gamma', 'beta', 'mean', 'var'].map((r) => ctx.weight(r)!);
    ctx.add('BatchNormalization', [ctx.input(0), ...roles], attrs);
  },
  import(group) {
    const [bn] = group.nodes;
    if (group.nodes.length !== 1 || bn?.opType !== 'BatchNormalization') return undefined;
    const [x, gamma, beta, mean, variance] = bn.input!;
    return {
      op: 'BatchNorm',
      inputs: [x!],
      weights: { gamma: gamma!, beta: beta!, mean: mean!, var: variance! },
      attrs: { eps: (readAttributes(bn).get('epsilon') as number | undefined) ?? 1e-5 },
    };
  },
};
