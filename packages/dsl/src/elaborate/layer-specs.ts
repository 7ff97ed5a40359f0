import { createDiagnostic, DiagnosticError, nearestName, type Span } from '@excite/diagnostics';
import type { Argument } from '../ast.js';
import { describeValue, evaluate, typeName, type Scope, type Value } from './values.js';

/**
 * The kinds of argument built-in layers take. Each converts a `.se` value into what lowering needs and
 * rejects what no network could mean (a zero stride, a negative width).
 */
export type ArgKind =
  | { kind: 'positive' }
  | { kind: 'float'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'pair' }
  | { kind: 'padding' }
  | { kind: 'enum'; members: readonly string[] }
  | { kind: 'site' };

export type ArgValue = number | boolean | string | [number, number] | PaddingValue;

/** `pad: 1`, `pad: 1x2` (top/bottom x left/right), `pad: 0x1x1x0` (top x left x bottom x right), `same`, `valid`. */
export type PaddingValue = { mode: 'explicit'; pads: [number, number, number, number] } | { mode: 'same' };

export interface ArgSpec {
  name: string;
  kind: ArgKind;
  /** Absent: the argument is required. A function: derived from the others (pool stride defaults to its kernel). */
  default?: ArgValue | ((args: Record<string, ArgValue>) => ArgValue);
}

export interface LayerSpec {
  doc: string;
  args: ArgSpec[];
}

const positive = { kind: 'positive' } as const;
const bool = { kind: 'bool' } as const;
const pair = { kind: 'pair' } as const;
const padding = { kind: 'padding' } as const;

