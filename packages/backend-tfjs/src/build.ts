import { materializeWeights, type Graph, type IrNode, type OpKind } from '@excite/ir';
import { nhwcShape } from './layout.js';
import { LoweringError, type BuildContext, type LayerWeight, type Lowering, type Symbolic } from './lowering.js';
import { LOWERINGS } from './lowerings.js';
import { tf, tfl } from './tf.js';

export interface BuildOptions {
  /** Seed for weights that hold no data (default 0: the same weights as every other backend). */
  seed?: number;
  /** The model's name (default: the graph's, sanitised). */
  name?: string;
}

/** A tfjs-safe name: letters, digits, `_`, `-` and `.`, starting with a letter or digit. */
export function layerName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z0-9]/.test(safe) ? safe : `x${safe}`;
}

/**
 * Builds a trainable tfjs LayersModel (NHWC) computing the IR graph (NCHW), with the graph's weights loaded (or,
 * where an initializer has no data, the seed's). Every node becomes one or a few named layers; see LOWERINGS.
 * Works for the unfused training graph and for the inference pipeline's fused ops alike.
 */
export function buildLayersModel(graph: Graph, options: BuildOptions = {}): tfl.LayersModel {
  const g = materializeWeights(graph, options.seed ?? 0);
  const input = tfl.input({ shape: nhwcShape(g.input.shape), name: layerName(g.input.name), dtype: 'float32' });
  const values = new Map<string, Symbolic>([[g.input.name, input]]);
  const used = new Set<string>([layerName(g.input.name)]);
  for (const node of g.nodes) {
    const lower = LOWERINGS[node.op] as Lowering<OpKind>;
    values.set(node.output, lower(node, context(g, node, values, used)));
  }
  const output = values.get(g.output);
  if (!output) throw new LoweringError(g.output, 'the graph output is not computed by any node');
  return tfl.model({ inputs: input, outputs: output, name: options.name ?? layerName(g.name) });
}

function context(graph: Graph, node: IrNode, values: Map<string, Symbolic>, used: Set<string>): BuildContext {
  const base = layerName(node.name);
  const tensorShape = (t: string) => {
    const info = graph.tensors.get(t);
    if (!info) throw new LoweringError(node.name, `unknown tensor ${t}`);
    return info.shape;
  };
  return {
    graph,
    input(i) {
      const value = values.get(node.inputs[i]!);
      if (!value) throw new LoweringError(node.name, `reads ${node.inputs[i]} before it is computed`);
      return value;
    },
    inputShape: (i) => tensorShape(node.inputs[i]!),
    outputShape: () => tensorShape(node.output),
    weight(role) {
      const name = node.weights[role];
      return name === undefined ? undefined : graph.initializers.get(name)?.data;
    },
    requireWeight(role) {
      const data = this.weight(role);
      if (!data) throw new LoweringError(node.name, `has no ${role} weight`);
      return data;
    },
    name(part) {
      const name = part === undefined ? base : `${base}_${part}`;
      if (used.has(name)) throw new LoweringError(node.name, `layer name ${name} is used twice`);
      used.add(name);
      return name;
    },
    apply(layer, inputs, weights: LayerWeight[] = []) {
      const output = layer.apply(inputs) as Symbolic;
      if (weights.length > 0) {
        const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
        layer.setWeights(tensors);
        tf.dispose(tensors);
      }
      return output;
    },
  };
}
