import type { Diagnostic } from '@excite/diagnostics';
import type {
  Argument,
  BlockDecl,
  Branch,
  Expr,
  IfStatement,
  ModelDecl,
  ModelItem,
  Node,
  Parameter,
  SeConfig,
  SourceFileNode,
  Statement,
  TopLevel,
  TypeExpr,
} from './ast.js';
import { parse } from './parser.js';

/**
 * `excite fmt`: prints a syntax tree in the canonical style.
 *
 * - 2-space indentation, one statement per line, `{` on the line of its header, `}` alone on its line;
 *   `} else {` and `} shortcut {` continue the closing line. Empty bodies print as `{}`.
 * - Calls: `conv(3x3, 64, stride: 2)`; calls without arguments have no parentheses: `bn`.
 * - `config se { r: 16, gate: sigmoid }` stays on one line when it has no comments and fits in 100 columns.
 * - Expressions get the fewest parentheses that keep their tree; floats print as written.
 * - Top-level items are separated by one blank line; inside bodies one blank line is kept where the source had
 *   any. Comments are kept with their text unchanged, re-indented.
 *
 * The output parses back to the same tree (ignoring spans and comment placement), and formatting it again gives
 * the same text.
 */
export function format(file: SourceFileNode): string {
  const printer = new Printer();
  file.items.forEach((item, index) => {
    if (index > 0) printer.blank();
    printer.leading(item, '', index === 0);
    printTopLevel(printer, item);
    printer.trailing(item);
  });
  printer.comments(file.trailingComments, '', file.items.length === 0);
  return printer.lines.length > 0 ? `${printer.lines.join('\n')}\n` : '';
}

/** Parses and formats; no `output` when the text has syntax errors. */
export function formatSource(text: string, file: string): { output?: string; diagnostics: Diagnostic[] } {
  const { ast, diagnostics } = parse(text, file);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  return { output: format(ast), diagnostics };
}

const INDENT = '  ';
const MAX_WIDTH = 100;

class Printer {
  readonly lines: string[] = [];
  /** Set right after a `{` line: a blank line there is dropped. */
  private atBodyStart = true;

  push(line: string): void {
    this.lines.push(line);
    this.atBodyStart = false;
  }

  openBody(): void {
    this.atBodyStart = true;
  }

  blank(): void {
    if (this.atBodyStart || this.lines.length === 0 || this.lines[this.lines.length - 1] === '') return;
    this.push('');
  }

  /** Replaces the last line (to continue `}` with ` else {`). */
  pop(): string {
    return this.lines.pop() ?? '';
  }

  leading(node: Node, indent: string, first: boolean): void {
    if (node.blankLineBefore && !first) this.blank();
    this.commentLines(node.leadingComments, indent);
  }

  trailing(node: Node): void {
    if (node.trailingComment !== undefined && this.lines.length > 0) {
      this.lines[this.lines.length - 1] += `  ${tidy(node.trailingComment)}`;
    }
  }

  /** Comments closing a body (or the file); '' entries are empty lines. */
  comments(comments: string[] | undefined, indent: string, bodyEmpty: boolean): void {
    if (!comments) return;
    if (bodyEmpty) this.openBody();
    this.commentLines(comments, indent);
  }

  private commentLines(comments: string[] | undefined, indent: string): void {
    for (const comment of comments ?? []) {
      if (comment === '') this.blank();
      else this.push(indent + tidy(comment));
    }
  }

  /**
   * `header {`, the statements, `}` — or `header {}` when there is nothing inside. `header` is a whole line,
   * already indented.
   */
  body(header: string, statements: Statement[], trailing: string[] | undefined, indent: string): void {
    if (statements.length === 0 && !trailing?.length) {
      this.push(`${header} {}`);
      return;
    }
    this.push(`${header} {`);
    this.openBody();
    printStatements(this, statements, indent + INDENT);
    this.comments(trailing, indent + INDENT, statements.length === 0);
    this.push(`${indent}}`);
  }
}

function printTopLevel(printer: Printer, item: TopLevel): void {
  switch (item.kind) {
    case 'import':
      printer.push(`import ${quote(item.path.value)}`);
      return;
    case 'block':
      printBlock(printer, item);
      return;
    case 'model':
      printModel(printer, item);
      return;
  }
}

