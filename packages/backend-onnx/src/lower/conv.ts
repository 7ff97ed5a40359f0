import type { ConvAttributes } from '@excite/ir';
import { readAttributes } from '../onnx.js';
import { LoweringError, type Lowering } from '../lowering.js';
import { emitActivation, trailingActivation } from './activation.js';

/** Conv with pads [top, left, bottom, right] (ONNX's begin/end order is the same), strides, dilations, group; a fused
 * activation becomes the op after it, which onnxruntime fuses back (Conv+Relu → FusedConv). */
export const convLowering: Lowering<'Conv'> = {
  validate(node, ctx) {
    if (!ctx.weight('weight')) throw new LoweringError(node.name, 'a Conv needs its weight initializer');
  },
  attributes: (node) => ({
    dilations: [...node.attrs.dilation],
    group: node.attrs.groups,
    kernel_shape: [...node.attrs.kernel],
    pads: [...node.attrs.pads],
    strides: [...node.attrs.stride],
  }),
  emit(node, attrs, ctx) {
    const bias = ctx.weight('bias');
    const inputs = [ctx.input(0), ctx.weight('weight')!, ...(bias ? [bias] : [])];
    const act = node.attrs.activation;
    if (!act || act === 'identity') {
      ctx.add('Conv', inputs, attrs);
      return;
    }
    emitActivation(act, ctx.add('Conv', inputs, attrs, 'conv'), ctx);
  },
  import(group) {
    const [conv] = group.nodes;
    if (conv?.opType !== 'Conv') return undefined;
    const act = trailingActivation(group.nodes, 1);
    if (!act) return undefined;
    const a = readAttributes(conv);
    const weight = group.initializer(conv.input![1]!);
    if (!weight) return undefined;
    const [kh, kw] = a.get('kernel_shape') as number[];
    const attrs: ConvAttributes = {
      kernel: [kh!, kw!],
      stride: (a.get('strides') as [number, number] | undefined) ?? [1, 1],
      pads: (a.get('pads') as [number, number, number, number] | undefined) ?? [0, 0, 0, 0],
      dilation: (a.get('dilations') as [number, number] | undefined) ?? [1, 1],
      groups: (a.get('group') as number | undefined) ?? 1,
      outChannels: Number(weight.dims![0]),
      bias: conv.input!.length > 2,
      ...(act !== 'none' ? { activation: act } : {}),
    };
    const weights: Record<string, string> = { weight: conv.input![1]! };
    if (attrs.bias) weights.bias = conv.input![2]!;
    return { op: 'Conv', inputs: [conv.input![0]!], weights, attrs };
  },
};
