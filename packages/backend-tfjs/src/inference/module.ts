import { formatShape, materializeWeights, type Graph, type IrNode, type OpKind } from '@excite/ir';
import { VariableDeclarationKind, type WriterFunction } from 'ts-morph';
import { describeNode } from '../codegen/describe.js';
import { finish, header, newSourceFile, sourceNote, type Sources } from '../codegen/source.js';
import { nhwcShape } from '../layout.js';
import { LoweringError, nodeReader } from '../lowering.js';
import { Identifiers } from '../plan.js';
import { tensorType, type Expr, type InferenceContext, type InferenceLowering } from './context.js';
import { INFERENCE_LOWERINGS } from './lowerings.js';

export interface InferenceModuleOptions {
  /** The model's name, for the header and docs. */
  model: string;
  /** The weights file `loadWeights` is documented to read. */
  weightsFile: string;
  sources?: Sources;
  /** Seed for weights that hold no data (default 0). */
  seed?: number;
}

/** The generated inference module and the weights it reads. */
export interface InferenceModule {
  source: string;
  /** Little-endian float32 values, in the order `loadWeights` reads them. */
  weights: Uint8Array;
}

interface Constant {
  key: string;
  values: Float32Array;
  shape: number[];
  split?: { count: number; axis: number };
}

const RANK_TYPES = ['tf.Scalar', 'tf.Tensor1D', 'tf.Tensor2D', 'tf.Tensor3D', 'tf.Tensor4D'];
const RANK_MAKERS = ['tf.scalar', 'tf.tensor1d', 'tf.tensor2d', 'tf.tensor3d', 'tf.tensor4d'];

/**
 * The inference-optimised form of a compiled graph (BN folded, SE and ScaleAdd fused, conv activations) as a
 * TypeScript module over tfjs ops on NHWC tensors: `loadWeights(data)` reads the weights file into tensors,
 * `predict(w, x)` runs the network, one statement per IR node (tf.fused.conv2d with bias and activation, the SE
 * excitation as mean → fused matMul → fused matMul) under a comment naming the node and its `.se` line.
 */
export function inferenceModule(graph: Graph, options: InferenceModuleOptions): InferenceModule {
  const g = materializeWeights(graph, options.seed ?? 0);
  const ids = new Identifiers();
  const keys = new Identifiers();
  const constants: Constant[] = [];
  const values = new Map<string, Expr>();
  const input = ids.make(g.input.name === 'x' ? 'input' : g.input.name);
  values.set(g.input.name, input);
  const lines: string[] = [];
  for (const node of g.nodes) {
    const note = sourceNote(node, options.sources);
    lines.push(`// ${describeNode(node, g)}${note ? `  (${note})` : ''}`);
    const id = ids.make(node.output);
    const lower = INFERENCE_LOWERINGS[node.op] as InferenceLowering<OpKind>;
    const expr = lower(node, context(g, node, id, values, ids, keys, constants, lines));
    const shape = g.tensors.get(node.output)!.shape;
    if (/^[\w$]+$/.test(expr)) values.set(node.output, expr);
    else {
      lines.push(`const ${id}: ${tensorType(shape)} = ${expr};`);
      values.set(node.output, id);
    }
  }
  const output = values.get(g.output);
  if (!output) throw new LoweringError(g.output, 'the graph output is not computed by any node');

  const total = constants.reduce((n, c) => n + c.values.length, 0);
  const data = new Float32Array(total);
  const file = newSourceFile(`${options.model}.inference.ts`);
  file.addImportDeclaration({ namespaceImport: 'tf', moduleSpecifier: '@tensorflow/tfjs' });
  const type = (c: Constant) => `${RANK_TYPES[c.shape.length]}${c.split ? '[]' : ''}`;
  file.addInterface({
    isExported: true,
    name: 'Weights',
    docs: [`The weights of ${options.model} in tfjs layout (kernels [kh, kw, in, out], dense [in, out]), by node and role.`],
    properties: constants.map((c) => ({ name: c.key, type: type(c), isReadonly: true })),
  });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['The per-sample input shape, [H, W, C].'],
    declarations: [{ name: 'INPUT_SHAPE', initializer: `[${nhwcShape(g.input.shape).join(', ')}] as const` }],
  });
  let offset = 0;
  const loads = constants.map((c) => {
    data.set(c.values, offset);
    // tensor1d takes no shape; tensor2d … tensor4d do.
    const shape = c.shape.length > 1 ? `, [${c.shape.join(', ')}]` : '';
    const read = `${RANK_MAKERS[c.shape.length]}(values.subarray(${offset}, ${offset + c.values.length})${shape})`;
    offset += c.values.length;
    return `${c.key}: ${c.split ? `tf.split<${RANK_TYPES[c.shape.length]}>(${read}, ${c.split.count}, ${c.split.axis})` : read},`;
  });
  file.addFunction({
    isExported: true,
    name: 'loadWeights',
    parameters: [{ name: 'data', type: 'ArrayBuffer' }],
    returnType: 'Weights',
    docs: [`Reads ${options.weightsFile} (${total} little-endian float32 values) into tensors; dispose them when done.`],
    statements: [
      'const values = new Float32Array(data);',
      `if (values.length !== ${total}) throw new Error(\`expected ${total} float32 weights, found \${values.length}\`);`,
      (w) => {
        w.writeLine('return {');
        w.indent(() => loads.forEach((l) => w.writeLine(l)));
        w.writeLine('};');
      },
    ],
  });
  const outShape = g.tensors.get(g.output)!.shape;
  const body: WriterFunction = (w) => {
    w.writeLine('return tf.tidy(() => {');
    w.indent(() => {
      w.writeLine(`const ${input} = x;`);
      for (const line of lines) w.writeLine(line);
      w.writeLine(`return ${output};`);
    });
    w.writeLine('});');
  };
  file.addFunction({
    isExported: true,
    name: 'predict',
    parameters: [{ name: 'w', type: 'Weights' }, { name: 'x', type: 'tf.Tensor4D' }],
    returnType: tensorType(outShape),
    docs: [`Runs ${options.model} on x [N, ${nhwcShape(g.input.shape).join(', ')}] (NHWC): ` +
      `${formatShape(outShape.length === 3 ? nhwcShape(outShape) : outShape)} per sample. Intermediate tensors are disposed.`],
    statements: body,
  });
  return { source: finish(file, header(g, options.model, 'The inference-optimised form: batch norm folded, SE excitation and scale-add fused, NHWC tensors.')), weights: new Uint8Array(data.buffer) };
}

function context(graph: Graph, node: IrNode, id: string, values: Map<string, Expr>, ids: Identifiers, keys: Identifiers,
  constants: Constant[], lines: string[]): InferenceContext {
  return {
    ...nodeReader(graph, node, values),
    constant(part, data, shape, split) {
      const key = keys.make(`${id}_${part}`);
      constants.push({ key, values: data, shape, ...(split ? { split } : {}) });
      return `w.${key}`;
    },
    assign(part, expr, type) {
      const name = ids.make(`${id}_${part}`);
      lines.push(`const ${name}: ${type} = ${expr};`);
      return name;
    },
  };
}
