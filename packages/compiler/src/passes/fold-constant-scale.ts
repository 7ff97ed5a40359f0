import { node, replacementNode, type IrNode, type RuleSet } from '@excite/ir';

/**
 * Constant folding for the one constant op the IR has: a fixed scale (Inception-ResNet's residual scaling) after a
 * conv is folded into the conv's weights and bias: k·(W∗x + b) = (k·W)∗x + k·b.
 */
export const foldConstantScale: RuleSet = {
  name: 'fold-constant-scale',
  rules: [
    {
      name: 'fold-scale-into-conv',
      doc: 'scale_k(conv(x)) → conv(x) with weights and bias times k.',
      pattern: node('Scale', { as: 'scale', inputs: [node('Conv', { as: 'conv', where: (a) => a.activation === undefined })] }),
      rewrite(m, ctx) {
        const k = (m.nodes.scale as IrNode<'Scale'>).attrs.factor;
        const conv = m.nodes.conv as IrNode<'Conv'>;
        const initializers = Object.values(conv.weights).map((name) => {
          const init = ctx.graph.initializers.get(name)!;
          return { ...init, data: ctx.values(name).map((v) => v * k) };
        });
        return { nodes: [replacementNode(conv, 'Conv', conv.attrs, conv.inputs, conv.weights)], initializers };
      },
    },
  ],
};
