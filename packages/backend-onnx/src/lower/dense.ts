import type { Lowering } from '../lowering.js';

/** Gemm (B transposed: the weight stays [O, I]), after a Flatten when the input is a [C,1,1] map. */
export const denseLowering: Lowering<'Dense'> = {
  attributes: () => ({ transB: 1 }),
  emit(node, attrs, ctx) {
    const flat = ctx.shape(node.inputs[0]!).length === 1 ? ctx.input(0) : ctx.add('Flatten', [ctx.input(0)], { axis: 1 }, 'flatten');
    const bias = ctx.weight('bias');
    ctx.add('Gemm', [flat, ctx.weight('weight')!, ...(bias ? [bias] : [])], attrs);
  },
  import(group) {
    const ops = group.opTypes.join(',');
    if (ops !== 'Gemm' && ops !== 'Flatten,Gemm') return undefined;
    const gemm = group.nodes[group.nodes.length - 1]!;
    const weight = group.initializer(gemm.input![1]!);
    if (!weight) return undefined;
    const bias = gemm.input!.length > 2;
    return {
      op: 'Dense',
      inputs: [group.nodes[0]!.input![0]!],
      weights: { weight: gemm.input![1]!, ...(bias ? { bias: gemm.input![2]! } : {}) },
      attrs: { outFeatures: Number(weight.dims![0]), bias },
    };
  },
};
