import { createDiagnostic, DiagnosticError, nearestName, type Span } from '@excite/diagnostics';
import type { Expr, TypeExpr } from '../ast.js';

/** A value computed from a `.se` expression. Symbols are bare names that are not variables: `same`, `avg`, `relu`. */
export type Value =
  | { type: 'int'; value: number }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'dims'; value: number[] }
  | { type: 'symbol'; value: string; /** set when the value came from an enum parameter: its members */ members?: readonly string[] }
  | { type: 'string'; value: string };

/** A value with the place it was written, so a later check can point at the argument that is wrong. */
export interface Located {
  value: Value;
  span: Span;
}

/** Variables in scope: block parameters, `let`s, model `param`s, and `classes`. */
export class Scope {
  private readonly vars = new Map<string, Value>();
  constructor(private readonly parent?: Scope) {}
  get(name: string): Value | undefined {
    return this.vars.get(name) ?? this.parent?.get(name);
  }
  set(name: string, value: Value): void {
    this.vars.set(name, value);
  }
  has(name: string): boolean {
    return this.vars.has(name) || (this.parent?.has(name) ?? false);
  }
  names(): string[] {
    return [...new Set([...this.vars.keys(), ...(this.parent?.names() ?? [])])];
  }
  child(): Scope {
    return new Scope(this);
  }
}

/** Names that are symbols wherever they appear (enum members of built-in settings). Anything else unbound is an error. */
export const KNOWN_SYMBOLS = new Set([
  'same', 'valid', 'avg', 'max', 'none', 'add',
  'relu', 'relu6', 'sigmoid', 'hard_sigmoid', 'tanh', 'swish', 'identity',
  'exact', 'floor', 'ceil', 'nearest', 'standard', 'pre', 'post', 'last', 'concat',
]);

export function describeValue(v: Value): string {
  switch (v.type) {
    case 'dims':
      return v.value.join('x');
    case 'string':
      return JSON.stringify(v.value);
    default:
      return String(v.value);
  }
}

export function typeName(v: Value): string {
  return v.type === 'symbol' ? `name ${v.value}` : v.type;
}

function fail(code: 'E0301' | 'E0302' | 'E0303' | 'E0212', message: string, span: Span, hint?: string): never {
  throw new DiagnosticError(createDiagnostic(code, message, span, hint));
}

/** Largest integer a width, count or size may reach; beyond it arithmetic stops being exact. */
const MAX_INT = 2 ** 31 - 1;

function intResult(value: number, span: Span): Value {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_INT) {
    fail('E0302', `integer ${value} is too large`, span);
  }
  return { type: 'int', value };
}

function numeric(v: Value, span: Span, op: string): number {
  if (v.type === 'int' || v.type === 'float') return v.value;
  return fail('E0301', `\`${op}\` needs numbers, found ${typeName(v)}`, span);
}

function boolean(v: Value, span: Span, what: string): boolean {
  if (v.type === 'bool') return v.value;
  return fail('E0301', `${what} needs true or false, found ${typeName(v)}`, span);
}

/**
 * Evaluates an expression. `symbolsAllowed` names extra symbols acceptable here (enum members of the
 * parameter being bound); a bare name that is neither a variable nor a known symbol is an E0212 with the nearest
 * variable suggested.
 */
export function evaluate(expr: Expr, scope: Scope, symbolsAllowed: ReadonlySet<string> = new Set()): Value {
  switch (expr.kind) {
    case 'int':
      return intResult(expr.value, expr.span);
    case 'float':
      return { type: 'float', value: expr.value };
    case 'bool':
      return { type: 'bool', value: expr.value };
    case 'dims':
      for (const d of expr.values) intResult(d, expr.span);
      return { type: 'dims', value: [...expr.values] };
    case 'string':
      return { type: 'string', value: expr.value };
    case 'name': {
      const bound = scope.get(expr.name);
      if (bound) return bound;
      if (KNOWN_SYMBOLS.has(expr.name) || symbolsAllowed.has(expr.name)) return { type: 'symbol', value: expr.name };
      const suggestion = nearestName(expr.name, [...scope.names(), ...symbolsAllowed]);
      return fail(
        'E0212',
        `unknown name \`${expr.name}\``,
        expr.span,
        suggestion ? `did you mean \`${suggestion}\`?` : 'declare it as a block parameter, a `let` or a model `param`',
      );
    }
    case 'unary': {
      const operand = evaluate(expr.operand, scope, symbolsAllowed);
      if (expr.op === 'not') return { type: 'bool', value: !boolean(operand, expr.operand.span, '`not`') };
      const n = numeric(operand, expr.operand.span, '-');
      return operand.type === 'int' ? intResult(-n, expr.span) : { type: 'float', value: -n };
    }
    case 'conditional': {
      const test = boolean(evaluate(expr.test, scope, symbolsAllowed), expr.test.span, 'the condition of `? :`');
      return evaluate(test ? expr.then : expr.else, scope, symbolsAllowed);
    }
    case 'binary':
      return evaluateBinary(expr, scope, symbolsAllowed);
  }
}

