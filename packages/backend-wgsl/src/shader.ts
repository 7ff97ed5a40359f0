import { WgslLoweringError } from './errors.js';
import type { RequiredLimits } from './plan.js';

/** What a kernel binding refers to, before buffers are assigned: a graph tensor, a node's weight, or a node's scratch. */
export type BindingSource =
  | { kind: 'tensor'; tensor: string }
  | { kind: 'weight'; name: string }
  | { kind: 'scratch'; tensor: string };

/** A finished kernel and how one node dispatches it. */
export interface KernelDispatch {
  /** Readable base name (`conv3x3_s1_64x56x56_to_64_relu`); the emitter makes it unique per distinct source. */
  name: string;
  source: string;
  workgroupSize: [number, number, number];
  workgroups: [number, number, number];
  bindings: BindingSource[];
  /** Per binding: what it holds, for the plan's readers. */
  bindingNames: string[];
  /** Per binding: elements it must cover (the runtime binds exactly this range). */
  bindingElements: number[];
  /** Bytes of var<workgroup> memory. */
  workgroupStorage: number;
}

/** A WGSL float literal (abstract float, always with a decimal point or an exponent). */
export function f32(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`internal: non-finite constant ${value} in a kernel`);
  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A WGSL u32 literal. */
export function u32(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new Error(`internal: ${value} is not a u32`);
  return `${value}u`;
}

interface Binding {
  name: string;
  access: 'read' | 'read_write';
  type: 'f32' | 'vec4f';
  source: BindingSource;
  elements: number;
  comment: string;
}

type Grid =
  | { kind: 'elements'; total: number; size: number }
  | { kind: 'groups'; count: number; size: number }
  | { kind: 'tiles'; groups: [number, number, number]; size: [number, number, number] };

/**
 * The one way WGSL is written in this backend. A kernel declares its bindings (read-only inputs and weights, one
 * read-write output), its compile-time constants and helpers, and how it is dispatched; the builder writes the
 * declarations, the index prologue and the bounds guard, computes the workgroup counts, and checks every device limit
 * it touches (bindings per stage, binding sizes, workgroup size and storage, workgroups per dimension), so a lowering
 * never hand-writes `@group`/`@binding` or forgets a guard.
 */
export class Shader {
  private readonly bindings: Binding[] = [];
  private readonly constants: string[] = [];
  private readonly helpers: string[] = [];
  private readonly shared: string[] = [];
  private sharedBytes = 0;
  private grid?: Grid;
  private body = '';

  constructor(
    private readonly node: string,
    private readonly name: string,
    private readonly description: string,
    private readonly limits: RequiredLimits,
  ) {}

  /** A read-only storage array. Returns the WGSL name. */
  input(name: string, operand: { source: BindingSource; elements: number }, comment = ''): string {
    return this.bind(name, 'read', operand.source, operand.elements, comment, 'f32');
  }

  /**
   * A read-only storage array read four floats at a time (`array<vec4f>`): a quarter of the load instructions. The
   * operand's size must be a multiple of 4 (and its binding offset is, as weights are 256-byte aligned).
   */
  inputVec4(name: string, operand: { source: BindingSource; elements: number }, comment = ''): string {
    if (operand.elements % 4 !== 0) throw new Error(`internal: ${name} has ${operand.elements} values, not a multiple of 4`);
    return this.bind(name, 'read', operand.source, operand.elements, comment, 'vec4f');
  }

  /** The read-write storage array the kernel writes. */
  output(name: string, operand: { source: BindingSource; elements: number }, comment = ''): string {
    return this.bind(name, 'read_write', operand.source, operand.elements, comment, 'f32');
  }

  private bind(name: string, access: Binding['access'], source: BindingSource, elements: number, comment: string, type: Binding['type']): string {
    if (this.bindings.length + 1 > this.limits.maxStorageBuffersPerShaderStage) {
      this.fail(`it needs more than ${this.limits.maxStorageBuffersPerShaderStage} storage buffers (maxStorageBuffersPerShaderStage)`);
    }
    const bytes = elements * 4;
    if (bytes > this.limits.maxStorageBufferBindingSize) {
      this.fail(`${name} is ${bytes} bytes, over maxStorageBufferBindingSize = ${this.limits.maxStorageBufferBindingSize}; pass larger limits if the target device has them`);
    }
    this.bindings.push({ name, access, type, source, elements, comment });
    return name;
  }

  /** A `const NAME: u32`; shapes are baked in so the compiler can fold index arithmetic. */
  constant(name: string, value: number): this {
    this.constants.push(`const ${name}: u32 = ${u32(value)};`);
    return this;
  }

  helper(source: string): this {
    this.helpers.push(source.trim());
    return this;
  }

  /** A `var<workgroup>` array of f32, counted against maxComputeWorkgroupStorageSize. */
  workgroupArray(name: string, length: number): string {
    this.sharedBytes += length * 4;
    if (this.sharedBytes > this.limits.maxComputeWorkgroupStorageSize) {
      this.fail(`it needs ${this.sharedBytes} bytes of workgroup memory, over maxComputeWorkgroupStorageSize = ${this.limits.maxComputeWorkgroupStorageSize}`);
    }
    this.shared.push(`var<workgroup> ${name}: array<f32, ${length}>;`);
    return name;
  }

