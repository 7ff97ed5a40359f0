import { capture, node, type RuleSet } from '@excite/ir';

/**
 * Drops what does nothing at inference: dropout, identity activations and scaling by exactly 1. Consumers read the
 * input directly. Inference pipelines only: training needs its dropout.
 */
export const dropInferenceNoops: RuleSet = {
  name: 'drop-inference-noops',
  rules: [
    {
      name: 'drop-dropout',
      doc: 'Dropout is the identity at inference.',
      pattern: node('Dropout', { inputs: [capture('x')] }),
      rewrite: (m) => ({ nodes: [], output: m.tensors.x! }),
    },
    {
      name: 'drop-identity',
      doc: 'An identity activation computes nothing.',
      pattern: node('Identity', { inputs: [capture('x')] }),
      rewrite: (m) => ({ nodes: [], output: m.tensors.x! }),
    },
    {
      name: 'drop-unit-scale',
      doc: 'Multiplying by 1 computes nothing.',
      pattern: node('Scale', { where: (a) => a.factor === 1, inputs: [capture('x')] }),
      rewrite: (m) => ({ nodes: [], output: m.tensors.x! }),
    },
  ],
};
