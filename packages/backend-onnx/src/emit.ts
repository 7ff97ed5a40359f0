import { createRequire } from 'node:module';
import { lineColumnOf, type Span } from '@excite/diagnostics';
import { materializeWeights, type Graph, type IrNode, type OpKind } from '@excite/ir';
import {
  attributes, floatTensor, int64Tensor, onnx,
  type AttributeValue, type FunctionProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto,
} from './onnx.js';
import { LoweringError, isOnnxProfile, type EmitContext, type Lowering, type OnnxProfileName } from './lowering.js';
import { LOWERINGS } from './lowerings.js';

const { version: BACKEND_VERSION } = createRequire(import.meta.url)('../package.json') as { version: string };

export const DEFAULT_OPSET = 17;
export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
/** The domain of excite's local functions (`--onnx-functions`). */
export const FUNCTION_DOMAIN = 'excite';

export interface EmitOptions {
  /** ai.onnx opset, 13–21 (default 17). */
  opset?: number;
  /** Each SE excitation (and each fused SE scale + residual sum) as an ONNX local function. */
  functions?: boolean;
  profile?: OnnxProfileName;
  /** `.se` source texts by file name, so doc_strings give `file:line:col` (without: `file#start-end`). */
  sources?: ReadonlyMap<string, { text: string }> | Readonly<Record<string, string>>;
  /** The pipeline the graph went through, for the metadata (default `inference`). */
  pipeline?: string;
  /** The excite version recorded in the metadata (default: this package's version). */
  version?: string;
  /** Seed for weights that hold no values yet (compiled graphs have them all). */
  seed?: number;
}

export interface EmitResult {
  model: ModelProto;
  bytes: Uint8Array;
}

/** The ONNX IR version that goes with an opset (19–20 need IR 9, 21 needs IR 10). */
export function irVersionFor(opset: number): number {
  return opset >= 21 ? 10 : opset >= 19 ? 9 : 8;
}

export function checkOpset(opset: number): void {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new RangeError(`opset ${opset} is not supported: use ${MIN_OPSET}–${MAX_OPSET}`);
  }
}

function sourceText(sources: EmitOptions['sources'], file: string): string | undefined {
  if (!sources) return undefined;
  if (sources instanceof Map) return (sources as ReadonlyMap<string, { text: string }>).get(file)?.text;
  return (sources as Readonly<Record<string, string>>)[file];
}

/** Where a node came from: `file:line:col` when the source text is known, else `file#start-end`. */
export function locate(span: Span | undefined, sources: EmitOptions['sources']): string {
  if (!span) return '';
  const text = sourceText(sources, span.file);
  if (text === undefined) return `${span.file}#${span.start}-${span.end}`;
  const { line, column } = lineColumnOf(text, span.start);
  return `${span.file}:${line}:${column}`;
}

const valueInfo = (name: string, shape: readonly number[]) => ({
  name,
  type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, ...shape.map((d) => ({ dimValue: d }))] } } },
});

interface Sink {
  nodes: NodeProto[];
  valueInfo: ValueInfoProto[];
  initializers: TensorProto[];
  initializerNames: Set<string>;
}

/** Emits nodes of one IR node into the main graph: IR names kept, intermediates `<node>/<part>`. */
function graphContext(graph: Graph, node: IrNode, sink: Sink, opset: number, profile: OnnxProfileName, doc: string): EmitContext {
  const addInitializer = (t: TensorProto) => {
    if (sink.initializerNames.has(t.name!)) return;
    sink.initializerNames.add(t.name!);
    sink.initializers.push(t);
  };
  return {
    graph, opset, profile,
    input: (i) => node.inputs[i]!,
    shape: (t) => graph.tensors.get(t)!.shape,
    weight(role) {
      const name = node.weights[role];
      if (name === undefined) return undefined;
      const init = graph.initializers.get(name);
      if (!init?.data) throw new LoweringError(node.name, `weight ${role} (${name}) has no values`);
      addInitializer(floatTensor(name, init.shape, init.data));
      return name;
    },
    constant(suffix, kind, dims, data) {
      const name = `${node.name}/${suffix}`;
      addInitializer(kind === 'float' ? floatTensor(name, dims, data) : int64Tensor(name, dims, data));
      return name;
    },
    add(opType, inputs, attrs = {}, part) {
      const name = part ? `${node.name}/${part}` : node.name;
      const output = part ? name : node.output;
      sink.nodes.push({ input: [...inputs], output: [output], name, opType, attribute: attributes(attrs), docString: doc });
      return output;
    },
    declare(tensor, shape) {
      sink.valueInfo.push(valueInfo(tensor, shape));
    },
  };
}

/**
 * Emits into a local function's body: data inputs are `x0, x1, …`, weights are function inputs named by role,
 * constants are Constant nodes, the result is `y`.
 */
function functionContext(graph: Graph, node: IrNode, body: NodeProto[], formals: string[], opset: number, profile: OnnxProfileName): EmitContext {
  return {
    graph, opset, profile,
    input(i) {
      const name = `x${i}`;
      if (!formals.includes(name)) formals.push(name);
      return name;
    },
    shape: (t) => graph.tensors.get(t)!.shape,
    weight(role) {
      if (node.weights[role] === undefined) return undefined;
      if (!formals.includes(role)) formals.push(role);
      return role;
    },
    constant(suffix, kind, dims, data) {
      const value = kind === 'float' ? floatTensor('', dims, data) : int64Tensor('', dims, data);
      delete value.name;
      body.push({ input: [], output: [suffix], name: suffix, opType: 'Constant', attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: value }] });
      return suffix;
    },
    add(opType, inputs, attrs = {}, part) {
      const name = part ?? 'y';
      body.push({ input: [...inputs], output: [name], name, opType, attribute: attributes(attrs) });
      return name;
    },
    declare() {
      // Value infos inside functions need IR 10; the body's shapes follow from its inputs.
    },
  };
}

