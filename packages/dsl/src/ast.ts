import type { Span } from '@excite/diagnostics';

/**
 * The syntax tree of a `.se` file. Every node keeps the span of the text it came from, so errors found
 * during elaboration (and later in the IR) point back at the right line. The grammar is in ../GRAMMAR.md.
 * Comments are kept on the nodes they precede (and trailing ones on the file) so `excite fmt` preserves them.
 */

export interface Node {
  span: Span;
  /**
   * Comments (with their `//` or `/* … *\/` markers) on the lines directly above this node, in order. An empty
   * string stands for an empty line between two of them, or between the last of them and the node.
   */
  leadingComments?: string[];
  /** A comment at the end of this node's last line. */
  trailingComment?: string;
  /** The source had an empty line before this node (after its leading comments' predecessor); fmt keeps one. */
  blankLineBefore?: boolean;
  /**
   * Comments after the last item of this node's (first) body, before its closing `}`; for the file, after the last
   * item. An empty string stands for an empty line before the next comment. (Added for `excite fmt`.)
   */
  trailingComments?: string[];
}

// ---- expressions ---------------------------------------------------------------------------------------------

export type Expr =
  | IntLiteral
  | FloatLiteral
  | BoolLiteral
  | DimsLiteral
  | StringLiteral
  | NameRef
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr;

export interface IntLiteral extends Node { kind: 'int'; value: number; }
export interface FloatLiteral extends Node { kind: 'float'; value: number; /** as written, so fmt keeps 1e-5 */ text: string; }
export interface BoolLiteral extends Node { kind: 'bool'; value: boolean; }
/** `3x3`, `3x224x224`: sizes written with x between integer literals and no spaces. */
export interface DimsLiteral extends Node { kind: 'dims'; values: number[]; }
export interface StringLiteral extends Node { kind: 'string'; value: string; }
/** A parameter or `let` name, or a symbol such as `same`, `avg`, `sigmoid` (resolved by the checker). */
export interface NameRef extends Node { kind: 'name'; name: string; }
export interface UnaryExpr extends Node { kind: 'unary'; op: '-' | 'not'; operand: Expr; }
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';
export interface BinaryExpr extends Node { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; }
export interface ConditionalExpr extends Node { kind: 'conditional'; test: Expr; then: Expr; else: Expr; }

/** `name: value` or a positional `value` in a call. */
export interface Argument extends Node {
  name?: Identifier;
  value: Expr;
}

export interface Identifier extends Node {
  name: string;
}

// ---- statements inside models, blocks, stages and branches ---------------------------------------------------

export type Statement =
  | CallStatement
  | LetStatement
  | StageStatement
  | RepeatStatement
  | IfStatement
  | ResidualStatement
  | ConcatStatement;

/**
 * A layer (`conv(3x3, 64, stride: 2)`, `bn`, `relu`, `se(site: after_3x3)`) or a block call (`bottleneck(64)`).
 * Parentheses are optional when there are no arguments. `as name` names the layer in reports.
 */
export interface CallStatement extends Node {
  kind: 'call';
  callee: Identifier;
  args: Argument[];
  alias?: Identifier;
}

/** `let name = expr`: a local constant for the rest of the enclosing body. */
export interface LetStatement extends Node {
  kind: 'let';
  name: Identifier;
  value: Expr;
}

/** `stage conv2_x { … }`: groups layers in reports and scopes `config se in conv2_x { … }`. */
export interface StageStatement extends Node {
  kind: 'stage';
  name: Identifier;
  body: Statement[];
}

/**
 * `repeat 4 bottleneck(128) first(stride: 2, project: true)`: four calls of the same block (or layer), the first
 * with some arguments overridden — how the paper's tables write "× 4" stages.
 */
export interface RepeatStatement extends Node {
  kind: 'repeat';
  count: Expr;
  call: CallStatement;
  first: Argument[];
}

/** `if cond { … } else { … }`; `else if` chains nest an IfStatement as the only statement of `else`. */
export interface IfStatement extends Node {
  kind: 'if';
  test: Expr;
  then: Statement[];
  else?: Statement[];
  /** Comments at the end of the `else { … }` body (the `then` body's are in `trailingComments`). */
  elseTrailingComments?: string[];
}

/**
 * `residual(act: relu) { main branch } shortcut { projection }`. An absent or empty shortcut is the identity.
 * Arguments: `act` (activation after the join, default none), `join` (add | concat, default add),
 * `scale` (multiplies the main branch before the join, default 1, Inception-ResNet style).
 */
export interface ResidualStatement extends Node {
  kind: 'residual';
  args: Argument[];
  main: Statement[];
  shortcut?: Statement[];
  /** span of the `shortcut` keyword, when present */
  shortcutSpan?: Span;
  /** Comments at the end of the `shortcut { … }` body (the main body's are in `trailingComments`). */
  shortcutTrailingComments?: string[];
}

/** `concat { branch { … } branch { … } }`: parallel branches on the same input, joined along channels. */
export interface ConcatStatement extends Node {
  kind: 'concat';
  branches: Branch[];
}

export interface Branch extends Node {
  body: Statement[];
}

// ---- declarations --------------------------------------------------------------------------------------------

export type TypeExpr =
  | { kind: 'int'; span: Span }
  | { kind: 'float'; span: Span }
  | { kind: 'bool'; span: Span }
  | { kind: 'enum'; span: Span; members: Identifier[] };

/** `width: int`, `stride: int = 1`, `squeeze: enum(avg, max) = avg` */
export interface Parameter extends Node {
  name: Identifier;
  type: TypeExpr;
  default?: Expr;
}

/** `block bottleneck(width: int, stride: int = 1) { … }` */
export interface BlockDecl extends Node {
  kind: 'block';
  name: Identifier;
  params: Parameter[];
  body: Statement[];
}

/** `config se { r: 16, gate: sigmoid }` or `config se in conv3_x { enabled: true }` */
export interface SeConfig extends Node {
  kind: 'config';
  stage?: Identifier;
  entries: Argument[];
}

/** `input 3x224x224` */
export interface InputDecl extends Node { kind: 'input'; dims: Expr; }
/** `classes 1000` */
export interface ClassesDecl extends Node { kind: 'classes'; value: Expr; }
/** `param depth4 = 6`: a model-level constant that variants may override with another `param depth4 = 23`. */
export interface ParamDecl extends Node { kind: 'param'; name: Identifier; value: Expr; }

export type ModelItem = InputDecl | ClassesDecl | ParamDecl | SeConfig | Statement;

/** A model name such as `se-resnet-50`, written without quotes. */
export interface ModelName extends Node {
  name: string;
}

/** `model se-resnet-50 { … }` or `model se-resnet-50-r8 extends se-resnet-50 { config se { r: 8 } }` */
export interface ModelDecl extends Node {
  kind: 'model';
  name: ModelName;
  extends?: ModelName;
  items: ModelItem[];
}

/** `import "resnet.se"` (path relative to the importing file) */
export interface ImportDecl extends Node {
  kind: 'import';
  path: StringLiteral;
}

export type TopLevel = ImportDecl | BlockDecl | ModelDecl;

export interface SourceFileNode extends Node {
  kind: 'file';
  /** The file name used in spans (the path as the user gave it, or a zoo-relative name). */
  file: string;
  items: TopLevel[];
  /** Comments after the last item. */
  trailingComments?: string[];
}