function printBlock(printer: Printer, block: BlockDecl): void {
  const params = block.params.map(printParam).join(', ');
  printer.body(`block ${block.name.name}(${params})`, block.body, block.trailingComments, '');
}

function printParam(param: Parameter): string {
  const text = `${param.name.name}: ${printType(param.type)}`;
  return param.default ? `${text} = ${printExpr(param.default)}` : text;
}

function printType(type: TypeExpr): string {
  return type.kind === 'enum' ? `enum(${type.members.map((m) => m.name).join(', ')})` : type.kind;
}

function printModel(printer: Printer, model: ModelDecl): void {
  const header = `model ${model.name.name}${model.extends ? ` extends ${model.extends.name}` : ''}`;
  if (model.items.length === 0 && !model.trailingComments?.length) {
    printer.push(`${header} {}`);
    return;
  }
  printer.push(`${header} {`);
  printer.openBody();
  printList(printer, model.items, INDENT, printModelItem);
  printer.comments(model.trailingComments, INDENT, model.items.length === 0);
  printer.push('}');
}

function printModelItem(printer: Printer, item: ModelItem, indent: string): void {
  switch (item.kind) {
    case 'input':
      printer.push(`${indent}input ${printExpr(item.dims)}`);
      return;
    case 'classes':
      printer.push(`${indent}classes ${printExpr(item.value)}`);
      return;
    case 'param':
      printer.push(`${indent}param ${item.name.name} = ${printExpr(item.value)}`);
      return;
    case 'config':
      printConfig(printer, item, indent);
      return;
    default:
      printStatement(printer, item, indent);
  }
}

function printConfig(printer: Printer, config: SeConfig, indent: string): void {
  const header = `${indent}config se${config.stage ? ` in ${config.stage.name}` : ''}`;
  const hasComments =
    !!config.trailingComments?.length || config.entries.some((e) => e.leadingComments?.length || e.trailingComment !== undefined);
  if (config.entries.length === 0 && !hasComments) {
    printer.push(`${header} {}`);
    return;
  }
  const oneLine = `${header} { ${config.entries.map(printArg).join(', ')} }`;
  if (!hasComments && oneLine.length <= MAX_WIDTH) {
    printer.push(oneLine);
    return;
  }
  printer.push(`${header} {`);
  printer.openBody();
  const inner = indent + INDENT;
  config.entries.forEach((entry, index) => {
    printer.leading(entry, inner, index === 0);
    printer.push(`${inner}${printArg(entry)}${index < config.entries.length - 1 ? ',' : ''}`);
    printer.trailing(entry);
  });
  printer.comments(config.trailingComments, inner, config.entries.length === 0);
  printer.push(`${indent}}`);
}

function printList<T extends Node>(
  printer: Printer,
  items: T[],
  indent: string,
  print: (printer: Printer, item: T, indent: string) => void,
): void {
  items.forEach((item, index) => {
    printer.leading(item, indent, index === 0);
    print(printer, item, indent);
    printer.trailing(item);
  });
}

function printStatements(printer: Printer, statements: Statement[], indent: string): void {
  printList(printer, statements, indent, printStatement);
}

function printStatement(printer: Printer, statement: Statement, indent: string): void {
  switch (statement.kind) {
    case 'call':
      printer.push(indent + printCall(statement));
      return;
    case 'let':
      printer.push(`${indent}let ${statement.name.name} = ${printExpr(statement.value)}`);
      return;
    case 'repeat': {
      const first = statement.first.length > 0 ? ` first(${statement.first.map(printArg).join(', ')})` : '';
      printer.push(`${indent}repeat ${printExpr(statement.count)} ${printCall(statement.call)}${first}`);
      return;
    }
    case 'stage':
      printer.body(`${indent}stage ${statement.name.name}`, statement.body, statement.trailingComments, indent);
      return;
    case 'if':
      printIf(printer, statement, indent, `${indent}if `);
      return;
    case 'residual': {
      const args = statement.args.length > 0 ? `(${statement.args.map(printArg).join(', ')})` : '';
      printer.body(`${indent}residual${args}`, statement.main, statement.trailingComments, indent);
      if (statement.shortcut) {
        printer.body(`${printer.pop()} shortcut`, statement.shortcut, statement.shortcutTrailingComments, indent);
      }
      return;
    }
    case 'concat': {
      if (statement.branches.length === 0 && !statement.trailingComments?.length) {
        printer.push(`${indent}concat {}`);
        return;
      }
      printer.push(`${indent}concat {`);
      printer.openBody();
      printList(printer, statement.branches, indent + INDENT, printBranch);
      printer.comments(statement.trailingComments, indent + INDENT, statement.branches.length === 0);
      printer.push(`${indent}}`);
      return;
    }
  }
}

