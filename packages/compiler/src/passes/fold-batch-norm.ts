import { node, replacementNode, type ConvAttributes, type Initializer, type IrNode, type RuleSet } from '@excite/ir';

/**
 * Folds an inference batch norm into the conv before it (TVM Relax's FoldBatchnormToConv2D, as one pattern):
 *   bn(conv(x)) = γ·(W∗x + b − μ)/√(σ²+ε) + β = (s·W)∗x + (s·(b − μ) + β),  s = γ/√(σ²+ε) per output channel.
 * The conv gains a bias; the batch norm and its four vectors disappear. Inference pipelines only.
 */
export const foldBatchNorm: RuleSet = {
  name: 'fold-batch-norm',
  rules: [
    {
      name: 'fold-batch-norm-into-conv',
      doc: 'bn(conv(x)) → conv(x) with scaled weights and a shifted bias.',
      pattern: node('BatchNorm', { as: 'bn', inputs: [node('Conv', { as: 'conv', where: (a) => a.activation === undefined })] }),
      rewrite(m, ctx) {
        const bn = m.nodes.bn as IrNode<'BatchNorm'>;
        const conv = m.nodes.conv as IrNode<'Conv'>;
        const [gamma, beta, mean, variance] = (['gamma', 'beta', 'mean', 'var'] as const).map((r) => ctx.values(bn.weights[r]!));
        const weight = ctx.values(conv.weights.weight!);
        const bias = conv.weights.bias ? ctx.values(conv.weights.bias) : undefined;
        const outChannels = conv.attrs.outChannels;
        const perChannel = weight.length / outChannels;
        const folded = new Float32Array(weight.length);
        const shifted = new Float32Array(outChannels);
        for (let o = 0; o < outChannels; o++) {
          // Computed in double precision, stored as float32 once.
          const s = gamma![o]! / Math.sqrt(variance![o]! + bn.attrs.eps);
          for (let i = o * perChannel; i < (o + 1) * perChannel; i++) folded[i] = weight[i]! * s;
          shifted[o] = ((bias ? bias[o]! : 0) - mean![o]!) * s + beta![o]!;
        }
        const weightName = conv.weights.weight!;
        const biasName = conv.weights.bias ?? `${conv.name}.bias`;
        const weightInit = ctx.graph.initializers.get(weightName)!;
        const initializers: Initializer[] = [
          { ...weightInit, data: folded },
          { name: biasName, shape: [outChannels], role: 'param', init: { kind: 'zeros' }, data: shifted },
        ];
        const attrs: ConvAttributes = { ...conv.attrs, bias: true };
        const replacement = replacementNode(conv, 'Conv', attrs, conv.inputs, { weight: weightName, bias: biasName });
        return { nodes: [replacement], initializers };
      },
    },
  ],
};
