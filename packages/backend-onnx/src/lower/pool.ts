import { windowOutput, type PoolAttributes } from '@excite/ir';
import { readAttributes, type NodeProto } from '../onnx.js';
import type { EmitContext, Lowering } from '../lowering.js';
import type { IrNode } from '@excite/ir';

/**
 * ceil_mode only where it changes the output size: onnxruntime and the IR agree on the ceil rule (PyTorch's, with the
 * last window starting inside the input), and a floor-equivalent window needs no flag at all.
 */
function ceilMatters(node: IrNode<'MaxPool' | 'AvgPool'>, ctx: EmitContext): boolean {
  const a = node.attrs;
  if (!a.ceil) return false;
  const [, h, w] = ctx.shape(node.inputs[0]!);
  const floorH = windowOutput(h!, a.kernel[0], a.stride[0], a.pads[0], a.pads[2], 1, false);
  const floorW = windowOutput(w!, a.kernel[1], a.stride[1], a.pads[1], a.pads[3], 1, false);
  const [, oh, ow] = ctx.shape(node.output);
  return floorH !== oh || floorW !== ow;
}

function poolAttributes(node: NodeProto): PoolAttributes {
  const a = readAttributes(node);
  const [kh, kw] = a.get('kernel_shape') as number[];
  return {
    kernel: [kh!, kw!],
    stride: (a.get('strides') as [number, number] | undefined) ?? [1, 1],
    pads: (a.get('pads') as [number, number, number, number] | undefined) ?? [0, 0, 0, 0],
    ceil: a.get('ceil_mode') === 1,
    countIncludePad: a.get('count_include_pad') === 1,
  };
}

export const maxPoolLowering: Lowering<'MaxPool'> = {
  attributes: (node, ctx) => ({
    ceil_mode: ceilMatters(node, ctx) ? 1 : undefined,
    kernel_shape: [...node.attrs.kernel],
    pads: [...node.attrs.pads],
    strides: [...node.attrs.stride],
  }),
  emit(_node, attrs, ctx) {
    ctx.add('MaxPool', [ctx.input(0)], attrs);
  },
  import(group) {
    const [pool] = group.nodes;
    if (group.nodes.length !== 1 || pool?.opType !== 'MaxPool') return undefined;
    return { op: 'MaxPool', inputs: [pool.input![0]!], weights: {}, attrs: { ...poolAttributes(pool), countIncludePad: false } };
  },
};

/** AveragePool; count_include_pad as the IR says (PyTorch's divisor rule, the window clipped to the padded input). */
export const avgPoolLowering: Lowering<'AvgPool'> = {
  attributes: (node, ctx) => ({
    ceil_mode: ceilMatters(node, ctx) ? 1 : undefined,
    count_include_pad: node.attrs.countIncludePad ? 1 : undefined,
    kernel_shape: [...node.attrs.kernel],
    pads: [...node.attrs.pads],
    strides: [...node.attrs.stride],
  }),
  emit(_node, attrs, ctx) {
    ctx.add('AveragePool', [ctx.input(0)], attrs);
  },
  import(group) {
    const [pool] = group.nodes;
    if (group.nodes.length !== 1 || pool?.opType !== 'AveragePool') return undefined;
    return { op: 'AvgPool', inputs: [pool.input![0]!], weights: {}, attrs: poolAttributes(pool) };
  },
};

export const globalPoolLowering: Lowering<'GlobalPool'> = {
  attributes: () => ({}),
  emit(node, attrs, ctx) {
    ctx.add(node.attrs.mode === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [ctx.input(0)], attrs);
  },
  import(group) {
    const [pool] = group.nodes;
    if (group.nodes.length !== 1) return undefined;
    if (pool?.opType !== 'GlobalAveragePool' && pool?.opType !== 'GlobalMaxPool') return undefined;
    return { op: 'GlobalPool', inputs: [pool.input![0]!], weights: {}, attrs: { mode: pool.opType === 'GlobalAveragePool' ? 'avg' : 'max' } };
  },
};
