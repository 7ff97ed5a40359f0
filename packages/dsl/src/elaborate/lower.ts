import { createDiagnostic, DiagnosticError, type Span } from '@excite/diagnostics';
import { GraphBuilder, formatShape, type Graph, type NodeContext, type OpKind } from '@excite/ir';
import type { ConcatNode, LayerNode, ResidualNode, SeNode, TreeNode } from './evaluate.js';
import type { ActivationName, PaddingValue } from './layer-specs.js';
import type { ResolvedModel } from './model.js';

/**
 * Phase 2 of elaboration: the layer tree becomes an IR graph, one op at a time, so every shape is known (and
 * every shape error reported at its `.se` line) as soon as the op is added.
 */

const ACTIVATION_OPS: Record<ActivationName, OpKind> = {
  relu: 'Relu',
  relu6: 'Relu6',
  sigmoid: 'Sigmoid',
  hard_sigmoid: 'HardSigmoid',
  tanh: 'Tanh',
  swish: 'Swish',
  identity: 'Identity',
};

function fail(code: Parameters<typeof createDiagnostic>[0], message: string, span: Span | undefined, hint?: string): never {
  throw new DiagnosticError(createDiagnostic(code, message, span, hint));
}

/** TensorFlow's SAME: output = ceil(input / stride), the padding split with the odd pixel after. */
function samePads(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function resolvePads(
  padding: PaddingValue,
  input: readonly number[],
  kernel: [number, number],
  stride: [number, number],
  dilation: [number, number] = [1, 1],
): [number, number, number, number] {
  if (padding.mode === 'explicit') return padding.pads;
  const [top, bottom] = samePads(input[1]!, kernel[0], stride[0], dilation[0]);
  const [left, right] = samePads(input[2]!, kernel[1], stride[1], dilation[1]);
  return [top, left, bottom, right];
}

/** The excitation's hidden width from C, r and the rounding rule; `exact` refuses to round. */
export function reducedWidth(channels: number, se: SeNode['settings'], span: Span): number {
  const ratio = channels / se.r;
  let width: number;
  switch (se.round) {
    case 'exact':
      if (channels % se.r !== 0) {
        const divisors = [];
        for (let d = 1; d <= channels; d++) if (channels % d === 0) divisors.push(d);
        const nearest = divisors.reduce((best, d) => (Math.abs(d - se.r) < Math.abs(best - se.r) ? d : best), 1);
        fail('E0401', `r = ${se.r} does not divide ${channels} channels`, span,
          `use r = ${nearest} or round the reduced width (round: floor | ceil | nearest)`);
      }
      width = ratio;
      break;
    case 'floor':
      width = Math.floor(ratio);
      break;
    case 'ceil':
      width = Math.ceil(ratio);
      break;
    case 'nearest':
      width = Math.round(ratio);
      break;
  }
  return Math.max(width, se.min_width, 1);
}

export function lowerModel(tree: TreeNode[], model: ResolvedModel): Graph {
  const b = new GraphBuilder(model.name, model.input, { file: model.file, model: model.name });

  const context = (node: { span: Span; stage?: string | undefined }, se?: string): NodeContext => {
    const ctx: NodeContext = { span: node.span };
    if (node.stage) ctx.stage = node.stage;
    if (se) ctx.se = se;
    return ctx;
  };

  const sequence = (nodes: readonly TreeNode[], input: string): string =>
    nodes.reduce((x, node) => lowerNode(node, x), input);

  const lowerNode = (node: TreeNode, x: string): string => {
    switch (node.kind) {
      case 'layer':
        return layer(node, x);
      case 'se':
        return squeezeExcite(node, x);
      case 'residual':
        return residual(node, x);
      case 'concat':
        return concat(node, x);
    }
  };

  const layer = (node: LayerNode, x: string): string => {
    const a = node.args;
    const ctx = context(node);
    const shape = b.shapeOf(x);
    switch (node.layer) {
      case 'conv': {
        const kernel = a.kernel as [number, number];
        const stride = a.stride as [number, number];
        const dilation = a.dilation as [number, number];
        if (shape.length !== 3) fail('E0409', `conv needs a C×H×W feature map, but its input is ${formatShape(shape)}`, node.span);
        const attrs = {
          kernel,
          stride,
          pads: resolvePads(a.pad as PaddingValue, shape, kernel, stride, dilation),
          dilation,
          groups: a.groups as number,
          outChannels: a.out as number,
          bias: a.bias as boolean,
        };
        return b.add('Conv', attrs, [x], node.name, ctx);
      }
      case 'bn':
        return b.add('BatchNorm', { eps: a.eps as number }, [x], node.name, ctx);
      case 'maxpool':
      case 'avgpool': {
        const kernel = a.kernel as [number, number];
        const stride = a.stride as [number, number];
        if (shape.length !== 3) fail('E0409', `${node.layer} needs a C×H×W feature map, but its input is ${formatShape(shape)}`, node.span);
        const attrs = {
          kernel,
          stride,
          pads: resolvePads(a.pad as PaddingValue, shape, kernel, stride),
          ceil: a.ceil as boolean,
          countIncludePad: (a.count_pad as boolean | undefined) ?? false,
        };
        return b.add(node.layer === 'maxpool' ? 'MaxPool' : 'AvgPool', attrs, [x], node.name, ctx);
      }
      case 'global_pool':
        return b.add('GlobalPool', { mode: a.mode as 'avg' | 'max' }, [x], node.name, ctx);
      case 'dense':
        return b.add('Dense', { outFeatures: a.out as number, bias: a.bias as boolean }, [x], node.name, ctx);
      case 'dropout':
        return b.add('Dropout', { rate: a.rate as number }, [x], node.name, ctx);
      case 'flatten':
        return b.add('Flatten', {}, [x], node.name, ctx);
      case 'softmax':
        return b.add('Softmax', {}, [x], node.name, ctx);
      case 'channel_shuffle':
        return b.add('ChannelShuffle', { groups: a.groups as number }, [x], node.name, ctx);
      default:
        return b.add(ACTIVATION_OPS[node.layer], {}, [x], node.name, ctx);
    }
  };

  /**
   * squeeze (global pool) → 1×1 conv C→C/r → act → 1×1 conv C/r→C → gate → channel scale. The FCs are biased 1×1
   * convolutions as in the authors' release; the compiler's SE fusion recognises exactly this shape.
   */
  const squeezeExcite = (se: SeNode, x: string): string => {
    const s = se.settings;
    const shape = b.shapeOf(x);
    if (shape.length !== 3) fail('E0409', `se needs a C×H×W feature map, but its input is ${formatShape(shape)}`, se.span);
    const channels = shape[0]!;
    const reduced = reducedWidth(channels, s, se.argSpans.r ?? se.span);
    const ctx = context(se, se.name);
    const fc = (input: string, out: number, name: string) =>
      b.add('Conv', { kernel: [1, 1], stride: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], groups: 1, outChannels: out, bias: s.bias }, [input], name, ctx);
    const squeezed = s.squeeze === 'none' ? x : b.add('GlobalPool', { mode: s.squeeze }, [x], `${se.name}.squeeze`, ctx);
    const hidden = b.add(ACTIVATION_OPS[s.act], {}, [fc(squeezed, reduced, `${se.name}.fc1`)], `${se.name}.act`, ctx);
    const gate = b.add(ACTIVATION_OPS[s.gate], {}, [fc(hidden, channels, `${se.name}.fc2`)], `${se.name}.gate`, ctx);
    return b.add('Mul', {}, [x, gate], `${se.name}.scale`, ctx);
  };

  const residual = (node: ResidualNode, x: string): string => {
    let main = sequence(node.main, x);
    const shortcut = sequence(node.shortcut, x);
    const ctx = context(node);
    if (node.scale !== 1) main = b.add('Scale', { factor: node.scale }, [main], `${node.name}.scale`, ctx);
    const [mainShape, shortcutShape] = [b.shapeOf(main), b.shapeOf(shortcut)];
    let joined: string;
    if (node.join === 'add') {
      if (formatShape(mainShape) !== formatShape(shortcutShape)) {
        fail('E0404', `the residual's main branch gives ${formatShape(mainShape)} but its shortcut gives ${formatShape(shortcutShape)}`,
          node.shortcut.length > 0 ? (node.shortcutSpan ?? node.span) : node.span,
          node.shortcut.length > 0 ? 'make the projection produce the main branch\'s shape'
            : `add a projection shortcut: shortcut { conv(1x1, ${mainShape[0]}, stride: ${Math.max(1, Math.round((shortcutShape[1] ?? 1) / (mainShape[1] ?? 1)))}); bn }`);
      }
      joined = b.add('Add', {}, [main, shortcut], `${node.name}.add`, ctx);
    } else {
      // ShuffleNet's stride-2 unit: the (pooled) shortcut's channels first, then the branch's.
      joined = b.add('Concat', {}, [shortcut, main], `${node.name}.concat`, ctx);
    }
    if (node.act) joined = b.add(ACTIVATION_OPS[node.act], {}, [joined], `${node.name}.${node.act}`, ctx);
    if (node.post) joined = squeezeExcite(node.post, joined);
    return joined;
  };

  const concat = (node: ConcatNode, x: string): string => {
    const outputs = node.branches.map((branch) => sequence(branch, x));
    if (outputs.length === 1) return outputs[0]!;
    return b.add('Concat', {}, outputs, node.name, context(node));
  };

  const output = sequence(tree, b.input);
  const shape = b.shapeOf(output);
  if (shape.length !== 1 || shape[0] !== model.classes) {
    fail('E0408', `model \`${model.name}\` ends with ${formatShape(shape)}, but declares ${model.classes} classes`, model.span);
  }
  return b.finish(output);
}