/** Ops emitted as local functions under `functions: true`, and each one's function name (one per signature). */
function functionName(node: IrNode): string | undefined {
  if (node.op === 'SqueezeExcite') {
    const a = (node as IrNode<'SqueezeExcite'>).attrs;
    return `SqueezeExcite_${a.squeeze}_${a.act}_${a.gate}${a.bias ? '' : '_nobias'}`;
  }
  if (node.op === 'ScaleAdd') {
    const a = (node as IrNode<'ScaleAdd'>).attrs;
    return `ScaleAdd_${a.activation ?? 'identity'}`;
  }
  return undefined;
}

/**
 * The `ort-cpu` profile's ScaleAdd bodies hold constants that depend on the node: the Resize scales (its H×W) and the
 * identity conv on the residual (its C, and whether there is one). Such a body is one function per variant, named
 * after it (`ScaleAdd_relu_256x56x56_dw`).
 */
function variantSuffix(graph: Graph, node: IrNode, body: readonly NodeProto[]): string {
  const constants = new Set(body.filter((n) => n.opType === 'Constant').map((n) => n.name));
  const shaped = constants.has('expand_scales') || constants.has('shortcut_weight');
  return `${shaped ? `_${graph.tensors.get(node.inputs[0]!)!.shape.join('x')}` : ''}${constants.has('shortcut_weight') ? '_dw' : ''}`;
}

function lowerNode<K extends OpKind>(node: IrNode<K>, ctx: EmitContext): void {
  const lowering = LOWERINGS[node.op] as unknown as Lowering<K>;
  lowering.validate?.(node, ctx);
  const attrs: Record<string, AttributeValue | undefined> = lowering.attributes(node, ctx);
  lowering.emit(node, attrs, ctx);
}


/** IR graph → ONNX ModelProto and its bytes. Deterministic: the same graph and options give the same bytes. */
export function emitOnnx(input: Graph, options: EmitOptions = {}): EmitResult {
  const opset = options.opset ?? DEFAULT_OPSET;
  checkOpset(opset);
  const profile = options.profile ?? 'standard';
  if (!isOnnxProfile(profile)) throw new RangeError(`unknown ONNX profile ${String(profile)}`);
  const graph = materializeWeights(input, options.seed ?? 0);
  const sink: Sink = { nodes: [], valueInfo: [], initializers: [], initializerNames: new Set() };
  const functions = new Map<string, FunctionProto>();
  for (const node of graph.nodes) {
    const doc = locate(node.span, options.sources);
    const base = options.functions ? functionName(node) : undefined;
    if (!base) {
      lowerNode(node, graphContext(graph, node, sink, opset, profile, doc));
      continue;
    }
    const body: NodeProto[] = [];
    const formals: string[] = [];
    lowerNode(node, functionContext(graph, node, body, formals, opset, profile));
    const fn = `${base}${variantSuffix(graph, node, body)}`;
    if (!functions.has(fn)) {
      functions.set(fn, {
        name: fn, domain: FUNCTION_DOMAIN, input: formals, output: ['y'], node: body,
        opsetImport: [{ domain: '', version: opset }],
        docString: `excite ${node.op} (${profile} profile)`,
      });
    }
    // The call: data inputs and weights in the order of the function's formals.
    const outer = graphContext(graph, node, sink, opset, profile, doc);
    const actuals = formals.map((f) => (/^x\d+$/.test(f) ? outer.input(Number(f.slice(1))) : outer.weight(f)!));
    sink.nodes.push({ input: actuals, output: [node.output], name: node.name, opType: fn, domain: FUNCTION_DOMAIN, docString: doc });
  }
  const metadata: Record<string, string> = {
    'excite.opset': String(opset),
    'excite.pipeline': options.pipeline ?? 'inference',
    'excite.profile': profile,
    'excite.version': options.version ?? BACKEND_VERSION,
    ...(graph.source ? { 'source.file': graph.source.file, 'source.model': graph.source.model } : {}),
  };
  const model = onnx.ModelProto.create({
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }, ...(functions.size > 0 ? [{ domain: FUNCTION_DOMAIN, version: 1 }] : [])],
    producerName: 'excite',
    producerVersion: options.version ?? BACKEND_VERSION,
    docString: graph.source ? `${graph.source.model} from ${graph.source.file}` : graph.name,
    graph: {
      name: graph.name,
      node: sink.nodes,
      initializer: sink.initializers,
      input: [valueInfo(graph.input.name, graph.input.shape)],
      output: [valueInfo(graph.output, graph.tensors.get(graph.output)!.shape)],
      valueInfo: sink.valueInfo,
    },
    metadataProps: Object.keys(metadata).sort().map((key) => ({ key, value: metadata[key]! })),
    functions: [...functions.values()],
  });
  return { model, bytes: onnx.ModelProto.encode(model).finish() };
}

