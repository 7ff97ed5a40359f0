import { node, replacementNode, type IrNode, type RuleSet } from '@excite/ir';
import { ACTIVATION_OF, ACTIVATION_OPS } from './fuse-squeeze-excite.js';

/**
 * conv (+ bias, already folded in) followed by a pointwise activation becomes one conv with the activation
 * applied on its output: every backend's fused conv epilogue (tf.fused.conv2d, ORT's FusedConv, our WGSL).
 */
export const fuseConvActivation: RuleSet = {
  name: 'fuse-conv-activation',
  rules: [
    {
      name: 'fuse-conv-activation',
      doc: 'act(conv(x)) → conv(x) with the activation fused.',
      pattern: node(ACTIVATION_OPS, { as: 'act', inputs: [node('Conv', { as: 'conv', where: (a) => a.activation === undefined })] }),
      rewrite(m) {
        const conv = m.nodes.conv as IrNode<'Conv'>;
        const activation = ACTIVATION_OF[m.nodes.act!.op]!;
        return { nodes: [replacementNode(conv, 'Conv', { ...conv.attrs, activation }, conv.inputs, conv.weights)] };
      },
    },
  ],
};
