import { initialValues, type Graph, type IrNode, type OpKind } from '@excite/ir';
import { allocateBuffers, type Lifetime } from './allocate.js';
import { WgslLoweringError } from './errors.js';
import { BINDING_ALIGNMENT, DEFAULT_LIMITS } from './limits.js';
import type { LowerContext, Lowering, Operand } from './lowering.js';
import { LOWERINGS } from './lowerings.js';
import { PLAN_FORMAT, type Plan, type PlanBinding, type PlanDispatch, type PlanKernel, type PlanWeight, type RequiredLimits } from './plan.js';
import { Shader, type BindingSource, type KernelDispatch } from './shader.js';

/** A compiled model: the plan, one WGSL source per distinct kernel (file name → source), and the packed weights. */
export interface WgslBundle {
  plan: Plan;
  /** `<kernel>.wgsl` → source, in kernel-name order. */
  kernels: Map<string, string>;
  /** weights.bin: every weight tensor as little-endian float32, each at a 256-byte-aligned offset. */
  weights: Uint8Array;
}

export interface EmitWgslOptions {
  /** The model name recorded in the plan (default: the graph's). */
  model?: string;
  /** Device limits to compile against (default: WebGPU's guaranteed minimums, DEFAULT_LIMITS). */
  limits?: Partial<RequiredLimits>;
  /** Seed for weights that have no values yet (default 0, as everywhere in excite). */
  seed?: number;
}

interface Emitted {
  node: string;
  kernel: KernelDispatch;
}

/**
 * IR (after the inference pipeline) → WGSL bundle. Each node is lowered through its op's lowering into kernels
 * specialised to its shapes; identical kernels (same source) are emitted once; activation buffers are assigned by
 * liveness; weights are packed once each.
 */