  /**
   * One invocation per element of a flat range: the body sees `index` (< total). Workgroups spill from x into y when
   * there are more than maxComputeWorkgroupsPerDimension of them.
   */
  elements(total: number, size = 64): this {
    this.checkSize([size, 1, 1]);
    this.grid = { kind: 'elements', total, size };
    return this;
  }

  /** One workgroup per item (a channel, an output row): the body sees `group` (< count, uniform) and `lid`. */
  groups(count: number, size: number): this {
    this.checkSize([size, 1, 1]);
    this.grid = { kind: 'groups', count, size };
    return this;
  }

  /** A 3-D grid of tiles: the body sees `wid` (workgroup id) and `lid`; it guards its own edges. */
  tiles(groups: [number, number, number], size: [number, number, number]): this {
    this.checkSize(size);
    for (const count of groups) {
      if (count > this.limits.maxComputeWorkgroupsPerDimension) {
        this.fail(`it needs ${count} workgroups in one dimension, over maxComputeWorkgroupsPerDimension = ${this.limits.maxComputeWorkgroupsPerDimension}`);
      }
    }
    this.grid = { kind: 'tiles', groups, size };
    return this;
  }

  main(body: string): this {
    this.body = body;
    return this;
  }

  build(): KernelDispatch {
    const grid = this.grid;
    if (!grid) throw new Error(`internal: kernel ${this.name} has no dispatch grid`);
    const lines: string[] = [`// ${this.name}: ${this.description}`, '// Generated by @excite/backend-wgsl; shapes are compile-time constants.', ''];
    this.bindings.forEach((b, i) => {
      const note = b.comment ? ` // ${b.comment}` : '';
      lines.push(`@group(0) @binding(${i}) var<storage, ${b.access}> ${b.name}: array<${b.type}>;${note}`);
    });
    lines.push('');
    if (this.constants.length > 0) lines.push(...this.constants, '');
    if (this.shared.length > 0) lines.push(...this.shared, '');
    for (const helper of this.helpers) lines.push(helper, '');
    let workgroups: [number, number, number];
    let size: [number, number, number];
    let prologue: string[];
    if (grid.kind === 'tiles') {
      workgroups = grid.groups;
      size = grid.size;
      prologue = [];
      lines.push(`@compute @workgroup_size(${size.join(', ')})`);
      lines.push('fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u, @builtin(local_invocation_index) tid: u32) {');
    } else {
      const count = grid.kind === 'elements' ? Math.ceil(grid.total / grid.size) : grid.count;
      workgroups = this.spread(count);
      size = [grid.size, 1, 1];
      lines.push(`@compute @workgroup_size(${grid.size})`);
      if (grid.kind === 'elements') {
        lines.push('fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {');
        prologue = [
          `let index = gid.x + gid.y * groups.x * ${u32(grid.size)};`,
          `if (index >= ${u32(grid.total)}) { return; }`,
        ];
      } else {
        lines.push('fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lid: u32) {');
        // The workgroup id is uniform, so this early return keeps later barriers in uniform control flow.
        prologue = [`let group = wid.x + wid.y * groups.x;`, `if (group >= ${u32(grid.count)}) { return; }`];
      }
    }
    for (const line of prologue) lines.push(`  ${line}`);
    for (const line of dedent(this.body)) lines.push(line === '' ? '' : `  ${line}`);
    lines.push('}', '');
    return {
      name: this.name,
      source: lines.join('\n'),
      workgroupSize: size,
      workgroups,
      bindings: this.bindings.map((b) => b.source),
      bindingNames: this.bindings.map((b) => b.name),
      bindingElements: this.bindings.map((b) => b.elements),
      workgroupStorage: this.sharedBytes,
    };
  }

  private spread(count: number): [number, number, number] {
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (count <= max) return [count, 1, 1];
    const y = Math.ceil(count / max);
    if (y > max) this.fail(`it needs ${count} workgroups, more than a 2-D dispatch holds`);
    return [Math.ceil(count / y), y, 1];
  }

  private checkSize(size: [number, number, number]): void {
    const invocations = size[0] * size[1] * size[2];
    if (invocations > this.limits.maxComputeInvocationsPerWorkgroup || size[0] > this.limits.maxComputeWorkgroupSizeX) {
      this.fail(`its workgroup of ${size.join('×')} exceeds maxComputeInvocationsPerWorkgroup = ${this.limits.maxComputeInvocationsPerWorkgroup}`);
    }
  }

  private fail(reason: string): never {
    throw new WgslLoweringError(this.node, `kernel ${this.name}: ${reason}`);
  }
}

/** The lines of a template-literal body without its common indentation (and without blank edges). */
function dedent(text: string): string[] {
  const lines = text.replace(/^\s*\n/, '').trimEnd().split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(indent)));
}
