// Alternative ONNX formulations of the SE block, as rewrites of our `standard` SE-ResNet-50 model, so `pnpm bench onnx`
// can time each side by side and count what onnxruntime's CPU optimiser makes of it. Every rewrite is exact in real
// arithmetic; the bench checks each against the standard model's output on its input before timing it.
import { onnx } from '@excite/backend-onnx';

type Model = ReturnType<typeof onnx.ModelProto.decode>;
type Node = NonNullable<NonNullable<Model['graph']>['node']>[number];
type Tensor = NonNullable<NonNullable<Model['graph']>['initializer']>[number];

export interface Formulation {
  name: string;
  /** What the rewrite does and why it might help. */
  idea: string;
  rewrite(model: Model, shapes: ReadonlyMap<string, readonly number[]>): void;
}

const f32 = (name: string, dims: number[], values: number[]): Tensor =>
  ({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(Float32Array.from(values).buffer) });
const i64 = (name: string, values: number[]): Tensor =>
  ({ name, dims: [values.length], dataType: onnx.TensorProto.DataType.INT64, rawData: new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer) });
const ints = (name: string, values: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const str = (name: string, value: string) => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) });

/** The SE channel-scale Muls: Mul(x, s) where s comes from the excitation's gate (a Sigmoid). */
function scaleMuls(nodes: Node[]): Node[] {
  const producer = new Map(nodes.map((n) => [n.output![0]!, n]));
  return nodes.filter((n) => n.opType === 'Mul' && producer.get(n.input![1]!)?.opType === 'Sigmoid' && producer.get(n.input![0]!)?.opType === 'Conv');
}

/** Inserts `node` right before `before` (keeps the node list topologically sorted). */
function insertBefore(nodes: Node[], before: Node, ...added: Node[]): void {
  nodes.splice(nodes.indexOf(before), 0, ...added);
}

/** s [N,C,1,1] made x's full shape by `expand(s, i)` before the Mul. */
function fullSizeGate(model: Model, shapes: ReadonlyMap<string, readonly number[]>, expand: (s: string, i: number, shape: readonly number[]) => { nodes: Node[]; out: string }): void {
  const nodes = model.graph!.node!;
  scaleMuls(nodes).forEach((mul, i) => {
    const shape = shapes.get(mul.input![0]!)!;
    if (shape[1]! * shape[2]! === 1) return;
    const { nodes: added, out } = expand(mul.input![1]!, i, shape);
    insertBefore(nodes, mul, ...added);
    // ONNX shape inference leaves the batch dim of a Resize's output unknown; onnxruntime's NCHWc pass keeps an
    // equal-shape Mul in its layout only when it can prove the shapes equal, so declare it (as the ort-cpu profile does).
    model.graph!.valueInfo!.push({
      name: out,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, ...shape.map((d) => ({ dimValue: d }))] } } },
    });
    mul.input![1] = out;
  });
}

export const FORMULATIONS: Formulation[] = [
  {
    name: 'mul-broadcast',
    idea: 'the standard form: Mul(x [N,C,H,W], s [N,C,1,1]); onnxruntime reorders x out of NCHWc for it and back in after',
    rewrite: () => undefined,
  },
  {
    name: 'resize-nearest',
    idea: 's Resize(nearest, asymmetric, floor)d to [N,C,H,W] first, its shape declared: Resize and an equal-shape Mul stay in NCHWc, and projection shortcuts fuse the sum and ReLU',
    rewrite: (model, shapes) => fullSizeGate(model, shapes, (s, i, [, h, w]) => {
      model.graph!.initializer!.push(f32(`bench/expand_scales_${i}`, [4], [1, 1, h!, w!]));
      return {
        nodes: [{ input: [s, '', `bench/expand_scales_${i}`], output: [`bench/expanded_${i}`], name: `bench/resize_${i}`, opType: 'Resize',
          attribute: [str('coordinate_transformation_mode', 'asymmetric'), str('mode', 'nearest'), str('nearest_mode', 'floor')] }],
        out: `bench/expanded_${i}`,
      };
    }),
  },
  {
    name: 'expand',
    idea: 's Expand()ed to [N,C,H,W] before an equal-shape Mul (Expand has no NCHWc form)',
    rewrite: (model, shapes) => fullSizeGate(model, shapes, (s, i, [c, h, w]) => {
      model.graph!.initializer!.push(i64(`bench/expand_shape_${i}`, [1, c!, h!, w!]));
      return { nodes: [{ input: [s, `bench/expand_shape_${i}`], output: [`bench/expanded_${i}`], name: `bench/expand_${i}`, opType: 'Expand' }], out: `bench/expanded_${i}` };
    }),
  },
  {
    name: 'reducemean-gemm',
    idea: 'the PyTorch-export form of the excitation: ReduceMean → Flatten → Gemm → Relu → Gemm → Sigmoid → Reshape [N,C,1,1]',
    rewrite(model) {
      const nodes = model.graph!.node!;
      const inits = new Map(model.graph!.initializer!.map((t) => [t.name!, t]));
      for (const pool of nodes.filter((n) => n.opType === 'GlobalAveragePool' && n.name!.endsWith('/squeeze'))) {
        pool.opType = 'ReduceMean';
        pool.attribute = [ints('axes', [2, 3]), int('keepdims', 1)];
        const consumers = nodes.filter((n) => n.opType === 'Conv' && n.input![0] === pool.output![0]);
        const fc1 = consumers[0]!;
        const flat = { input: [pool.output![0]!], output: [`${pool.name}/flat`], name: `${pool.name}/flatten`, opType: 'Flatten', attribute: [int('axis', 1)] };
        insertBefore(nodes, fc1, flat);
        const fc2 = nodes.find((n) => n.opType === 'Conv' && n.name!.endsWith('/fc2') && n.name!.startsWith(pool.name!.replace(/\/squeeze$/, '')))!;
        for (const fc of [fc1, fc2]) {
          fc.opType = 'Gemm';
          fc.attribute = [int('transB', 1)];
          const w = inits.get(fc.input![1]!)!;
          w.dims = w.dims!.slice(0, 2);
        }
        fc1.input![0] = flat.output[0]!;
        const gate = nodes.find((n) => n.input![0] === fc2.output![0])!;
        const shapeName = `${pool.name}/gate_shape`;
        model.graph!.initializer!.push(i64(shapeName, [0, -1, 1, 1]));
        const gated = gate.output![0]!;
        gate.output![0] = `${gated}/flat`;
        nodes.splice(nodes.indexOf(gate) + 1, 0, { input: [`${gated}/flat`, shapeName], output: [gated], name: `${gate.name}/reshape`, opType: 'Reshape' });
      }
    },
  },
  {
    name: 'resize+dw-shortcut',
    idea: 'the ort-cpu profile: resize-nearest, and identity shortcuts through a 1×1 depthwise Conv of weight 1: the residual Add and its ReLU then fuse into that conv (NCHWc Conv+Sum+ReLU), as they fuse into the last conv in a plain ResNet',
    rewrite(model, shapes) {
      FORMULATIONS[1]!.rewrite(model, shapes);
      dwShortcuts(model, shapes);
    },
  },
  {
    name: 'resize+dw+squeeze-first',
    idea: 'resize+dw-shortcut, and the squeeze taken before the last 1×1 conv of the branch: mean(W·h + b) = W·mean(h) + b pools 4× fewer channels',
    rewrite(model, shapes) {
      FORMULATIONS[4]!.rewrite(model, shapes);
      squeezeFirst(model);
    },
  },
];