export function emitWgsl(graph: Graph, options: EmitWgslOptions = {}): WgslBundle {
  const limits: RequiredLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const seed = options.seed ?? 0;
  const emitted: Emitted[] = [];
  const aliases = new Map<string, string>();
  const elements = new Map<string, number>();
  const weightIndex = new Map<string, number>();
  const weightData: Float32Array[] = [];
  const weightNames: string[] = [];
  const count = (shape: readonly number[]) => shape.reduce((x, y) => x * y, 1);
  for (const [name, info] of graph.tensors) elements.set(name, count(info.shape));

  const addWeight = (name: string, values: () => Float32Array): Operand => {
    let index = weightIndex.get(name);
    if (index === undefined) {
      index = weightData.length;
      weightIndex.set(name, index);
      weightData.push(values());
      weightNames.push(name);
    }
    return { source: { kind: 'weight', name }, elements: weightData[index]!.length };
  };

  for (const node of graph.nodes) {
    const lowering = (LOWERINGS as Record<OpKind, Lowering<OpKind> | undefined>)[node.op];
    if (!lowering) throw new WgslLoweringError(node.name, `op ${node.op} has no WGSL lowering`);
    const tensorOperand = (tensor: string): Operand => ({ source: { kind: 'tensor', tensor }, elements: elements.get(tensor)! });
    const initializer = (role: string) => {
      const name = node.weights[role];
      if (name === undefined) return undefined;
      const init = graph.initializers.get(name);
      if (!init) throw new WgslLoweringError(node.name, `weight ${role} (${name}) is missing from the graph`);
      return init;
    };
    const ctx: LowerContext = {
      graph,
      limits,
      shape: (tensor) => graph.tensors.get(tensor)!.shape,
      size: (tensor) => elements.get(tensor)!,
      input: (i) => tensorOperand(node.inputs[i]!),
      output: () => tensorOperand(node.output),
      weight(role) {
        const init = initializer(role);
        return init && addWeight(init.name, () => init.data ?? initialValues(init, seed));
      },
      weightValues(role) {
        const init = initializer(role);
        if (!init) throw new WgslLoweringError(node.name, `it has no ${role} weight`);
        return init.data ?? initialValues(init, seed);
      },
      constant: (suffix, values) => addWeight(`${node.name}/${suffix}`, () => values),
      scratch(suffix, size) {
        const tensor = `${node.name}/${suffix}`;
        elements.set(tensor, size);
        return { source: { kind: 'scratch', tensor }, elements: size };
      },
      shader: (name, description) => new Shader(node.name, name, description, limits),
      dispatch: (kernel) => void emitted.push({ node: node.name, kernel }),
      alias: () => void aliases.set(node.output, node.inputs[0]!),
    };
    lowering.lower(node as IrNode<never>, ctx);
  }

  const root = (tensor: string): string => {
    let t = tensor;
    while (aliases.has(t)) t = aliases.get(t)!;
    return t;
  };
  const tensorOf = (source: BindingSource): string | undefined => (source.kind === 'weight' ? undefined : root(source.tensor));

  // Lifetimes over the dispatch list; the input is written before the first dispatch, the output read after the last.
  const lives = new Map<string, Lifetime>();
  const touch = (tensor: string, at: number) => {
    const life = lives.get(tensor);
    if (life) {
      life.first = Math.min(life.first, at);
      life.last = Math.max(life.last, at);
    } else lives.set(tensor, { tensor, bytes: elements.get(tensor)! * 4, first: at, last: at });
  };
  touch(graph.input.name, -1);
  emitted.forEach(({ kernel }, i) => kernel.bindings.forEach((b) => {
    const t = tensorOf(b);
    if (t !== undefined) touch(t, i);
  }));
  touch(root(graph.output), emitted.length);
  const allocation = allocateBuffers([...lives.values()]);

  // Kernels: one file per distinct source, named by what it computes (suffixed when two sources share a name).
  const kernelNameOf = new Map<string, string>();
  const kernelSources = new Map<string, string>();
  const kernels: PlanKernel[] = [];
  for (const { kernel } of emitted) {
    if (kernelNameOf.has(kernel.source)) continue;
    let name = kernel.name;
    for (let n = 2; kernelSources.has(name); n++) name = `${kernel.name}_v${n}`;
    kernelNameOf.set(kernel.source, name);
    kernelSources.set(name, kernel.source.replace(`// ${kernel.name}:`, `// ${name}:`));
    kernels.push({ name, file: `kernels/${name}.wgsl`, entryPoint: 'main', workgroupSize: kernel.workgroupSize, bindings: kernel.bindingNames });
  }

  const dispatches: PlanDispatch[] = emitted.map(({ node, kernel }) => ({
    node,
    kernel: kernelNameOf.get(kernel.source)!,
    workgroups: kernel.workgroups,
    bindings: kernel.bindings.map((b, i): PlanBinding => {
      if (b.kind === 'weight') return { kind: 'weight', weight: weightIndex.get(b.name)!, name: b.name };
      const tensor = root(b.tensor);
      return { kind: 'activation', buffer: allocation.bufferOf.get(tensor)!, tensor, size: kernel.bindingElements[i]! * 4 };
    }),
  }));

  // Weights packed in first-use order, each at an offset every device accepts for a binding.
  const weights: PlanWeight[] = [];
  let offset = 0;
  weightData.forEach((data, i) => {
    weights.push({ name: weightNames[i]!, offset, size: data.byteLength });
    offset = align(offset + data.byteLength, BINDING_ALIGNMENT);
  });
  const weightBytes = new Uint8Array(offset);
  weightData.forEach((data, i) => weightBytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), weights[i]!.offset));

  const buffers = allocation.sizes.map((size, id) => ({ id, size: align(size, 4), tensors: allocation.tensorsOf[id]! }));
  const used = {
    bindings: Math.max(1, ...emitted.map(({ kernel }) => kernel.bindings.length)),
    binding: Math.max(4, ...emitted.flatMap(({ kernel }) => kernel.bindingElements.map((e) => e * 4))),
    storage: Math.max(0, ...emitted.map(({ kernel }) => kernel.workgroupStorage)),
    invocations: Math.max(1, ...emitted.map(({ kernel }) => kernel.workgroupSize.reduce((x, y) => x * y, 1))),
    sizeX: Math.max(1, ...emitted.map(({ kernel }) => kernel.workgroupSize[0])),
    groups: Math.max(1, ...emitted.flatMap(({ kernel }) => kernel.workgroups)),
  };
  const plan: Plan = {
    format: PLAN_FORMAT,
    model: options.model ?? graph.source?.model ?? graph.name,
    input: { name: graph.input.name, shape: [...graph.input.shape], buffer: allocation.bufferOf.get(graph.input.name)! },
    output: {
      name: graph.output,
      shape: [...graph.tensors.get(graph.output)!.shape],
      buffer: allocation.bufferOf.get(root(graph.output))!,
    },
    batch: 'per-sample-loop',
    limits: {
      maxStorageBuffersPerShaderStage: used.bindings,
      maxStorageBufferBindingSize: used.binding,
      maxBufferSize: Math.max(used.binding, ...buffers.map((b) => b.size)),
      maxComputeWorkgroupStorageSize: used.storage,
      maxComputeInvocationsPerWorkgroup: used.invocations,
      maxComputeWorkgroupSizeX: used.sizeX,
      maxComputeWorkgroupsPerDimension: used.groups,
    },
    buffers,
    weights,
    weightBytes: offset,
    kernels,
    dispatches,
  };
  const sortedKernels = new Map([...kernelSources].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([name, source]) => [`${name}.wgsl`, source]));
  return { plan, kernels: sortedKernels, weights: weightBytes };
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/** The bundle as files: `plan.json`, `weights.bin`, `kernels/<name>.wgsl` (same graph, same bytes). */
export function bundleFiles(bundle: WgslBundle): Array<{ path: string; contents: Uint8Array | string }> {
  return [
    { path: 'plan.json', contents: `${JSON.stringify(bundle.plan, null, 2)}\n` },
    { path: 'weights.bin', contents: bundle.weights },
    ...[...bundle.kernels].map(([file, source]) => ({ path: `kernels/${file}`, contents: source })),
  ];
}
