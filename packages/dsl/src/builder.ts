import type { Span } from '@excite/diagnostics';
import type {
  Argument,
  BinaryOp,
  BlockDecl,
  Branch,
  CallStatement,
  ClassesDecl,
  ConcatStatement,
  Expr,
  Identifier,
  IfStatement,
  ImportDecl,
  InputDecl,
  LetStatement,
  ModelDecl,
  ModelItem,
  ModelName,
  Parameter,
  ParamDecl,
  RepeatStatement,
  ResidualStatement,
  SeConfig,
  SourceFileNode,
  StageStatement,
  Statement,
  StringLiteral,
  TopLevel,
  TypeExpr,
} from './ast.js';
import { floatText } from './format.js';

/**
 * Building `.se` syntax trees in TypeScript, for models defined in code. The trees are the ones `parse` makes
 * from the equivalent text (compare them with {@link stripSpans}), so everything downstream — the checker,
 * elaboration, `format` — works on them unchanged.
 *
 * ```ts
 * import { se, format } from '@excite/dsl';
 * const { sourceFile, block, param, call, dims, ref, sym, residual, model, stage, repeat, config } = se;
 *
 * const file = sourceFile('my.se', [
 *   block('basic', [param('width', 'int'), param('stride', 'int', 1)], [
 *     residual({ act: sym('relu') }, [
 *       call('conv', [dims(3, 3), ref('width')], { stride: ref('stride'), pad: 1 }),
 *       call('bn'),
 *       call('se'),
 *     ]),
 *   ]),
 *   model('tiny', {
 *     input: dims(3, 32, 32),
 *     classes: 10,
 *     items: [config({ r: 8 }), stage('s1', [repeat(2, call('basic', [16]))]), call('global_pool'), call('dense', ['classes'])],
 *   }),
 * ]);
 * console.log(format(file));
 * ```
 *
 * Where an expression is expected, plain values are accepted ({@link ExprLike}):
 * - a number becomes an int literal when it is an integer, else a float literal (its text is `String(n)`, so
 *   `1e-5` prints as `0.00001`; use `se.float(1e-5, '1e-5')` to choose the text). A negative number becomes
 *   unary minus applied to its absolute value, as the parser reads `-1`.
 * - a boolean becomes a bool literal;
 * - a string becomes a name: a parameter, a `let`, or a symbol such as `avg` or `same` (`se.str` makes a string
 *   literal).
 *
 * Nodes get synthetic spans (offsets 0) in the file named by `sourceFile` (`<builder>` until then). Names are
 * checked to be identifiers; builders throw a TypeError on values no source text could produce.
 */

/** Anything accepted where an expression is expected; see the module documentation. */
export type ExprLike = Expr | number | boolean | string;
/** Arguments: positional values (or `se.arg(...)` nodes) in an array, named ones in an object, or both. */
export type ArgsLike = readonly (ExprLike | Argument)[] | Readonly<Record<string, ExprLike>>;
/** A parameter type: `'int'`, `'float'`, `'bool'`, the members of an enum, or a type node. */
export type TypeLike = 'int' | 'float' | 'bool' | readonly string[] | TypeExpr;

export interface ModelSpec {
  extends?: string;
  input?: ExprLike;
  classes?: ExprLike;
  /** `param name = value` items, in key order. */
  params?: Readonly<Record<string, ExprLike>>;
  /** A model-wide `config se { … }`. */
  config?: Readonly<Record<string, ExprLike>>;
  /** Further items (statements, `se.config(...)`, ...) after the ones above. */
  items?: readonly ModelItem[];
}

const BUILDER_FILE = '<builder>';
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MODEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*(-([A-Za-z_][A-Za-z0-9_]*|[0-9]+))*$/;

function span(): Span {
  return { file: BUILDER_FILE, start: 0, end: 0 };
}

function identifier(name: string, what = 'name'): Identifier {
  if (typeof name !== 'string' || !IDENT.test(name)) throw new TypeError(`invalid ${what} ${JSON.stringify(name)}`);
  return { name, span: span() };
}