export const ACTIVATIONS = ['relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'swish', 'identity'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/** The SE settings: `config se { … }`, `config se in STAGE { … }` and `se(…)` all take these. */
export const SE_SETTINGS: ArgSpec[] = [
  { name: 'enabled', kind: bool, default: true },
  { name: 'r', kind: positive, default: 16 },
  { name: 'round', kind: { kind: 'enum', members: ['exact', 'floor', 'ceil', 'nearest'] }, default: 'exact' },
  { name: 'min_width', kind: positive, default: 1 },
  { name: 'squeeze', kind: { kind: 'enum', members: ['avg', 'max', 'none'] }, default: 'avg' },
  { name: 'gate', kind: { kind: 'enum', members: ['sigmoid', 'hard_sigmoid', 'tanh', 'relu'] }, default: 'sigmoid' },
  { name: 'act', kind: { kind: 'enum', members: ACTIVATIONS }, default: 'relu' },
  { name: 'bias', kind: bool, default: true },
  { name: 'integration', kind: { kind: 'enum', members: ['standard', 'pre', 'post', 'identity'] }, default: 'standard' },
  { name: 'attach', kind: { kind: 'site' }, default: 'last' },
];

export interface SeSettings {
  enabled: boolean;
  r: number;
  round: 'exact' | 'floor' | 'ceil' | 'nearest';
  min_width: number;
  squeeze: 'avg' | 'max' | 'none';
  gate: 'sigmoid' | 'hard_sigmoid' | 'tanh' | 'relu';
  act: ActivationName;
  bias: boolean;
  integration: 'standard' | 'pre' | 'post' | 'identity';
  attach: string;
}

export const DEFAULT_SE_SETTINGS = Object.fromEntries(
  SE_SETTINGS.map((s) => [s.name, s.default]),
) as unknown as SeSettings;

const activation = (doc: string): LayerSpec => ({ doc, args: [] });
const windowPool = (doc: string, extra: ArgSpec[] = []): LayerSpec => ({
  doc,
  args: [
    { name: 'kernel', kind: pair },
    { name: 'stride', kind: pair, default: (a) => a.kernel! },
    { name: 'pad', kind: padding, default: { mode: 'explicit', pads: [0, 0, 0, 0] } },
    { name: 'ceil', kind: bool, default: false },
    ...extra,
  ],
});

/** Every built-in layer with its arguments in positional order. */
export const LAYERS = {
  conv: {
    doc: 'convolution',
    args: [
      { name: 'kernel', kind: pair },
      { name: 'out', kind: positive },
      { name: 'stride', kind: pair, default: [1, 1] },
      { name: 'pad', kind: padding, default: { mode: 'explicit', pads: [0, 0, 0, 0] } },
      { name: 'groups', kind: positive, default: 1 },
      { name: 'dilation', kind: pair, default: [1, 1] },
      { name: 'bias', kind: bool, default: false },
    ],
  },
  bn: { doc: 'batch normalisation', args: [{ name: 'eps', kind: { kind: 'float', min: 1e-12, max: 1 }, default: 1e-5 }] },
  relu: activation('ReLU'),
  relu6: activation('ReLU6'),
  sigmoid: activation('sigmoid'),
  hard_sigmoid: activation('hard sigmoid'),
  tanh: activation('tanh'),
  swish: activation('swish'),
  identity: activation('identity'),
  maxpool: windowPool('max pooling'),
  avgpool: windowPool('average pooling', [{ name: 'count_pad', kind: bool, default: false }]),
  global_pool: { doc: 'global pooling', args: [{ name: 'mode', kind: { kind: 'enum', members: ['avg', 'max'] }, default: 'avg' }] },
  dense: { doc: 'fully connected', args: [{ name: 'out', kind: positive }, { name: 'bias', kind: bool, default: true }] },
  dropout: { doc: 'dropout', args: [{ name: 'rate', kind: { kind: 'float', min: 0, max: 0.999 } }] },
  flatten: activation('flatten'),
  softmax: activation('softmax'),
  channel_shuffle: { doc: 'channel shuffle', args: [{ name: 'groups', kind: positive }] },
  se: { doc: 'Squeeze-and-Excitation', args: [{ name: 'site', kind: { kind: 'site' }, default: 'last' }, ...SE_SETTINGS.map((s) => ({ ...s, default: undefined }))] },
} satisfies Record<string, LayerSpec>;

export type LayerName = keyof typeof LAYERS;

export function isLayerName(name: string): name is LayerName {
  return Object.hasOwn(LAYERS, name);
}

function fail(code: 'E0301' | 'E0302' | 'E0304', message: string, span: Span, hint?: string): never {
  throw new DiagnosticError(createDiagnostic(code, message, span, hint));
}

const MAX_SIZE = 1 << 20;

function intOf(v: Value, span: Span, what: string, min: number): number {
  if (v.type !== 'int') fail('E0301', `${what} must be an integer, found ${typeName(v)} ${describeValue(v)}`, span);
  if (v.value < min || v.value > MAX_SIZE) {
    fail('E0302', `${what} must be ${min === 1 ? 'positive' : 'at least ' + min}${v.value > MAX_SIZE ? ` and at most ${MAX_SIZE}` : ''}, found ${v.value}`, span);
  }
  return v.value;
}

/** Converts one argument's value to what its spec says, or reports why it cannot be. */
export function convertArg(spec: ArgSpec, v: Value, span: Span, layer: string): ArgValue {
  const what = `${layer} ${spec.name}`;
  const k = spec.kind;
  switch (k.kind) {
    case 'positive':
      return intOf(v, span, what, 1);
    case 'float': {
      if (v.type !== 'float' && v.type !== 'int') fail('E0301', `${what} must be a number, found ${typeName(v)}`, span);
      if (!(v.value >= k.min && v.value <= k.max)) fail('E0302', `${what} must lie in [${k.min}, ${k.max}], found ${v.value}`, span);
      return v.value;
    }
    case 'bool':
      if (v.type !== 'bool') fail('E0301', `${what} must be true or false, found ${typeName(v)} ${describeValue(v)}`, span);
      return v.value;
    case 'pair': {
      if (v.type === 'int') {
        const n = intOf(v, span, what, 1);
        return [n, n];
      }
      if (v.type === 'dims' && v.value.length === 2) {
        return [intOf({ type: 'int', value: v.value[0]! }, span, what, 1), intOf({ type: 'int', value: v.value[1]! }, span, what, 1)];
      }
      return fail('E0301', `${what} must be an integer or HxW like 3x3, found ${typeName(v)} ${describeValue(v)}`, span);
    }
    case 'padding': {
      if (v.type === 'symbol' && v.value === 'same') return { mode: 'same' };
      if (v.type === 'symbol' && v.value === 'valid') return { mode: 'explicit', pads: [0, 0, 0, 0] };
      const nums = v.type === 'int' ? [v.value] : v.type === 'dims' ? v.value : undefined;
      if (!nums || ![1, 2, 4].includes(nums.length)) {
        return fail('E0301', `${what} must be an integer, TxL, TxLxBxR, same or valid, found ${typeName(v)} ${describeValue(v)}`, span);
      }
      for (const n of nums) intOf({ type: 'int', value: n }, span, what, 0);
      const [a, b = a, c = a, d = b] = nums.length === 2 ? [nums[0]!, nums[1]!, nums[0]!, nums[1]!] : nums;
      return { mode: 'explicit', pads: [a!, b!, c!, d!] };
    }
    case 'enum':
      if (v.type === 'symbol' && k.members.includes(v.value)) return v.value;
      {
        const near = v.type === 'symbol' ? nearestName(v.value, k.members) : undefined;
        return fail('E0304', `${what} must be one of ${k.members.join(', ')}, found ${describeValue(v)}`, span, near ? `did you mean \`${near}\`?` : undefined);
      }
    case 'site':
      if (v.type === 'symbol') return v.value;
      return fail('E0301', `${what} must be a site name such as last or after_3x3, found ${typeName(v)}`, span);
  }
}

/**
 * Binds call arguments to a signature: positional first, then named; reports unknown, duplicated, missing and
 * surplus arguments. Returns the converted values and where each came from.
 */
export function bindArgs(
  specs: readonly ArgSpec[],
  args: readonly Argument[],
  scope: Scope,
  layer: string,
  callSpan: Span,
  applyDefaults = true,
): { values: Record<string, ArgValue>; spans: Record<string, Span> } {
  const values: Record<string, ArgValue> = {};
  const spans: Record<string, Span> = {};
  let position = 0;
  for (const arg of args) {
    let spec: ArgSpec | undefined;
    if (arg.name) {
      spec = specs.find((s) => s.name === arg.name!.name);
      if (!spec) {
        const near = nearestName(arg.name.name, specs.map((s) => s.name));
        throw new DiagnosticError(
          createDiagnostic('E0202', `${layer} has no argument \`${arg.name.name}\``, arg.name.span,
            near ? `did you mean \`${near}\`?` : `its arguments are: ${specs.map((s) => s.name).join(', ') || 'none'}`),
        );
      }
    } else {
      spec = specs[position++];
      if (!spec) {
        throw new DiagnosticError(
          createDiagnostic('E0211', `${layer} takes at most ${specs.length} argument${specs.length === 1 ? '' : 's'} (${specs.map((s) => s.name).join(', ') || 'none'})`, arg.span,
            'remove the extra arguments, or name each one (name: value)'),
        );
      }
    }
    if (Object.hasOwn(values, spec.name)) {
      throw new DiagnosticError(createDiagnostic('E0209', `argument \`${spec.name}\` of ${layer} is given twice`, arg.span));
    }
    // For enum and site arguments a bare name that is not a variable is a symbol; convertArg says if it is allowed.
    const symbolic = (spec.kind.kind === 'site' || spec.kind.kind === 'enum') && arg.value.kind === 'name' && !scope.has(arg.value.name);
    const value: Value = symbolic ? { type: 'symbol', value: (arg.value as { name: string }).name } : evaluate(arg.value, scope);
    values[spec.name] = convertArg(spec, value, arg.value.span, layer);
    spans[spec.name] = arg.span;
  }
  if (applyDefaults) {
    for (const spec of specs) {
      if (Object.hasOwn(values, spec.name)) continue;
      if (spec.default === undefined) {
        throw new DiagnosticError(
          createDiagnostic('E0210', `${layer} needs \`${spec.name}\``, callSpan, `write it as ${layer}(…, ${spec.name}: …) or positionally`),
        );
      }
      values[spec.name] = typeof spec.default === 'function' ? spec.default(values) : spec.default;
    }
  }
  return { values, spans };
}
