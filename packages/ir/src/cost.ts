import { OP_SPECS } from './ops/index.js';
import { elementCount } from './ops/spec.js';
import type { Graph, IrNode, Shape } from './types.js';

/** One row of `excite info`; the field names are the documented `--json` shape. */
export interface LayerCost {
  name: string;
  op: string;
  stage: string | null;
  kernel: [number, number] | null;
  stride: [number, number] | null;
  /** [top, left, bottom, right] */
  padding: [number, number, number, number] | null;
  groups: number | null;
  inChannels: number;
  outChannels: number;
  outputShape: number[];
  /** Trainable parameters. */
  params: number;
  /** Non-trained state: BN running statistics. */
  buffers: number;
  /** Multiply-accumulates of conv and dense layers. */
  macs: number;
  /** SE squeeze (pooling) and channel-scale operations; 0 outside SE blocks. */
  seOps: number;
}

export interface SeBlockCost {
  name: string;
  stage: string | null;
  /** Channels the block recalibrates. */
  channels: number;
  /** Width of the excitation's bottleneck (C / r after rounding). */
  reduced: number;
  params: number;
  macs: number;
  seOps: number;
}

export interface CostReport {
  name: string;
  input: number[];
  totals: { params: number; buffers: number; macs: number; seOps: number };
  layers: LayerCost[];
  se: SeBlockCost[];
}

function channelsOf(shape: Shape): number {
  return shape[0] ?? 0;
}

function layerCost(graph: Graph, node: IrNode): LayerCost {
  const spec = OP_SPECS[node.op];
  const inputs = node.inputs.map((t) => graph.tensors.get(t)!.shape);
  const output = graph.tensors.get(node.output)!.shape;
  let params = 0;
  let buffers = 0;
  for (const name of Object.values(node.weights)) {
    const init = graph.initializers.get(name)!;
    if (init.role === 'param') params += elementCount(init.shape);
    else buffers += elementCount(init.shape);
  }
  const attrs = node.attrs as never;
  const geometry = spec.geometry?.(attrs) ?? {};
  return {
    name: node.name,
    op: node.op,
    stage: node.stage ?? null,
    kernel: geometry.kernel ?? null,
    stride: geometry.stride ?? null,
    padding: geometry.padding ?? null,
    groups: geometry.groups ?? null,
    inChannels: channelsOf(inputs[0] ?? []),
    outChannels: channelsOf(output),
    outputShape: [...output],
    params,
    buffers,
    macs: spec.macs?.(inputs, output, attrs) ?? 0,
    // Only SE blocks' pooling and scaling are counted: the paper's 3.86 → 3.87 G for SE-ResNet-50.
    seOps: node.se ? (spec.elementOps?.(inputs, output, attrs) ?? 0) : 0,
  };
}

/**
 * Per-layer and total cost of a graph: parameters, buffers and MACs as the paper counts them, with the SE blocks'
 * pooling and scaling operations kept apart, and one summary per SE block.
 */
export function costReport(graph: Graph): CostReport {
  const layers = graph.nodes.map((node) => layerCost(graph, node));
  const totals = { params: 0, buffers: 0, macs: 0, seOps: 0 };
  for (const layer of layers) {
    totals.params += layer.params;
    totals.buffers += layer.buffers;
    totals.macs += layer.macs;
    totals.seOps += layer.seOps;
  }
  const blocks = new Map<string, SeBlockCost>();
  graph.nodes.forEach((node, i) => {
    if (!node.se) return;
    const layer = layers[i]!;
    let block = blocks.get(node.se);
    if (!block) {
      // The block's first node reads the recalibrated tensor (the squeeze, or the first 1x1 conv without one).
      block = { name: node.se, stage: node.stage ?? null, channels: layer.inChannels, reduced: 0, params: 0, macs: 0, seOps: 0 };
      blocks.set(node.se, block);
    }
    // The excitation's first weighted layer maps C to the reduced width.
    if (block.reduced === 0 && (node.op === 'Conv' || node.op === 'Dense')) block.reduced = layer.outChannels;
    block.params += layer.params;
    block.macs += layer.macs;
    block.seOps += layer.seOps;
  });
  return { name: graph.name, input: [...graph.input.shape], totals, layers, se: [...blocks.values()] };
}
