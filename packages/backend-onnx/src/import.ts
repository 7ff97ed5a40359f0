import { OP_SPECS, type Graph, type Initializer, type IrNode, type OpKind, type TensorInfo } from '@excite/ir';
import type { Span } from '@excite/diagnostics';
import { FUNCTION_DOMAIN, type EmitOptions } from './emit.js';
import { isOnnxProfile, type ImportGroup, type Imported, type Lowering, type OnnxProfileName } from './lowering.js';
import { LOWERINGS } from './lowerings.js';
import { onnx, tensorFloat32, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx.js';

export interface ImportOptions {
  /** The `.se` sources, to turn `file:line:col` doc_strings back into spans. */
  sources?: EmitOptions['sources'];
}

export interface ImportResult {
  graph: Graph;
  /** The emit options recorded in the model (opset, profile, functions, pipeline, version): emitting the graph
   * with them (and the same sources) reproduces the bytes. */
  options: EmitOptions & { opset: number; profile: OnnxProfileName; functions: boolean };
}

/** The roles whose tensors are statistics, not trained parameters. */
const BUFFER_ROLES = new Set(['mean', 'var']);

function sourceText(sources: EmitOptions['sources'], file: string): string | undefined {
  if (!sources) return undefined;
  if (sources instanceof Map) return (sources as ReadonlyMap<string, { text: string }>).get(file)?.text;
  return (sources as Readonly<Record<string, string>>)[file];
}

/** The inverse of `locate`: `file#start-end`, or `file:line:col` with the source text at hand. */
function spanOf(doc: string | null | undefined, sources: EmitOptions['sources']): Span | undefined {
  if (!doc) return undefined;
  const offsets = /^(.*)#(\d+)-(\d+)$/.exec(doc);
  if (offsets) return { file: offsets[1]!, start: Number(offsets[2]), end: Number(offsets[3]) };
  const position = /^(.*):(\d+):(\d+)$/.exec(doc);
  if (!position) return undefined;
  const [, file, line, column] = position;
  const text = sourceText(sources, file!);
  if (text === undefined) return undefined;
  let offset = 0;
  for (let l = 1; l < Number(line); l++) offset = text.indexOf('\n', offset) + 1;
  const start = offset + Number(column) - 1;
  return { file: file!, start, end: start + 1 };
}

/**
 * Splits the node list into the runs the emitter wrote for each IR node: intermediates named `<node>/<part>`,
 * then the node named `<node>` that produces the IR output.
 */
function groupNodes(nodes: readonly NodeProto[]): NodeProto[][] {
  const groups: NodeProto[][] = [];
  let i = 0;
  while (i < nodes.length) {
    let end = i;
    for (let k = i + 1; k < Math.min(nodes.length, i + 16); k++) {
      const head = `${nodes[k]!.name}/`;
      if (nodes.slice(i, k).every((n) => n.name!.startsWith(head))) {
        end = k;
        break;
      }
    }
    groups.push(nodes.slice(i, end + 1));
    i = end + 1;
  }
  return groups;
}

/** ONNX (the subset excite emits) → IR. Throws on anything it does not recognise. */
export function importOnnx(source: Uint8Array | ModelProto, options: ImportOptions = {}): ImportResult {
  const model = source instanceof Uint8Array ? onnx.ModelProto.decode(source) : source;
  const g = model.graph!;
  const initializers = new Map<string, TensorProto>((g.initializer ?? []).map((t) => [t.name!, t]));
  const functions = new Map(model.functions.filter((f) => f.domain === FUNCTION_DOMAIN).map((f) => [f.name!, f]));
  const dims = (v: ValueInfoProto) => v.type!.tensorType!.shape!.dim!.slice(1).map((d) => Number(d.dimValue));
  const graphInput = g.input![0]!;
  const input: TensorInfo = { name: graphInput.name!, shape: dims(graphInput) };
  const tensors = new Map<string, TensorInfo>([[input.name, input]]);
  const irInitializers = new Map<string, Initializer>();
  const irNodes: IrNode[] = [];
  const entries = Object.entries(LOWERINGS) as [OpKind, Lowering<OpKind>][];

  const recognise = (nodes: NodeProto[], rename: (name: string) => string = (name) => name): Imported | undefined => {
    const group: ImportGroup = { nodes, opTypes: nodes.map((n) => n.opType!), initializer: (name) => initializers.get(rename(name)) };
    for (const [, lowering] of entries) {
      const found = lowering.import(group);
      if (found) return found;
    }
    return undefined;
  };

  for (const nodes of groupNodes(g.node ?? [])) {
    const last = nodes[nodes.length - 1]!;
    let found: Imported | undefined;
    if (nodes.length === 1 && last.domain === FUNCTION_DOMAIN) {
      const fn = functions.get(last.opType!);
      if (!fn) throw new Error(`${last.name}: no local function ${last.opType}`);
      // Constants inside a body are the lowering's own (Clip bounds): read the body without them.
      const body = (fn.node ?? []).filter((n) => n.opType !== 'Constant');
      const actual = new Map((fn.input ?? []).map((formal, i) => [formal, last.input![i]!]));
      const inner = recognise(body, (formal) => actual.get(formal) ?? formal);
      if (inner) {
        found = {
          ...inner,
          inputs: inner.inputs.map((x) => actual.get(x)!),
          weights: Object.fromEntries(Object.entries(inner.weights).map(([role, formal]) => [role, actual.get(formal)!])),
        };
      }
    } else {
      found = recognise(nodes);
    }
    if (!found) throw new Error(`${last.name}: excite does not recognise ONNX nodes ${nodes.map((n) => n.opType).join(' → ')}`);
    for (const [role, name] of Object.entries(found.weights)) {
      if (irInitializers.has(name)) continue;
      const t = initializers.get(name);
      if (!t) throw new Error(`${last.name}: weight ${name} is not an initializer`);
      irInitializers.set(name, {
        name, shape: t.dims!.map(Number), role: BUFFER_ROLES.has(role) ? 'buffer' : 'param', init: { kind: 'zeros' }, data: tensorFloat32(t),
      });
    }
    const span = spanOf(last.docString, options.sources);
    const node = { name: last.name!, op: found.op, inputs: found.inputs, weights: found.weights, output: last.output![0]!, attrs: found.attrs, ...(span ? { span } : {}) } as IrNode;
    const shapes = node.inputs.map((t) => {
      const info = tensors.get(t);
      if (!info) throw new Error(`${node.name}: input ${t} is not defined before it`);
      return info.shape;
    });
    const spec = OP_SPECS[node.op] as { inferShape(inputs: readonly (readonly number[])[], attrs: unknown): readonly number[] };
    tensors.set(node.output, { name: node.output, shape: spec.inferShape(shapes, node.attrs) });
    irNodes.push(node);
  }

  const meta = new Map(model.metadataProps.map((p) => [p.key!, p.value!]));
  const file = meta.get('source.file');
  const modelName = meta.get('source.model');
  const graph: Graph = {
    name: g.name!,
    input,
    output: g.output![0]!.name!,
    nodes: irNodes,
    tensors,
    initializers: irInitializers,
    ...(file !== undefined && modelName !== undefined ? { source: { file, model: modelName } } : {}),
  };
  const opset = Number(model.opsetImport.find((o) => !o.domain)?.version ?? 17);
  const profile = meta.get('excite.profile') ?? 'standard';
  return {
    graph,
    options: {
      opset,
      profile: isOnnxProfile(profile) ? profile : 'standard',
      functions: functions.size > 0,
      ...(meta.has('excite.pipeline') ? { pipeline: meta.get('excite.pipeline')! } : {}),
      ...(meta.has('excite.version') ? { version: meta.get('excite.version')! } : {}),
      ...(options.sources ? { sources: options.sources } : {}),
    },
  };
}
