import { capture, node, replacementNode, type ActivationKind, type ConvAttributes, type IrNode, type OpKind, type RuleSet } from '@excite/ir';

/** The IR ops that are pointwise activations, by the activation name the fused ops carry. */
export const ACTIVATION_OF: Partial<Record<OpKind, ActivationKind>> = {
  Relu: 'relu',
  Relu6: 'relu6',
  Sigmoid: 'sigmoid',
  HardSigmoid: 'hard_sigmoid',
  Tanh: 'tanh',
  Swish: 'swish',
  Identity: 'identity',
};
export const ACTIVATION_OPS = Object.keys(ACTIVATION_OF) as OpKind[];

/** A plain 1×1 conv: what the SE block's FCs are in the IR (the release's biased 1×1 convolutions). */
const isExcitationFc = (a: ConvAttributes) =>
  a.kernel[0] === 1 && a.kernel[1] === 1 && a.stride[0] === 1 && a.stride[1] === 1 && a.groups === 1 &&
  a.dilation[0] === 1 && a.dilation[1] === 1 && a.pads.every((p) => p === 0) && a.activation === undefined;

const excitation = (input: ReturnType<typeof node> | ReturnType<typeof capture>) =>
  node(ACTIVATION_OPS, {
    as: 'gate',
    inputs: [node('Conv', { as: 'fc2', where: isExcitationFc, inputs: [
      node(ACTIVATION_OPS, { as: 'act', inputs: [node('Conv', { as: 'fc1', where: isExcitationFc, inputs: [input] })] }),
    ] })],
  });

function fuse(m: { nodes: Record<string, IrNode>; tensors: Record<string, string>; root: IrNode }, squeeze: 'avg' | 'max' | 'none') {
  const fc1 = m.nodes.fc1 as IrNode<'Conv'>;
  const fc2 = m.nodes.fc2 as IrNode<'Conv'>;
  if (fc1.attrs.bias !== fc2.attrs.bias) return undefined;
  const weights: Record<string, string> = { w1: fc1.weights.weight!, w2: fc2.weights.weight! };
  if (fc1.attrs.bias) Object.assign(weights, { b1: fc1.weights.bias!, b2: fc2.weights.bias! });
  const name = m.root.se ?? `${fc1.name}.squeeze_excite`;
  const attrs = {
    squeeze,
    reduced: fc1.attrs.outChannels,
    act: ACTIVATION_OF[m.nodes.act!.op]!,
    gate: ACTIVATION_OF[m.nodes.gate!.op]!,
    bias: fc1.attrs.bias,
  };
  return { nodes: [replacementNode(m.root, 'SqueezeExcite', attrs, [m.tensors.x!], weights, { name, output: name })] };
}

/**
 * Fuses a whole SE excitation — squeeze (global pool) → 1×1 FC → act → 1×1 FC → gate — into one SqueezeExcite op
 * that yields the per-channel scale, for every squeeze, gate, activation and bias variant. Without a squeeze (the
 * paper's "no squeeze" ablation) the chain is fused only inside a block the DSL marked as SE.
 */
export const fuseSqueezeExcite: RuleSet = {
  name: 'fuse-squeeze-excite',
  rules: [
    {
      name: 'fuse-squeeze-excite',
      doc: 'gate(fc2(act(fc1(global_pool(x))))) → SqueezeExcite(x).',
      pattern: excitation(node('GlobalPool', { as: 'squeeze', inputs: [capture('x')] })),
      rewrite: (m) => fuse(m, (m.nodes.squeeze as IrNode<'GlobalPool'>).attrs.mode),
    },
    {
      name: 'fuse-excite-without-squeeze',
      doc: 'gate(fc2(act(fc1(x)))) inside an SE block → SqueezeExcite(x, squeeze: none).',
      pattern: excitation(capture('x')),
      rewrite: (m) => (m.root.se && m.nodes.fc1!.se === m.root.se ? fuse(m, 'none') : undefined),
    },
  ],
};
