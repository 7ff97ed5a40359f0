import type { ActivationKind, IrNode, OpKind } from '@excite/ir';
import { float, type NodeProto } from '../onnx.js';
import type { EmitContext, ImportGroup, Imported, Lowering } from '../lowering.js';

/**
 * Emits one activation after `input`. With `part` the result is an intermediate (`identity` then emits nothing);
 * without, it produces the IR node's output. HardSigmoid follows PyTorch (alpha = 1/6, beta = 0.5), as the reference
 * does; Swish is x · Sigmoid(x) (no standard op before opset 24); ReLU6 is Clip(0, 6).
 */
export function emitActivation(kind: ActivationKind, input: string, ctx: EmitContext, part?: string): string {
  switch (kind) {
    case 'relu': return ctx.add('Relu', [input], {}, part);
    case 'sigmoid': return ctx.add('Sigmoid', [input], {}, part);
    case 'tanh': return ctx.add('Tanh', [input], {}, part);
    case 'hard_sigmoid': return ctx.add('HardSigmoid', [input], { alpha: float(1 / 6), beta: float(0.5) }, part);
    case 'relu6': {
      const prefix = part ? `${part}_` : '';
      const min = ctx.constant(`${prefix}clip_min`, 'float', [], [0]);
      const max = ctx.constant(`${prefix}clip_max`, 'float', [], [6]);
      return ctx.add('Clip', [input, min, max], {}, part);
    }
    case 'swish': {
      const gate = ctx.add('Sigmoid', [input], {}, part ? `${part}_sigmoid` : 'swish_sigmoid');
      return ctx.add('Mul', [input, gate], {}, part);
    }
    case 'identity': return part ? input : ctx.add('Identity', [input], {}, part);
  }
}

/** Recognises the activation at `nodes[at]`: its kind and how many ONNX nodes it spans. */
export function parseActivation(nodes: readonly NodeProto[], at: number): { kind: ActivationKind; length: number } | undefined {
  const node = nodes[at];
  if (!node) return undefined;
  switch (node.opType) {
    case 'Relu': return { kind: 'relu', length: 1 };
    case 'Tanh': return { kind: 'tanh', length: 1 };
    case 'HardSigmoid': return { kind: 'hard_sigmoid', length: 1 };
    case 'Clip': return { kind: 'relu6', length: 1 };
    case 'Identity': return { kind: 'identity', length: 1 };
    case 'Sigmoid': {
      const next = nodes[at + 1];
      const x = node.input![0];
      if (next?.opType === 'Mul' && next.input?.[0] === x && next.input?.[1] === node.output![0]) return { kind: 'swish', length: 2 };
      return { kind: 'sigmoid', length: 1 };
    }
    default: return undefined;
  }
}

/** An optional activation filling the rest of a group from `at`: 'none' when the group ends there. */
export function trailingActivation(nodes: readonly NodeProto[], at: number): ActivationKind | 'none' | undefined {
  if (at === nodes.length) return 'none';
  const act = parseActivation(nodes, at);
  return act && at + act.length === nodes.length ? act.kind : undefined;
}

type PointwiseKind = 'Relu' | 'Relu6' | 'Sigmoid' | 'HardSigmoid' | 'Tanh' | 'Swish' | 'Identity';

function pointwise<K extends PointwiseKind & OpKind>(op: K, kind: ActivationKind): Lowering<K> {
  return {
    attributes: () => ({}),
    emit(node: IrNode<K>, _attrs, ctx) {
      emitActivation(kind, ctx.input(0), ctx);
    },
    import(group: ImportGroup): Imported<K> | undefined {
      const act = parseActivation(group.nodes, 0);
      if (!act || act.kind !== kind || act.length !== group.nodes.length) return undefined;
      return { op, inputs: [group.nodes[0]!.input![0]!], weights: {}, attrs: {} as Imported<K>['attrs'] };
    },
  };
}

export const reluLowering = pointwise('Relu', 'relu');
export const relu6Lowering = pointwise('Relu6', 'relu6');
export const sigmoidLowering = pointwise('Sigmoid', 'sigmoid');
export const hardSigmoidLowering = pointwise('HardSigmoid', 'hard_sigmoid');
export const tanhLowering = pointwise('Tanh', 'tanh');
export const swishLowering = pointwise('Swish', 'swish');
export const identityLowering = pointwise('Identity', 'identity');
