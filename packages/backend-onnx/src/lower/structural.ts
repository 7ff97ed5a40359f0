import { readAttributes, tensorValues } from '../onnx.js';
import type { Lowering } from '../lowering.js';

export const concatLowering: Lowering<'Concat'> = {
  attributes: () => ({ axis: 1 }),
  emit(node, attrs, ctx) {
    ctx.add('Concat', node.inputs.map((_, i) => ctx.input(i)), attrs);
  },
  import(group) {
    const [concat] = group.nodes;
    if (group.nodes.length !== 1 || concat?.opType !== 'Concat') return undefined;
    return { op: 'Concat', inputs: [...concat.input!], weights: {}, attrs: {} };
  },
};

/** ShuffleNet's shuffle: Reshape [N, g, C/g, H·W] → Transpose (0, 2, 1, 3) → Reshape [N, C, H, W]. */
export const channelShuffleLowering: Lowering<'ChannelShuffle'> = {
  attributes: () => ({ perm: [0, 2, 1, 3] }),
  emit(node, attrs, ctx) {
    const [c, h, w] = ctx.shape(node.inputs[0]!);
    const g = node.attrs.groups;
    const split = ctx.add('Reshape', [ctx.input(0), ctx.constant('groups_shape', 'int64', [4], [-1, g, c! / g, h! * w!])], {}, 'split');
    const swapped = ctx.add('Transpose', [split], attrs, 'transpose');
    ctx.add('Reshape', [swapped, ctx.constant('shape', 'int64', [4], [-1, c!, h!, w!])], {});
  },
  import(group) {
    if (group.opTypes.join(',') !== 'Reshape,Transpose,Reshape') return undefined;
    const shape = group.initializer(group.nodes[0]!.input![1]!);
    if (!shape) return undefined;
    return { op: 'ChannelShuffle', inputs: [group.nodes[0]!.input![0]!], weights: {}, attrs: { groups: tensorValues(shape)[1]! } };
  },
};

export const flattenLowering: Lowering<'Flatten'> = {
  attributes: () => ({ axis: 1 }),
  emit(_node, attrs, ctx) {
    ctx.add('Flatten', [ctx.input(0)], attrs);
  },
  import(group) {
    const [flatten] = group.nodes;
    if (group.nodes.length !== 1 || flatten?.opType !== 'Flatten' || readAttributes(flatten).get('axis') !== 1) return undefined;
    return { op: 'Flatten', inputs: [flatten.input![0]!], weights: {}, attrs: {} };
  },
};

/** Dropout with its ratio as an input (opset ≥ 12); inference mode, so runtimes pass the data through. */
export const dropoutLowering: Lowering<'Dropout'> = {
  attributes: () => ({}),
  emit(node, attrs, ctx) {
    ctx.add('Dropout', [ctx.input(0), ctx.constant('ratio', 'float', [], [node.attrs.rate])], attrs);
  },
  import(group) {
    const [dropout] = group.nodes;
    if (group.nodes.length !== 1 || dropout?.opType !== 'Dropout') return undefined;
    const ratio = group.initializer(dropout.input![1] ?? '');
    return { op: 'Dropout', inputs: [dropout.input![0]!], weights: {}, attrs: { rate: ratio ? tensorValues(ratio)[0]! : 0.5 } };
  },
};
