import type { Lowering } from '../lowering.js';

/**
 * Softmax over each sample's values. On a flat [N, F] input: Softmax(axis 1). On a feature map the IR normalises
 * over all of C·H·W, which opset ≥ 13's single-axis Softmax does not: Flatten, Softmax, Reshape back.
 */
export const softmaxLowering: Lowering<'Softmax'> = {
  attributes: () => ({ axis: 1 }),
  emit(node, attrs, ctx) {
    const shape = ctx.shape(node.inputs[0]!);
    if (shape.length === 1) {
      ctx.add('Softmax', [ctx.input(0)], attrs);
      return;
    }
    const flat = ctx.add('Flatten', [ctx.input(0)], { axis: 1 }, 'flatten');
    const soft = ctx.add('Softmax', [flat], attrs, 'softmax');
    ctx.add('Reshape', [soft, ctx.constant('shape', 'int64', [shape.length + 1], [-1, ...shape])], {});
  },
  import(group) {
    const ops = group.opTypes.join(',');
    if (ops !== 'Softmax' && ops !== 'Flatten,Softmax,Reshape') return undefined;
    return { op: 'Softmax', inputs: [group.nodes[0]!.input![0]!], weights: {}, attrs: {} };
  },
};