function evaluateBinary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope, symbols: ReadonlySet<string>): Value {
  if (expr.op === 'and' || expr.op === 'or') {
    const left = boolean(evaluate(expr.left, scope, symbols), expr.left.span, `\`${expr.op}\``);
    // Short-circuit, so `project and width / 2 > 0` only divides when it matters.
    if (expr.op === 'and' && !left) return { type: 'bool', value: false };
    if (expr.op === 'or' && left) return { type: 'bool', value: true };
    return { type: 'bool', value: boolean(evaluate(expr.right, scope, symbols), expr.right.span, `\`${expr.op}\``) };
  }
  if (expr.op === '==' || expr.op === '!=') {
    // `kind == pool`: a bare name compared with an enum parameter is read as one of that enum's members.
    const enumMembers = (other: Expr) => {
      if (other.kind !== 'name') return undefined;
      const v = scope.get(other.name);
      return v?.type === 'symbol' ? v.members : undefined;
    };
    const left = evaluate(expr.left, scope, new Set([...symbols, ...(enumMembers(expr.right) ?? [])]));
    const right = evaluate(expr.right, scope, new Set([...symbols, ...(enumMembers(expr.left) ?? [])]));
    const equal = left.type === right.type || (isNumber(left) && isNumber(right))
      ? describeValue(left) === describeValue(right)
      : fail('E0301', `cannot compare ${typeName(left)} with ${typeName(right)}`, expr.span);
    return { type: 'bool', value: expr.op === '==' ? equal : !equal };
  }
  const left = evaluate(expr.left, scope, symbols);
  const right = evaluate(expr.right, scope, symbols);
  const a = numeric(left, expr.left.span, expr.op);
  const b = numeric(right, expr.right.span, expr.op);
  const ints = left.type === 'int' && right.type === 'int';
  switch (expr.op) {
    case '<':
      return { type: 'bool', value: a < b };
    case '<=':
      return { type: 'bool', value: a <= b };
    case '>':
      return { type: 'bool', value: a > b };
    case '>=':
      return { type: 'bool', value: a >= b };
    case '+':
      return ints ? intResult(a + b, expr.span) : { type: 'float', value: a + b };
    case '-':
      return ints ? intResult(a - b, expr.span) : { type: 'float', value: a - b };
    case '*':
      return ints ? intResult(a * b, expr.span) : { type: 'float', value: a * b };
    case '/':
    case '%': {
      if (b === 0) fail('E0303', `division by zero in \`${expr.op}\``, expr.right.span);
      if (expr.op === '%') return ints ? intResult(a % b, expr.span) : { type: 'float', value: a % b };
      if (!ints) return { type: 'float', value: a / b };
      // Widths never round silently: integer division must be exact.
      if (a % b !== 0) {
        fail('E0302', `${a} / ${b} is not a whole number`, expr.span, 'use exact divisors, or round explicitly with a float setting');
      }
      return intResult(a / b, expr.span);
    }
  }
}

function isNumber(v: Value): boolean {
  return v.type === 'int' || v.type === 'float';
}

/** Checks a value against a declared parameter type (an int is accepted where a float is expected). */
export function coerceToType(v: Value, type: TypeExpr, span: Span, what: string): Value {
  switch (type.kind) {
    case 'int':
      if (v.type === 'int') return v;
      break;
    case 'float':
      if (v.type === 'float') return v;
      if (v.type === 'int') return { type: 'float', value: v.value };
      break;
    case 'bool':
      if (v.type === 'bool') return v;
      break;
    case 'enum': {
      const members = type.members.map((m) => m.name);
      if (v.type === 'symbol' && members.includes(v.value)) return { type: 'symbol', value: v.value, members };
      if (v.type === 'symbol') {
        const near = nearestName(v.value, members);
        fail('E0301', `${what} must be one of ${members.join(', ')}, found \`${v.value}\``, span, near ? `did you mean \`${near}\`?` : undefined);
      }
      break;
    }
  }
  const expected = type.kind === 'enum' ? `one of ${type.members.map((m) => m.name).join(', ')}` : type.kind;
  return fail('E0301', `${what} must be ${expected}, found ${typeName(v)} ${describeValue(v)}`, span);
}
