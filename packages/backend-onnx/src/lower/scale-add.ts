import type { IrNode } from '@excite/ir';
import type { NodeProto } from '../onnx.js';
import type { EmitContext, Lowering } from '../lowering.js';
import { emitActivation, trailingActivation } from './activation.js';
import { readScaleOperand, scaleOperand } from './channel-scale.js';

/** onnxruntime's NCHWc block is 8 (AVX2) or 16 (AVX-512) channels: its depthwise convs need C a multiple of it. */
const NCHWC_BLOCK = 16;

/**
 * Whether the `ort-cpu` form routes the residual y through a 1×1 depthwise Conv of weight 1. onnxruntime fuses a
 * residual Add (and the ReLU after it) into a conv only when one of the Add's inputs is that conv's single-use output:
 * a projection shortcut is one, an identity shortcut (the previous block's output, read by the branch too) is not, and
 * the SE scale in front of the sum rules out the branch's last conv. The identity conv reads y once where the
 * unfused Add and ReLU would read and write the map twice (tools/bench/onnx.ts: `resize+dw-shortcut`).
 */
export function throughIdentityConv(ctx: EmitContext, node: IrNode<'ScaleAdd'>): boolean {
  if (ctx.profile !== 'ort-cpu') return false;
  const y = node.inputs[2]!;
  const [c] = ctx.shape(y);
  if (c === undefined || c % NCHWC_BLOCK !== 0) return false;
  const producer = ctx.graph.nodes.find((n) => n.output === y);
  const readers = ctx.graph.nodes.filter((n) => n.inputs.includes(y)).length;
  const fusable = producer?.op === 'Conv' && !(producer as IrNode<'Conv'>).attrs.activation && readers === 1;
  return !fusable;
}

function residualOperand(ctx: EmitContext, node: IrNode<'ScaleAdd'>): string {
  if (!throughIdentityConv(ctx, node)) return ctx.input(2);
  const [c] = ctx.shape(node.inputs[2]!);
  const ones = ctx.constant('shortcut_weight', 'float', [c!, 1, 1, 1], new Array<number>(c!).fill(1));
  return ctx.add('Conv', [ctx.input(2), ones], { group: c!, kernel_shape: [1, 1] }, 'shortcut');
}

/** The `ort-cpu` identity conv after the channel-scale Mul at `at`, if there is one: the residual it reads. */
function readResidualOperand(nodes: readonly NodeProto[], at: number): { at: number; y: (add: NodeProto) => string } {
  const conv = nodes[at];
  if (conv?.opType === 'Conv' && nodes[at + 1]?.opType === 'Add' && nodes[at + 1]!.input?.[1] === conv.output?.[0]) {
    return { at: at + 1, y: () => conv.input![0]! };
  }
  return { at, y: (add) => add.input![1]! };
}

/** act(x · s + y): Mul (broadcast over H, W) → Add → activation. */
export const scaleAddLowering: Lowering<'ScaleAdd'> = {
  attributes: () => ({}),
  emit(node, _attrs, ctx) {
    const scaled = ctx.add('Mul', [ctx.input(0), scaleOperand(ctx, node.inputs[0]!, node.inputs[1]!, 1)], {}, 'scale');
    const residual = residualOperand(ctx, node);
    const act = node.attrs.activation;
    if (!act || act === 'identity') {
      ctx.add('Add', [scaled, residual], {});
      return;
    }
    emitActivation(act, ctx.add('Add', [scaled, residual], {}, 'add'), ctx);
  },
  import(group) {
    const { at, s } = readScaleOperand(group.nodes);
    const mul = group.nodes[at];
    const { at: addAt, y } = readResidualOperand(group.nodes, at + 1);
    const add = group.nodes[addAt];
    if (mul?.opType !== 'Mul' || add?.opType !== 'Add' || add.input![0] !== mul.output![0]) return undefined;
    const act = trailingActivation(group.nodes, addAt + 1);
    if (!act) return undefined;
    return {
      op: 'ScaleAdd',
      inputs: [mul.input![0]!, s(mul), y(add)],
      weights: {},
      attrs: act === 'none' ? {} : { activation: act },
    };
  },
};