/** Add(scaled, y) → Add(scaled, DepthwiseConv1x1(y, ones)) where y is not a conv of its own (an identity shortcut). */
function dwShortcuts(model: Model, shapes: ReadonlyMap<string, readonly number[]>): void {
  const nodes = model.graph!.node!;
  const producer = new Map(nodes.map((n) => [n.output![0]!, n]));
  // The SE scales, full-size gates or not: Muls of a conv's output.
  const scaled = new Set(nodes.filter((n) => n.opType === 'Mul' && producer.get(n.input![0]!)?.opType === 'Conv').map((n) => n.output![0]!));
  nodes.filter((n) => n.opType === 'Add' && scaled.has(n.input![0]!)).forEach((add, i) => {
    const y = add.input![1]!;
    const source = producer.get(y);
    if (source?.opType === 'Conv' && nodes.filter((n) => n.input!.includes(y)).length === 1) return;
    const c = shapes.get(y)![0]!;
    model.graph!.initializer!.push(f32(`bench/identity_${i}`, [c, 1, 1, 1], new Array<number>(c).fill(1)));
    const dw: Node = { input: [y, `bench/identity_${i}`], output: [`bench/shortcut_${i}`], name: `bench/shortcut_${i}`, opType: 'Conv',
      attribute: [int('group', c), ints('kernel_shape', [1, 1])] };
    insertBefore(nodes, add, dw);
    add.input = [add.input![0]!, `bench/shortcut_${i}`];
  });
}

/** GlobalAveragePool(Conv1x1(h)) → Conv1x1(GlobalAveragePool(h)) for the SE squeezes. */
function squeezeFirst(model: Model): void {
  const nodes = model.graph!.node!;
  const producer = new Map(nodes.map((n) => [n.output![0]!, n]));
  const inits = new Map(model.graph!.initializer!.map((t) => [t.name!, t]));
  for (const pool of nodes.filter((n) => n.opType === 'GlobalAveragePool' && n.name!.endsWith('/squeeze'))) {
    const conv = producer.get(pool.input![0]!);
    const w = conv && conv.opType === 'Conv' ? inits.get(conv.input![1]!) : undefined;
    const pointwise = w && Number(w.dims![2]) === 1 && Number(w.dims![3]) === 1 &&
      !(conv!.attribute ?? []).some((a) => (a.name === 'strides' || a.name === 'pads') && (a.ints ?? []).some((v) => Number(v) !== (a.name === 'strides' ? 1 : 0)));
    if (!pointwise) continue;
    const pooled = `${pool.name}/before_conv`;
    insertBefore(nodes, pool, { input: [conv!.input![0]!], output: [pooled], name: `${pool.name}/pool_first`, opType: 'GlobalAveragePool' });
    pool.opType = 'Conv';
    pool.input = [pooled, ...conv!.input!.slice(1)];
    pool.attribute = (conv!.attribute ?? []).filter((a) => a.name !== 'pads' && a.name !== 'strides');
  }
}
