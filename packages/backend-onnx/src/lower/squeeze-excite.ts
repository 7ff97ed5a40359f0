import type { SqueezeExciteAttributes } from '@excite/ir';
import type { Lowering } from '../lowering.js';
import { emitActivation, parseActivation } from './activation.js';

/**
 * The SE excitation: GlobalAveragePool/GlobalMaxPool (none: the map itself) → Conv 1×1 (w1, b1) → act → Conv 1×1
 * (w2, b2) → gate. The FCs stay 1×1 convs on [N, C, 1, 1], so no Flatten/Reshape sits between the pool and the
 * channel scale (measured against ReduceMean + Gemm in tools/bench/onnx.ts).
 */
export const squeezeExciteLowering: Lowering<'SqueezeExcite'> = {
  attributes: () => ({ dilations: [1, 1], group: 1, kernel_shape: [1, 1], pads: [0, 0, 0, 0], strides: [1, 1] }),
  emit(node, attrs, ctx) {
    const a = node.attrs;
    const squeezed = a.squeeze === 'none'
      ? ctx.input(0)
      : ctx.add(a.squeeze === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [ctx.input(0)], {}, 'squeeze');
    const fc = (w: string, b: string) => [ctx.weight(w)!, ...(a.bias ? [ctx.weight(b)!] : [])];
    const fc1 = ctx.add('Conv', [squeezed, ...fc('w1', 'b1')], attrs, 'fc1');
    const hidden = emitActivation(a.act, fc1, ctx, 'act');
    const fc2 = ctx.add('Conv', [hidden, ...fc('w2', 'b2')], attrs, 'fc2');
    emitActivation(a.gate, fc2, ctx);
  },
  import(group) {
    const nodes = group.nodes;
    let at = 0;
    let squeeze: SqueezeExciteAttributes['squeeze'] = 'none';
    if (nodes[0]?.opType === 'GlobalAveragePool' || nodes[0]?.opType === 'GlobalMaxPool') {
      squeeze = nodes[0].opType === 'GlobalAveragePool' ? 'avg' : 'max';
      at = 1;
    }
    const fc1 = nodes[at];
    if (fc1?.opType !== 'Conv') return undefined;
    at++;
    let act: SqueezeExciteAttributes['act'] = 'identity';
    if (nodes[at]?.opType !== 'Conv') {
      const parsed = parseActivation(nodes, at);
      if (!parsed) return undefined;
      act = parsed.kind;
      at += parsed.length;
    }
    const fc2 = nodes[at];
    if (fc2?.opType !== 'Conv') return undefined;
    const gate = parseActivation(nodes, at + 1);
    if (!gate || at + 1 + gate.length !== nodes.length) return undefined;
    const w1 = group.initializer(fc1.input![1]!);
    if (!w1) return undefined;
    const bias = fc1.input!.length > 2;
    const weights: Record<string, string> = { w1: fc1.input![1]! };
    if (bias) weights.b1 = fc1.input![2]!;
    weights.w2 = fc2.input![1]!;
    if (bias) weights.b2 = fc2.input![2]!;
    return {
      op: 'SqueezeExcite',
      inputs: [nodes[0]!.input![0]!],
      weights,
      attrs: { squeeze, reduced: Number(w1.dims![0]), act, gate: gate.kind, bias },
    };
  },
};