function isExprNode(value: unknown): value is Expr {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

function isArgument(value: unknown): value is Argument {
  return typeof value === 'object' && value !== null && !('kind' in value) && 'value' in value;
}

// ---- expressions ---------------------------------------------------------------------------------------------

function expr(value: ExprLike): Expr {
  if (isExprNode(value)) return value;
  if (typeof value === 'number') return Number.isInteger(value) ? int(value) : float(value);
  if (typeof value === 'boolean') return bool(value);
  if (typeof value === 'string') return ref(value);
  throw new TypeError(`not an expression: ${String(value)}`);
}

function negate(value: number, make: (magnitude: number) => Expr): Expr {
  return value < 0 || Object.is(value, -0) ? neg(make(-value)) : make(value);
}

function int(value: number): Expr {
  if (!Number.isSafeInteger(value)) throw new TypeError(`not an integer: ${value}`);
  return negate(value, (v) => ({ kind: 'int', value: v, span: span() }));
}

function float(value: number, text?: string): Expr {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  if (text !== undefined) {
    const negative = text.startsWith('-');
    const digits = negative ? text.slice(1) : text;
    if (!/^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(digits) || !/[.eE]/.test(digits)) {
      throw new TypeError(`not the text of a float: ${JSON.stringify(text)}`);
    }
    const literal: Expr = { kind: 'float', value: Math.abs(value), text: digits, span: span() };
    return negative ? neg(literal) : literal;
  }
  return negate(value, (v) => ({ kind: 'float', value: v, text: floatText(v), span: span() }));
}

function bool(value: boolean): Expr {
  return { kind: 'bool', value, span: span() };
}

function dims(...values: number[]): Expr {
  if (values.length < 2 || values.some((v) => !Number.isSafeInteger(v) || v < 0)) {
    throw new TypeError(`dims need two or more non-negative integers: ${values.join('x')}`);
  }
  return { kind: 'dims', values, span: span() };
}

function str(value: string): StringLiteral {
  if (/[\r\n]/.test(value)) throw new TypeError('strings cannot contain line breaks');
  return { kind: 'string', value, span: span() };
}

/** A name: a parameter, `let`, or symbol (`avg`, `same`, `relu`). */
function ref(name: string): Expr {
  return { kind: 'name', name: identifier(name).name, span: span() };
}

function neg(operand: ExprLike): Expr {
  return { kind: 'unary', op: '-', operand: expr(operand), span: span() };
}

function not(operand: ExprLike): Expr {
  return { kind: 'unary', op: 'not', operand: expr(operand), span: span() };
}

function binary(op: BinaryOp, left: ExprLike, right: ExprLike): Expr {
  return { kind: 'binary', op, left: expr(left), right: expr(right), span: span() };
}

const op = (o: BinaryOp) => (left: ExprLike, right: ExprLike): Expr => binary(o, left, right);

function cond(test: ExprLike, then: ExprLike, otherwise: ExprLike): Expr {
  return { kind: 'conditional', test: expr(test), then: expr(then), else: expr(otherwise), span: span() };
}

// ---- arguments and statements --------------------------------------------------------------------------------

function arg(nameOrValue: string | ExprLike, value?: ExprLike): Argument {
  if (value === undefined) return { value: expr(nameOrValue), span: span() };
  return { name: identifier(nameOrValue as string, 'argument name'), value: expr(value), span: span() };
}

function args(list: ArgsLike | undefined, named?: Readonly<Record<string, ExprLike>>): Argument[] {
  const out: Argument[] = [];
  if (Array.isArray(list)) {
    for (const item of list as readonly (ExprLike | Argument)[]) out.push(isArgument(item) ? item : arg(item));
  } else if (list) {
    named = { ...(list as Record<string, ExprLike>), ...named };
  }
  for (const [name, value] of Object.entries(named ?? {})) out.push(arg(name, value));
  return out;
}

/**
 * A layer or block call: `call('bn')`, `call('conv', [dims(3, 3), 64], { stride: 2 })`,
 * `call('se', { site: 'after_3x3' })`, `call('relu', [], {}, { as: 'act1' })`.
 */
function call(
  callee: string,
  positional?: ArgsLike,
  named?: Readonly<Record<string, ExprLike>>,
  options: { as?: string } = {},
): CallStatement {
  const node: CallStatement = { kind: 'call', callee: identifier(callee, 'layer or block name'), args: args(positional, named), span: span() };
  if (options.as !== undefined) node.alias = identifier(options.as);
  return node;
}

function letStatement(name: string, value: ExprLike): LetStatement {
  return { kind: 'let', name: identifier(name), value: expr(value), span: span() };
}

function stage(name: string, body: readonly Statement[]): StageStatement {
  return { kind: 'stage', name: identifier(name, 'stage name'), body: [...body], span: span() };
}

/** `repeat count call first(...)`: `repeat(4, call('bottleneck', [128]), { stride: 2, project: true })`. */
function repeat(count: ExprLike, repeated: CallStatement, first?: ArgsLike): RepeatStatement {
  return { kind: 'repeat', count: expr(count), call: repeated, first: args(first), span: span() };
}

/** `if test { then } else { otherwise }`; pass an `se.if(...)` as `otherwise` for `else if`. */
function ifStatement(test: ExprLike, then: readonly Statement[], otherwise?: readonly Statement[] | IfStatement): IfStatement {
  const node: IfStatement = { kind: 'if', test: expr(test), then: [...then], span: span() };
  if (otherwise !== undefined) node.else = Array.isArray(otherwise) ? [...(otherwise as readonly Statement[])] : [otherwise as IfStatement];
  return node;
}

/** `residual(args) { main } shortcut { shortcut }`; pass `{}` or `[]` for no arguments. */
function residual(residualArgs: ArgsLike, main: readonly Statement[], shortcut?: readonly Statement[]): ResidualStatement {
  const node: ResidualStatement = { kind: 'residual', args: args(residualArgs), main: [...main], span: span() };
  if (shortcut !== undefined) node.shortcut = [...shortcut];
  return node;
}

function branch(body: readonly Statement[]): Branch {
  return { body: [...body], span: span() };
}

/** `concat { branch { … } branch { … } }`: `concat([conv…], [conv…])` (or `se.branch(...)` nodes). */
function concat(...branches: (readonly Statement[] | Branch)[]): ConcatStatement {
  if (branches.length === 0) throw new TypeError('a concat needs at least one branch');
  return {
    kind: 'concat',
    branches: branches.map((b) => (Array.isArray(b) ? branch(b as readonly Statement[]) : (b as Branch))),
    span: span(),
  };
}

// ---- declarations ---------------------------------------------------------------------------------------------

function typeExpr(type: TypeLike): TypeExpr {
  if (type === 'int' || type === 'float' || type === 'bool') return { kind: type, span: span() };
  if (Array.isArray(type)) return enumType(...(type as readonly string[]));
  return type as TypeExpr;
}

function enumType(...members: string[]): TypeExpr {
  if (members.length === 0) throw new TypeError('an enum needs at least one member');
  return { kind: 'enum', members: members.map((m) => identifier(m, 'enum member')), span: span() };
}

/** A block parameter: `param('width', 'int')`, `param('stride', 'int', 1)`, `param('mode', ['avg', 'max'], 'avg')`. */
function param(name: string, type: TypeLike, defaultValue?: ExprLike): Parameter {
  const node: Parameter = { name: identifier(name, 'parameter name'), type: typeExpr(type), span: span() };
  if (defaultValue !== undefined) node.default = expr(defaultValue);
  return node;
}

function block(name: string, params: readonly Parameter[], body: readonly Statement[]): BlockDecl {
  return { kind: 'block', name: identifier(name, 'block name'), params: [...params], body: [...body], span: span() };
}

/** `config se { … }`, or `config se in stage { … }`: `config({ r: 8 })`, `config('conv3_x', { enabled: true })`. */
function config(
  stageOrEntries: string | Readonly<Record<string, ExprLike>>,
  entries?: Readonly<Record<string, ExprLike>> | string,
): SeConfig {
  let stageName: string | undefined;
  let settings: Readonly<Record<string, ExprLike>>;
  if (typeof stageOrEntries === 'string') {
    stageName = stageOrEntries;
    settings = (entries as Readonly<Record<string, ExprLike>> | undefined) ?? {};
  } else {
    settings = stageOrEntries;
    if (typeof entries === 'string') stageName = entries;
  }
  const node: SeConfig = { kind: 'config', entries: args(settings), span: span() };
  if (stageName !== undefined) node.stage = identifier(stageName, 'stage name');
  return node;
}

function input(value: ExprLike): InputDecl {
  return { kind: 'input', dims: expr(value), span: span() };
}

function classes(value: ExprLike): ClassesDecl {
  return { kind: 'classes', value: expr(value), span: span() };
}

/** A model-level `param name = value`. */
function modelParam(name: string, value: ExprLike): ParamDecl {
  return { kind: 'param', name: identifier(name, 'parameter name'), value: expr(value), span: span() };
}

function modelName(name: string): ModelName {
  if (!MODEL_NAME.test(name)) throw new TypeError(`invalid model name ${JSON.stringify(name)}`);
  return { name, span: span() };
}

/**
 * `model name { … }`: either the items in order, or a spec whose `input`, `classes`, `params` and `config` come
 * first, then `items`.
 */
function model(name: string, spec: readonly ModelItem[] | ModelSpec = {}): ModelDecl {
  const items: ModelItem[] = [];
  let base: string | undefined;
  if (Array.isArray(spec)) {
    items.push(...(spec as readonly ModelItem[]));
  } else {
    const s = spec as ModelSpec;
    base = s.extends;
    if (s.input !== undefined) items.push(input(s.input));
    if (s.classes !== undefined) items.push(classes(s.classes));
    for (const [key, value] of Object.entries(s.params ?? {})) items.push(modelParam(key, value));
    if (s.config) items.push(config(s.config));
    items.push(...(s.items ?? []));
  }
  const node: ModelDecl = { kind: 'model', name: modelName(name), items, span: span() };
  if (base !== undefined) node.extends = modelName(base);
  return node;
}

/** `model name extends base { items }`. */
function variant(name: string, base: string, items: readonly ModelItem[] = []): ModelDecl {
  return model(name, { extends: base, items });
}

function importDecl(path: string): ImportDecl {
  return { kind: 'import', path: str(path), span: span() };
}

/** The file: every span in the tree is re-made to name `file`. */
function sourceFile(file: string, items: readonly TopLevel[]): SourceFileNode {
  return { kind: 'file', file, items: items.map((item) => inFile(item, file)), span: { file, start: 0, end: 0 } };
}

/** A deep copy of `node` whose spans name `file`. */
function inFile<T>(node: T, file: string): T {
  if (Array.isArray(node)) return node.map((item) => inFile(item, file)) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = (key === 'span' || key === 'shortcutSpan') && value ? { ...(value as Span), file } : inFile(value, file);
  }
  return out as T;
}

