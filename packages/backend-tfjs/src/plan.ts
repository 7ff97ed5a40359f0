import { materializeWeights, type Graph, type IrNode, type OpKind } from '@excite/ir';
import { nhwcShape } from './layout.js';
import { LoweringError, nodeReader, type BuildContext, type LayerCall, type Lowering, type Value } from './lowering.js';
import { LOWERINGS } from './lowerings.js';

/** The stock layers computing a graph, in order: what both the runtime builder and the code generator consume. */
export interface LayerPlan {
  /** The model's name. */
  name: string;
  /** The input layer: its name (also its value) and per-sample NHWC shape. */
  input: { name: string; value: Value; shape: number[] };
  calls: LayerCall[];
  output: Value;
  /** The graph the plan was made from, its weights materialised. */
  graph: Graph;
}

/** A tfjs-safe name: letters, digits, `_`, `-` and `.`, starting with a letter or digit. */
export function layerName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z0-9]/.test(safe) ? safe : `x${safe}`;
}

// Words a generated module cannot use as a variable: JavaScript's reserved words and the module's own names.
const RESERVED = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'implements import in instanceof interface let new null package private protected public return static super switch this ' +
    'throw true try typeof var void while with yield await arguments eval undefined NaN Infinity tf model weights values w x').split(' '),
);

/** Turns names into distinct JavaScript identifiers (`layer1.0.conv1` → `layer1_0_conv1`). */
export class Identifiers {
  private readonly used = new Set<string>();
  make(name: string): string {
    let id = name.replace(/[^A-Za-z0-9_$]/g, '_');
    if (/^[0-9]/.test(id)) id = `_${id}`;
    if (RESERVED.has(id)) id = `${id}_`;
    let unique = id;
    for (let i = 2; this.used.has(unique); i++) unique = `${id}_${i}`;
    this.used.add(unique);
    return unique;
  }
}

/**
 * Plans the stock tfjs layers that compute the IR graph (NCHW) on NHWC tensors, with the graph's weights (or, where
 * an initializer has no data, the seed's). Every node becomes one or a few named layers; see LOWERINGS.
 */
export function planLayers(graph: Graph, options: { seed?: number; name?: string } = {}): LayerPlan {
  const g = materializeWeights(graph, options.seed ?? 0);
  const ids = new Identifiers();
  const inputName = layerName(g.input.name);
  const input = { name: inputName, value: ids.make(inputName), shape: nhwcShape(g.input.shape) };
  const values = new Map<string, Value>([[g.input.name, input.value]]);
  const used = new Set<string>([inputName]);
  const calls: LayerCall[] = [];
  for (const node of g.nodes) {
    const lower = LOWERINGS[node.op] as Lowering<OpKind>;
    values.set(node.output, lower(node, context(g, node, values, used, ids, calls)));
  }
  const output = values.get(g.output);
  if (!output) throw new LoweringError(g.output, 'the graph output is not computed by any node');
  return { name: options.name ?? layerName(g.name), input, calls, output, graph: g };
}

function context(graph: Graph, node: IrNode, values: Map<string, Value>, used: Set<string>, ids: Identifiers, calls: LayerCall[]): BuildContext {
  const base = layerName(node.name);
  return {
    ...nodeReader(graph, node, values),
    name(part) {
      const name = part === undefined ? base : `${base}_${part}`;
      if (used.has(name)) throw new LoweringError(node.name, `layer name ${name} is used twice`);
      used.add(name);
      return name;
    },
    layer(factory, config, inputs, weights = []) {
      const output = ids.make(config.name);
      const list = Array.isArray(inputs);
      calls.push({ factory, config, inputs: list ? inputs : [inputs], list, output, weights, node } as LayerCall);
      return output;
    },
  };
}