function printBranch(printer: Printer, branch: Branch, indent: string): void {
  printer.body(`${indent}branch`, branch.body, branch.trailingComments, indent);
}

function printIf(printer: Printer, statement: IfStatement, indent: string, prefix: string): void {
  printer.body(`${prefix}${printExpr(statement.test)}`, statement.then, statement.trailingComments, indent);
  const otherwise = statement.else;
  if (!otherwise) return;
  const only = otherwise.length === 1 ? otherwise[0] : undefined;
  if (
    only?.kind === 'if' &&
    !only.leadingComments?.length &&
    only.trailingComment === undefined &&
    !statement.elseTrailingComments?.length
  ) {
    printIf(printer, only, indent, `${printer.pop()} else if `);
    return;
  }
  printer.body(`${printer.pop()} else`, otherwise, statement.elseTrailingComments, indent);
}

function printCall(call: { callee: { name: string }; args: Argument[]; alias?: { name: string } }): string {
  const args = call.args.length > 0 ? `(${call.args.map(printArg).join(', ')})` : '';
  return `${call.callee.name}${args}${call.alias ? ` as ${call.alias.name}` : ''}`;
}

function printArg(arg: Argument): string {
  return arg.name ? `${arg.name.name}: ${printExpr(arg.value)}` : printExpr(arg.value);
}

// ---- expressions ---------------------------------------------------------------------------------------------

/** Binding strength, as in the grammar: Expr(1) < Or < And < Not < Compare < Sum < Product < Unary < Primary(9). */
const BINARY_PRECEDENCE: Record<string, number> = {
  or: 2,
  and: 3,
  '==': 5,
  '!=': 5,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

function precedence(expr: Expr): number {
  switch (expr.kind) {
    case 'conditional':
      return 1;
    case 'binary':
      return BINARY_PRECEDENCE[expr.op] ?? 1;
    case 'unary':
      return expr.op === 'not' ? 4 : 8;
    case 'int':
    case 'float':
      return expr.value < 0 || Object.is(expr.value, -0) ? 8 : 9;
    default:
      return 9;
  }
}

/** Prints `expr`, in parentheses when it binds less tightly than `min`. */
export function printExpr(expr: Expr, min = 1): string {
  const text = printBare(expr);
  return precedence(expr) < min ? `(${text})` : text;
}

function printBare(expr: Expr): string {
  switch (expr.kind) {
    case 'int':
      return String(expr.value);
    case 'float':
      return expr.text || floatText(expr.value);
    case 'bool':
      return expr.value ? 'true' : 'false';
    case 'dims':
      return expr.values.join('x');
    case 'string':
      return quote(expr.value);
    case 'name':
      return expr.name;
    case 'unary':
      return expr.op === 'not' ? `not ${printExpr(expr.operand, 4)}` : `-${printExpr(expr.operand, 8)}`;
    case 'conditional':
      return `${printExpr(expr.test, 2)} ? ${printExpr(expr.then, 1)} : ${printExpr(expr.else, 1)}`;
    case 'binary': {
      const p = BINARY_PRECEDENCE[expr.op] ?? 1;
      // Left-associative chains; a comparison's operands are sums on both sides (comparisons do not chain).
      const leftMin = p === 5 ? 6 : p;
      const rightMin = p === 5 ? 6 : p + 1;
      return `${printExpr(expr.left, leftMin)} ${expr.op} ${printExpr(expr.right, rightMin)}`;
    }
  }
}

/** A float's text that lexes as a float again (`2` → `2.0`). */
export function floatText(value: number): string {
  const text = String(value);
  return /[.eE]/.test(text) || !Number.isFinite(value) ? text : `${text}.0`;
}

/** A comment as written, less the trailing spaces of a `//` comment. */
function tidy(comment: string): string {
  return comment.startsWith('//') ? comment.trimEnd() : comment;
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
