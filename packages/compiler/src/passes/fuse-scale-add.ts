import { capture, node, replacementNode, type Match, type RuleSet } from '@excite/ir';
import { ACTIVATION_OF } from './fuse-squeeze-excite.js';

const scaledSum = (as: string) =>
  node('Add', { as, commutative: true, inputs: [node('Mul', { as: 'scale', inputs: [capture('x'), capture('s')] }), capture('y')] });

function fuse(m: Match) {
  const add = m.nodes.add!;
  const activation = m.nodes.act ? ACTIVATION_OF[m.nodes.act.op] : undefined;
  // `conv2_x.1.residual1.add` → `conv2_x.1.residual1.scale_add`
  const name = add.name.endsWith('add') ? `${add.name.slice(0, -3)}scale_add` : `${add.name}.scale_add`;
  const overrides = { name, output: name, ...(m.nodes.scale!.se ? { se: m.nodes.scale!.se } : {}) };
  const attrs = activation ? { activation } : {};
  return { nodes: [replacementNode(add, 'ScaleAdd', attrs, [m.tensors.x!, m.tensors.s!, m.tensors.y!], {}, overrides)] };
}

/**
 * The release's "Axpy": the SE channel scale, the residual sum and the ReLU after it, fused into one ScaleAdd —
 * act(x·s + y) — so the scaled branch is never written to memory. Only a Mul whose result feeds nothing but the
 * sum is fused (the matcher's single-use rule).
 */
export const fuseScaleAdd: RuleSet = {
  name: 'fuse-scale-add',
  rules: [
    {
      name: 'fuse-scale-add-activation',
      doc: 'act(x·s + y) → ScaleAdd(x, s, y, act).',
      pattern: node(['Relu', 'Relu6'], { as: 'act', inputs: [scaledSum('add')] }),
      rewrite: (m) => fuse(m),
    },
    {
      name: 'fuse-scale-add',
      doc: 'x·s + y → ScaleAdd(x, s, y).',
      pattern: scaledSum('add'),
      rewrite: (m) => fuse(m),
    },
  ],
};


