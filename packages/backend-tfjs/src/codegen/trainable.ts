import { formatShape } from '@excite/ir';
import { StructureKind, VariableDeclarationKind, type WriterFunction } from 'ts-morph';
import type { LayerPlan } from '../plan.js';
import { describeNode } from './describe.js';
import { finish, header, literal, newSourceFile, sourceNote, type Sources } from './source.js';

export interface TrainableModuleOptions {
  /** The model's name, for the header and docs. */
  model: string;
  /** The weights file the module's `loadWeights` is documented to read. */
  weightsFile: string;
  sources?: Sources;
}

/**
 * The trainable model as a readable TypeScript module: `buildModel()` makes the tf.LayersModel (NHWC) with one
 * statement per stock layer, under a comment naming the IR node and its `.se` line; `loadWeights(model, data)` fills
 * it from the weights file (float32, `model.weights` order, as model.json's manifest lists them).
 */
export function trainableModule(plan: LayerPlan, options: TrainableModuleOptions): string {
  const file = newSourceFile(`${options.model}.ts`);
  const g = plan.graph;
  const outShape = g.tensors.get(g.output)!.shape;
  file.addImportDeclaration({ namespaceImport: 'tf', moduleSpecifier: '@tensorflow/tfjs' });
  file.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['The per-sample input shape, [H, W, C].'],
    declarations: [{ name: 'INPUT_SHAPE', initializer: `${literal(plan.input.shape)} as const` }],
  });
  const body: WriterFunction = (w) => {
    w.writeLine(`const ${plan.input.value} = tf.input({ shape: [...INPUT_SHAPE], name: ${literal(plan.input.name)}, dtype: 'float32' });`);
    let current: unknown;
    for (const call of plan.calls) {
      if (call.node !== current) {
        current = call.node;
        const note = sourceNote(call.node, options.sources);
        w.writeLine(`// ${describeNode(call.node, g)}${note ? `  (${note})` : ''}`);
      }
      const config = literal(trainableConfig({ ...call.config }));
      const inputs = call.list ? `[${call.inputs.join(', ')}]` : call.inputs[0]!;
      w.writeLine(`const ${call.output} = tf.layers.${call.factory}(${config}).apply(${inputs}) as tf.SymbolicTensor;`);
    }
    w.writeLine(`return tf.model({ inputs: ${plan.input.value}, outputs: ${plan.output}, name: ${literal(plan.name)} });`);
  };
  file.addFunction({
    kind: StructureKind.Function,
    isExported: true,
    name: 'buildModel',
    returnType: 'tf.LayersModel',
    docs: [`Builds ${options.model} as a trainable tf.LayersModel: input [N, ${plan.input.shape.join(', ')}] (NHWC), output ` +
      `${formatShape(outShape.length === 3 ? [outShape[1]!, outShape[2]!, outShape[0]!] : outShape)} per sample. ` +
      'Weights start from tfjs\'s default initialisers; loadWeights loads excite\'s.'],
    statements: body,
  });
  file.addFunction({
    isExported: true,
    name: 'loadWeights',
    parameters: [{ name: 'model', type: 'tf.LayersModel' }, { name: 'data', type: 'ArrayBuffer' }],
    returnType: 'void',
    docs: [`Loads ${options.weightsFile} (little-endian float32, in model.weights order, as model.json's manifest lists them) ` +
      'into a model from buildModel.'],
    statements: [
      'const values = new Float32Array(data);',
      'const shapes = model.weights.map((v) => v.shape.map((d) => d ?? 1));',
      'const expected = shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);',
      'if (values.length !== expected) throw new Error(`expected ${expected} float32 weights, found ${values.length}`);',
      'let offset = 0;',
      'const tensors = shapes.map((shape) => {',
      '  const size = shape.reduce((a, b) => a * b, 1);',
      '  const tensor = tf.tensor(values.subarray(offset, offset + size), shape, \'float32\');',
      '  offset += size;',
      '  return tensor;',
      '});',
      'model.setWeights(tensors);',
      'tf.dispose(tensors);',
    ],
  });
  return finish(file, header(g, options.model, 'The trainable model: stock TensorFlow.js layers, NHWC tensors.'));
}

/**
 * A layer's config as the generated module writes it: without the zero initialisers the runtime builder uses for
 * layers it loads at once, so `buildModel()` alone gives a model initialised for training from scratch.
 */
function trainableConfig(config: Record<string, unknown>): Record<string, unknown> {
  const initializers = new Set(['kernelInitializer', 'biasInitializer', 'depthwiseInitializer']);
  return Object.fromEntries(Object.entries(config).filter(([key]) => !initializers.has(key)));
}