/**
 * The builder, as one namespace: `se.call(...)`, or destructure what you use:
 * `const { block, call, model } = se;`. (`se.let`, `se.if` and `se.import` are also available as `se.local`,
 * `se.when` and `se.importFile`, which can be destructured.)
 */
export const se = {
  // expressions
  expr,
  int,
  float,
  bool,
  dims,
  str,
  ref,
  sym: ref,
  neg,
  not,
  binary,
  add: op('+'),
  sub: op('-'),
  mul: op('*'),
  div: op('/'),
  mod: op('%'),
  eq: op('=='),
  ne: op('!='),
  lt: op('<'),
  le: op('<='),
  gt: op('>'),
  ge: op('>='),
  and: op('and'),
  or: op('or'),
  cond,
  // statements
  arg,
  call,
  let: letStatement,
  local: letStatement,
  stage,
  repeat,
  if: ifStatement,
  when: ifStatement,
  residual,
  concat,
  branch,
  // declarations
  param,
  enumType,
  block,
  config,
  input,
  classes,
  modelParam,
  model,
  variant,
  import: importDecl,
  importFile: importDecl,
  sourceFile,
  file: sourceFile,
} as const;

// ---- comparing trees -----------------------------------------------------------------------------------------

const TRIVIA_KEYS = new Set([
  'span',
  'shortcutSpan',
  'leadingComments',
  'trailingComment',
  'trailingComments',
  'blankLineBefore',
  'elseTrailingComments',
  'shortcutTrailingComments',
]);

type TriviaKey =
  | 'span'
  | 'shortcutSpan'
  | 'leadingComments'
  | 'trailingComment'
  | 'trailingComments'
  | 'blankLineBefore'
  | 'elseTrailingComments'
  | 'shortcutTrailingComments';

/** A tree without positions and comments. */
export type Stripped<T> = T extends readonly (infer U)[]
  ? Stripped<U>[]
  : T extends object
    ? { [K in keyof T as K extends TriviaKey ? never : K]: Stripped<T[K]> }
    : T;

/**
 * A deep copy of a syntax tree without spans, comments and blank-line marks (and without properties that are
 * `undefined`), so trees from `parse`, `format`ted text and the builder can be compared with deep equality.
 */
export function stripSpans<T>(node: T): Stripped<T> {
  if (Array.isArray(node)) return node.map((item) => stripSpans(item)) as Stripped<T>;
  if (typeof node !== 'object' || node === null) return node as Stripped<T>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (TRIVIA_KEYS.has(key) || value === undefined) continue;
    out[key] = stripSpans(value);
  }
  return out as Stripped<T>;
}
