import { createDiagnostic, type Diagnostic, type Span } from '@excite/diagnostics';
import type {
  Argument,
  BlockDecl,
  Branch,
  CallStatement,
  ConcatStatement,
  Expr,
  Identifier,
  IfStatement,
  ImportDecl,
  LetStatement,
  ModelDecl,
  ModelItem,
  ModelName,
  Node,
  Parameter,
  RepeatStatement,
  ResidualStatement,
  SeConfig,
  SourceFileNode,
  StageStatement,
  Statement,
  TopLevel,
  TypeExpr,
  BinaryOp,
} from './ast.js';
import { tokenize, type Token } from './lexer.js';

/**
 * A hand-written recursive-descent parser for `.se` files, one method per production of ../GRAMMAR.md (the
 * production is in each method's doc comment).
 *
 * It never throws. A syntax error becomes an E0104 diagnostic ("expected X, found Y") and the parser resynchronizes
 * at the next statement, model item, config entry or top-level item, so one run reports several mistakes. Nesting
 * (bodies, parentheses, prefix operators, operator chains) is capped at {@link MAX_NESTING} levels (E0107), so
 * hostile input cannot overflow the stack, and every loop consumes a token, so parsing is linear in the input.
 *
 * Comments are attached to the statement-level node they precede (`leadingComments`), the node whose last line they
 * end (`trailingComment`), or the body they close (`trailingComments`); see ./ast.ts.
 */
export function parse(text: string, file: string): { ast: SourceFileNode; diagnostics: Diagnostic[] } {
  const parser = new Parser(text, file);
  let items: TopLevel[] = [];
  let trailingComments: string[] = [];
  try {
    ({ items, trailingComments } = parser.parseFile());
  } catch (error) {
    if (error instanceof AbortParse) {
      items = parser.topItems;
    } else if (error instanceof RangeError) {
      // A safety net only: the nesting cap should make this unreachable.
      parser.diagnostics.push(createDiagnostic('E0107', 'source nested too deeply to parse', { file, start: 0, end: 0 }));
      items = parser.topItems;
    } else {
      throw error;
    }
  }
  const ast: SourceFileNode = { kind: 'file', file, items, span: { file, start: 0, end: text.length } };
  if (trailingComments.length > 0) ast.trailingComments = trailingComments;
  const diagnostics = parser.diagnostics
    .map((d, index) => ({ d, index }))
    .sort((a, b) => (a.d.span?.start ?? 0) - (b.d.span?.start ?? 0) || a.index - b.index)
    .map(({ d }) => d);
  return { ast, diagnostics };
}

/** How deeply bodies, parentheses and prefix operators may nest, and how deep an expression tree may be. */
export const MAX_NESTING = 100;

/** Thrown after a syntax error has been reported; caught where the parser can resynchronize. */
class ParseError extends Error {}
/** Thrown after E0107: parsing stops. */
class AbortParse extends Error {}

const STATEMENT_KEYWORDS = new Set(['let', 'stage', 'repeat', 'if', 'residual', 'concat']);
const MODEL_ITEM_KEYWORDS = new Set(['input', 'classes', 'param', 'config']);
const TOP_KEYWORDS = new Set(['import', 'block', 'model']);
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** Keywords that may also be used as names in expressions: `dense(classes)`, `residual(join: concat)`. */
const NAME_KEYWORDS = new Set(['classes', 'input', 'concat']);

interface Leading {
  comments: string[];
  blank: boolean;
}

class Parser {
  readonly diagnostics: Diagnostic[];
  /** Top-level items parsed so far (what is returned when parsing is aborted). */
  topItems: TopLevel[] = [];

  private readonly tokens: Token[] = [];
  /** For each token, the last line of whatever (token or comment) precedes it; 0 at the start of the file. */
  private readonly tokenPrevLine: number[] = [];
  private readonly comments: Token[] = [];
  private readonly commentPrevLine: number[] = [];
  private readonly commentTaken: boolean[] = [];
  /** Index of the first comment not yet attached. */
  private commentFront = 0;
  private pos = 0;
  private depth = 0;
  /** Token index just after the latest call written without parentheses (for the "arguments go in parentheses" hint). */
  private bareCallEnd = -1;
  /** Token offsets at which an error has been reported, so one token never gets two. */
  private readonly reportedAt = new Set<number>();
  /** Depth of each expression tree built, to cap long operator chains. */
  private readonly exprDepth = new WeakMap<Expr, number>();

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    const lexed = tokenize(text, file);
    this.diagnostics = lexed.diagnostics;
    let prevLine = 0;
    for (const token of lexed.tokens) {
      if (token.kind === 'comment') {
        this.comments.push(token);
        this.commentPrevLine.push(prevLine);
        this.commentTaken.push(false);
      } else {
        this.tokens.push(token);
        this.tokenPrevLine.push(prevLine);
      }
      prevLine = token.endLine;
    }
  }

  // ---- productions: files and declarations -----------------------------------------------------------------

  /** File = { Import | Block | Model } . */
  parseFile(): { items: TopLevel[]; trailingComments: string[] } {
    const items = this.topItems;
    while (!this.atEof()) {
      const start = this.pos;
      const leading = this.takeLeading();
      try {
        const t = this.peek();
        let item: TopLevel;
        if (this.at('import')) item = this.parseImport();
        else if (this.at('block')) item = this.parseBlock();
        else if (this.at('model')) item = this.parseModel();
        else {
          let hint: string | undefined;
          if (t.kind === 'ident' || STATEMENT_KEYWORDS.has(t.text) || MODEL_ITEM_KEYWORDS.has(t.text))
            hint = 'layers and settings go inside a `block` or `model` body';
          else if (this.at('}')) hint = 'this `}` has no matching `{`';
          this.fail('`block`, `model` or `import`', hint);
        }
        this.finishItem(item, leading, false);
        items.push(item);
      } catch (error) {
        if (!(error instanceof ParseError)) throw error;
        this.syncTop(start);
      }
    }
    return { items, trailingComments: this.takeCommentsBefore(this.peek().span.start) };
  }

  /** Import = "import" String . */
  private parseImport(): ImportDecl {
    const keyword = this.advance();
    const t = this.peek();
    if (t.kind !== 'string') this.fail('a file name in double quotes', 'write import "blocks.se"');
    this.advance();
    const path = { kind: 'string' as const, value: String(t.value ?? ''), span: t.span };
    return { kind: 'import', path, span: this.spanFrom(keyword) };
  }

  /** Block = "block" Ident "(" [ Param { "," Param } [ "," ] ] ")" Body . */
  private parseBlock(): BlockDecl {
    const keyword = this.advance();
    const name = this.parseIdent('a block name');
    if (!this.at('(')) {
      this.fail('`(`', `a block lists its parameters in parentheses, even when it has none: block ${name.name}() { … }`);
    }
    this.advance();
    const params: Parameter[] = [];
    while (!this.at(')')) {
      params.push(this.parseParam());
      if (this.at(',')) this.advance();
      else if (!this.at(')')) this.fail('`,` or `)`', this.separatorHint());
    }
    this.advance();
    const body = this.parseBody(`block ${name.name}(…)`);
    const node: BlockDecl = { kind: 'block', name, params, body: body.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /** Param = Ident ":" Type [ "=" Expr ] . */
  private parseParam(): Parameter {
    const name = this.parseIdent('a parameter name');
    if (!this.at(':')) this.fail('`:`', `parameters need a type: ${name.name}: int`);
    this.advance();
    const type = this.parseType();
    const node: Parameter = { name, type, span: this.spanFrom(name) };
    if (this.at('=')) {
      this.advance();
      node.default = this.parseExpr();
      node.span = this.spanFrom(name);
    }
    return node;
  }

  /** Type = "int" | "float" | "bool" | "enum" "(" Ident { "," Ident } [ "," ] ")" . */
  private parseType(): TypeExpr {
    const t = this.peek();
    if (this.at('int') || this.at('float') || this.at('bool')) {
      this.advance();
      return { kind: t.text as 'int' | 'float' | 'bool', span: t.span };
    }
    if (!this.at('enum')) this.fail('a type', 'parameter types are int, float, bool or enum(a, b)');
    this.advance();
    this.expect('(', 'list the choices in parentheses: enum(avg, max)');
    const members: Identifier[] = [];
    do {
      if (this.at(')') && members.length > 0) break;
      members.push(this.parseIdent('a choice name'));
      if (!this.at(',') && !this.at(')')) this.fail('`,` or `)`');
    } while (this.at(',') && this.advance());
    this.expect(')');
    return { kind: 'enum', members, span: this.spanFrom(t) };
  }

  /** Model = "model" ModelName [ "extends" ModelName ] "{" { ModelItem [ ";" ] } "}" . */
  private parseModel(): ModelDecl {
    const keyword = this.advance();
    const name = this.parseModelName();
    let base: ModelName | undefined;
    if (this.at('extends')) {
      this.advance();
      base = this.parseModelName();
    }
    const open = this.expectOpenBrace(`model ${name.name}`);
    const body = this.parseList(open, () => this.parseModelItem(), (t) => this.startsStatement(t, true));
    const node: ModelDecl = { kind: 'model', name, items: body.items, span: this.spanFrom(keyword) };
    if (base) node.extends = base;
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /**
   * ModelName = Ident { "-" ( Ident | Int ) } .   (written without spaces: `se-resnet-50`)
   * Mistakes in a name (spaces, `--`, a part such as `32x4d`) are reported as E0106 and parsing goes on.
   */
  private parseModelName(): ModelName {
    const first = this.peek();
    if (first.kind !== 'ident' && first.kind !== 'int' && first.kind !== 'dims' && first.kind !== 'float') {
      this.fail('a model name', 'model names are letters, digits and single dashes, like se-resnet-50');
    }
    this.advance();
    let name = first.text;
    let last = first;
    let problem: { message: string; hint?: string; span: Span } | undefined;
    const spanTo = (t: Token): Span => ({ file: this.file, start: first.span.start, end: t.span.end });
    if (first.kind !== 'ident') this.forgetNumberError(first);
    while (this.at('-')) {
      const dash = this.advance();
      const part = this.peek();
      if (part.kind === 'punct' && part.text === '-') {
        problem ??= { message: 'model names use single dashes between parts', span: { file: this.file, start: dash.span.start, end: part.span.end } };
        name += '-';
        last = dash;
        continue;
      }
      const partLike = part.kind === 'ident' || part.kind === 'keyword' || part.kind === 'int' || part.kind === 'dims' || part.kind === 'float';
      if (!partLike || part.line !== dash.line) {
        name += '-';
        last = dash;
        problem ??= { message: `model name \`${name}\` ends with a dash`, hint: 'a dash is followed by a part: se-resnet-50', span: dash.span };
        break;
      }
      this.advance();
      if (!problem && (dash.span.start !== last.span.end || part.span.start !== dash.span.end)) {
        problem = { message: `model name \`${name} - ${part.text}\` contains spaces`, hint: `write it without spaces: ${name}-${part.text}`, span: spanTo(part) };
      }
      if (!problem && (part.kind === 'dims' || part.kind === 'float' || part.invalid)) {
        problem = {
          message: `\`${part.text}\` is not a valid part of a model name`,
          hint: 'a part after a dash is an identifier or an integer; start it with a letter (g32x4d) or split it with dashes',
          span: part.span,
        };
      }
      this.forgetNumberError(part);
      name += `-${part.text}`;
      last = part;
    }
    const span = spanTo(last);
    if (first.kind !== 'ident') problem = { message: `model name \`${name}\` must start with a letter`, span };
    if (problem) this.diagnostics.push(createDiagnostic('E0106', problem.message, problem.span, problem.hint));
    return { name, span };
  }

  /** ModelItem = "input" Expr | "classes" Expr | "param" Ident "=" Expr | Config | Statement . */
  private parseModelItem(): ModelItem {
    const t = this.peek();
    if (this.at('input')) {
      this.advance();
      return { kind: 'input', dims: this.parseExpr(), span: this.spanFrom(t) };
    }
    if (this.at('classes')) {
      this.advance();
      return { kind: 'classes', value: this.parseExpr(), span: this.spanFrom(t) };
    }
    if (this.at('param')) {
      this.advance();
      const name = this.parseIdent('a parameter name');
      if (!this.at('=')) this.fail('`=`', `write param ${name.name} = 6`);
      this.advance();
      return { kind: 'param', name, value: this.parseExpr(), span: this.spanFrom(t) };
    }
    if (this.at('config')) return this.parseConfig();
    return this.parseStatement();
  }

  /** Config = "config" "se" [ "in" Ident ] "{" [ Arg { "," Arg } [ "," ] ] "}" .   (entries are name: value) */
  private parseConfig(): SeConfig {
    const keyword = this.advance();
    const se = this.peek();
    if (se.kind !== 'ident' || se.text !== 'se') this.fail('`se`', 'write config se { r: 16 }');
    this.advance();
    let stage: Identifier | undefined;
    if (this.at('in')) {
      this.advance();
      stage = this.parseIdent('a stage name');
    }
    const open = this.expectOpenBrace('config se');
    const body = this.parseList(
      open,
      () => this.parseConfigEntry(),
      (t) => t.kind === 'ident' && t === this.peek() && this.peek(1).text === ':',
      ',',
    );
    const node: SeConfig = { kind: 'config', entries: body.items, span: this.spanFrom(keyword) };
    if (stage) node.stage = stage;
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /** ConfigEntry = Ident ":" Expr . */
  private parseConfigEntry(): Argument {
    const t = this.peek();
    const next = this.peek(1);
    if (t.kind !== 'ident' || next.text !== ':' || next.kind !== 'punct') {
      const hint =
        t.kind === 'ident' && next.text === '='
          ? `settings use a colon: ${t.text}: …`
          : 'write SE settings as name: value, like r: 16';
      this.fail('a setting name', hint);
    }
    return this.parseArg();
  }

  // ---- productions: statements -----------------------------------------------------------------------------

  /** Body = "{" { Statement [ ";" ] } "}" . */
  private parseBody(owner: string): { items: Statement[]; trailing: string[] } {
    const open = this.expectOpenBrace(owner);
    return this.parseList(open, () => this.parseStatement(), (t) => this.startsStatement(t, false));
  }

  /** Statement = Let | Stage | Repeat | If | Residual | Concat | Call . */
  private parseStatement(): Statement {
    const t = this.peek();
    if (t.kind === 'ident') return this.parseCall();
    if (t.kind === 'keyword') {
      switch (t.text) {
        case 'let':
          return this.parseLet();
        case 'stage':
          return this.parseStage();
        case 'repeat':
          return this.parseRepeat();
        case 'if':
          return this.parseIf();
        case 'residual':
          return this.parseResidual();
        case 'concat':
          return this.parseConcat();
      }
    }
    return this.fail('a statement', this.statementHint(t));
  }

  /** Let = "let" Ident "=" Expr . */
  private parseLet(): LetStatement {
    const keyword = this.advance();
    const name = this.parseIdent('a name');
    if (!this.at('=')) this.fail('`=`', `write let ${name.name} = …`);
    this.advance();
    const value = this.parseExpr();
    return { kind: 'let', name, value, span: this.spanFrom(keyword) };
  }

  /** Stage = "stage" Ident Body . */
  private parseStage(): StageStatement {
    const keyword = this.advance();
    const name = this.parseIdent('a stage name');
    const body = this.parseBody(`stage ${name.name}`);
    const node: StageStatement = { kind: 'stage', name, body: body.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /** Repeat = "repeat" Expr Call [ "first" "(" [ Arg { "," Arg } [ "," ] ] ")" ] . */
  private parseRepeat(): RepeatStatement {
    const keyword = this.advance();
    const count = this.parseExpr();
    if (this.peek().kind !== 'ident') {
      this.fail('a layer or block to repeat', 'write the count, then the call: repeat 3 bottleneck(64)');
    }
    const call = this.parseCall();
    let first: Argument[] = [];
    if (this.at('first')) {
      this.advance();
      if (!this.at('(')) this.fail('`(`', 'write the overrides for the first call in parentheses: first(stride: 2)');
      first = this.parseArgs();
    }
    return { kind: 'repeat', count, call, first, span: this.spanFrom(keyword) };
  }

  /** If = "if" Expr Body [ "else" ( If | Body ) ] . */
  private parseIf(): IfStatement {
    const keyword = this.advance();
    const test = this.parseExpr();
    const then = this.parseBody('if test');
    const node: IfStatement = { kind: 'if', test, then: then.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', then.trailing);
    if (this.at('else')) {
      this.advance();
      if (this.at('if')) {
        node.else = [this.nested(() => this.parseIf())];
      } else {
        const otherwise = this.parseBody('} else');
        node.else = otherwise.items;
        setTrailing(node, 'elseTrailingComments', otherwise.trailing);
      }
      node.span = this.spanFrom(keyword);
    }
    return node;
  }

  /** Residual = "residual" [ Args ] Body [ "shortcut" Body ] . */
  private parseResidual(): ResidualStatement {
    const keyword = this.advance();
    const args = this.at('(') ? this.parseArgs() : [];
    const main = this.parseBody('residual(act: relu)');
    const node: ResidualStatement = { kind: 'residual', args, main: main.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', main.trailing);
    if (this.at('shortcut')) {
      const shortcut = this.advance();
      const body = this.parseBody('} shortcut');
      node.shortcut = body.items;
      node.shortcutSpan = shortcut.span;
      setTrailing(node, 'shortcutTrailingComments', body.trailing);
      node.span = this.spanFrom(keyword);
    }
    return node;
  }

  /** Concat = "concat" "{" Branch { Branch } "}" . */
  private parseConcat(): ConcatStatement {
    const keyword = this.advance();
    const open = this.expectOpenBrace('concat');
    if (this.at('}')) this.fail('`branch`', 'a concat joins parallel branches: concat { branch { … } branch { … } }');
    const body = this.parseList(open, () => this.parseBranch(), (t) => t.text === 'branch' && t.kind === 'keyword');
    const node: ConcatStatement = { kind: 'concat', branches: body.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /** Branch = "branch" Body . */
  private parseBranch(): Branch {
    const keyword = this.peek();
    if (!this.at('branch')) this.fail('`branch`', 'each parallel path of a concat is written branch { … }');
    this.advance();
    const body = this.parseBody('branch');
    const node: Branch = { body: body.items, span: this.spanFrom(keyword) };
    setTrailing(node, 'trailingComments', body.trailing);
    return node;
  }

  /** Call = Ident [ Args ] [ "as" Ident ] . */
  private parseCall(): CallStatement {
    const callee = this.parseIdent('a layer or block name');
    const args = this.at('(') ? this.parseArgs() : [];
    if (args.length === 0 && !this.at('as')) this.bareCallEnd = this.pos;
    const node: CallStatement = { kind: 'call', callee, args, span: this.spanFrom(callee) };
    if (this.at('as')) {
      this.advance();
      node.alias = this.parseIdent('a name after `as`');
      node.span = this.spanFrom(callee);
    }
    return node;
  }

  /** Args = "(" [ Arg { "," Arg } [ "," ] ] ")" . */
  private parseArgs(): Argument[] {
    this.expect('(');
    const args: Argument[] = [];
    while (!this.at(')')) {
      args.push(this.parseArg());
      if (this.at(',')) this.advance();
      else if (!this.at(')')) this.fail('`,` or `)`', this.separatorHint(args[args.length - 1]));
    }
    this.advance();
    return args;
  }

  /** Arg = [ Ident ":" ] Expr . */
  private parseArg(): Argument {
    const t = this.peek();
    let name: Identifier | undefined;
    if (t.kind === 'ident' && this.peek(1).kind === 'punct' && this.peek(1).text === ':') {
      name = this.parseIdent('a name');
      this.advance();
    }
    const value = this.parseExpr();
    const node: Argument = { value, span: this.spanFrom(t) };
    if (name) node.name = name;
    return node;
  }

  // ---- productions: expressions ----------------------------------------------------------------------------

  /** Expr = Or [ "?" Expr ":" Expr ] . */
  private parseExpr(): Expr {
    return this.nested(() => {
      const test = this.parseOr();
      if (!this.at('?')) return test;
      this.advance();
      const then = this.parseExpr();
      if (!this.at(':')) this.fail('`:`', 'a conditional is written test ? then : else');
      this.advance();
      const otherwise = this.parseExpr();
      return this.made({ kind: 'conditional', test, then, else: otherwise, span: this.join(test, otherwise) }, test, then, otherwise);
    });
  }

  /** Or = And { "or" And } . */
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.at('or')) {
      this.advance();
      const right = this.parseAnd();
      left = this.binary('or', left, right);
    }
    return left;
  }

  /** And = Not { "and" Not } . */
  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.at('and')) {
      this.advance();
      const right = this.parseNot();
      left = this.binary('and', left, right);
    }
    return left;
  }

  /** Not = "not" Not | Compare . */
  private parseNot(): Expr {
    if (!this.at('not')) return this.parseCompare();
    const keyword = this.advance();
    return this.nested(() => {
      const operand = this.parseNot();
      return this.made({ kind: 'unary', op: 'not', operand, span: this.spanFrom(keyword) }, operand);
    });
  }

  /** Compare = Sum [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) Sum ] . */
  private parseCompare(): Expr {
    const left = this.parseSum();
    const t = this.peek();
    if (t.kind !== 'punct' || !COMPARE_OPS.has(t.text)) return left;
    this.advance();
    const right = this.parseSum();
    const after = this.peek();
    if (after.kind === 'punct' && COMPARE_OPS.has(after.text)) {
      this.fail('the end of the comparison', 'comparisons do not chain: write a < b and b < c');
    }
    return this.binary(t.text as BinaryOp, left, right);
  }

  /** Sum = Product { ( "+" | "-" ) Product } . */
  private parseSum(): Expr {
    let left = this.parseProduct();
    while (this.at('+') || this.at('-')) {
      const op = this.advance().text as BinaryOp;
      const right = this.parseProduct();
      left = this.binary(op, left, right);
    }
    return left;
  }

  /** Product = Unary { ( "*" | "/" | "%" ) Unary } . */
  private parseProduct(): Expr {
    let left = this.parseUnary();
    while (this.at('*') || this.at('/') || this.at('%')) {
      const op = this.advance().text as BinaryOp;
      const right = this.parseUnary();
      left = this.binary(op, left, right);
    }
    return left;
  }

  /** Unary = "-" Unary | Primary . */
  private parseUnary(): Expr {
    if (!this.at('-')) return this.parsePrimary();
    const minus = this.advance();
    return this.nested(() => {
      const operand = this.parseUnary();
      return this.made({ kind: 'unary', op: '-', operand, span: this.spanFrom(minus) }, operand);
    });
  }

  /** Primary = Int | Float | Dims | String | "true" | "false" | Ident | "(" Expr ")" . */
  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'int':
        this.advance();
        return { kind: 'int', value: Number(t.value ?? 0), span: t.span };
      case 'float':
        this.advance();
        return { kind: 'float', value: Number(t.value ?? 0), text: t.text, span: t.span };
      case 'dims':
        this.advance();
        return { kind: 'dims', values: [...(t.dims ?? [])], span: t.span };
      case 'string':
        this.advance();
        return { kind: 'string', value: String(t.value ?? ''), span: t.span };
      case 'ident':
        this.advance();
        return { kind: 'name', name: t.text, span: t.span };
      case 'keyword':
        if (t.text === 'true' || t.text === 'false') {
          this.advance();
          return { kind: 'bool', value: t.text === 'true', span: t.span };
        }
        if (NAME_KEYWORDS.has(t.text)) {
          this.advance();
          return { kind: 'name', name: t.text, span: t.span };
        }
        break;
      case 'punct':
        if (t.text === '(') {
          this.advance();
          const inner = this.parseExpr();
          if (!this.at(')')) this.fail('`)`', this.at(',') ? 'only calls take several arguments' : undefined);
          this.advance();
          inner.span = this.spanFrom(t);
          return inner;
        }
        break;
    }
    return this.fail('an expression');
  }

  // ---- lists, comments and recovery ------------------------------------------------------------------------

  /**
   * The items of a `{ … }` whose `{` has been consumed, up to and including the `}`. Errors inside an item are
   * reported and skipped (to the next `;` / separator, line-starting item, or the `}`); comments are attached.
   */
  private parseList<T extends Node>(
    open: Token,
    parseItem: () => T,
    startsItem: (t: Token) => boolean,
    separator?: ',',
  ): { items: T[]; trailing: string[] } {
    return this.nested(() => {
      const items: T[] = [];
      for (;;) {
        const t = this.peek();
        if (t.kind === 'punct' && t.text === '}') {
          const trailing = this.takeCommentsBefore(t.span.start);
          this.advance();
          return { items, trailing };
        }
        if (t.kind === 'eof' || this.isTopKeywordAtLineStart(t)) {
          this.report(t, `expected \`}\`, found ${describe(t)}`, undefined, [{ span: open.span, message: 'this `{` is not closed' }]);
          return { items, trailing: [] };
        }
        const start = this.pos;
        const leading = this.takeLeading();
        try {
          const item = parseItem();
          if (separator) {
            if (this.at(separator)) this.advance();
            else if (!this.at('}')) {
              const hint = startsItem(this.peek()) ? 'separate settings with commas: r: 16, gate: sigmoid' : undefined;
              this.fail('`,` or `}`', hint);
            }
          }
          this.finishItem(item, leading, !separator);
          items.push(item);
        } catch (error) {
          if (!(error instanceof ParseError)) throw error;
          this.syncItem(start, startsItem, separator ?? ';');
        }
      }
    });
  }

  /** Attaches comments to a finished list item (consuming an optional `;` first). */
  private finishItem(item: Node, leading: Leading, semicolon: boolean): void {
    if (semicolon && this.at(';')) this.advance();
    if (leading.comments.length > 0) item.leadingComments = leading.comments;
    if (leading.blank) item.blankLineBefore = true;
    const trailing = this.takeTrailing();
    if (trailing !== undefined) item.trailingComment = trailing;
  }

  /** The unattached comments before the next token, as leading comments (with '' for empty lines between). */
  private takeLeading(): Leading {
    const t = this.peek();
    const comments: string[] = [];
    let blank = false;
    for (let j = this.commentFront; j < this.comments.length; j++) {
      const c = this.comments[j]!;
      if (c.span.start >= t.span.start) break;
      if (this.commentTaken[j]) continue;
      this.commentTaken[j] = true;
      if (c.line - this.commentPrevLine[j]! >= 2) {
        if (comments.length === 0) blank = true;
        else comments.push('');
      }
      comments.push(c.text);
    }
    this.advanceCommentFront();
    if (t.line - this.tokenPrevLine[this.pos]! >= 2) {
      if (comments.length === 0) blank = true;
      else comments.push('');
    }
    if (this.pos === 0 && comments.length === 0) blank = false;
    return { comments, blank };
  }

  /** Comments on the same line after the last consumed token and before the next one, joined by a space. */
  private takeTrailing(): string | undefined {
    const last = this.tokens[this.pos - 1];
    if (!last) return undefined;
    const next = this.peek();
    const found: string[] = [];
    for (let j = this.commentFront; j < this.comments.length; j++) {
      const c = this.comments[j]!;
      if (c.span.start >= next.span.start) break;
      if (this.commentTaken[j] || c.span.start < last.span.end || c.line !== last.endLine) continue;
      this.commentTaken[j] = true;
      found.push(c.text);
    }
    this.advanceCommentFront();
    return found.length > 0 ? found.join(' ') : undefined;
  }

  /** All unattached comments before `offset` (the end of a body or the file), with '' for empty lines. */
  private takeCommentsBefore(offset: number): string[] {
    const comments: string[] = [];
    for (let j = this.commentFront; j < this.comments.length; j++) {
      const c = this.comments[j]!;
      if (c.span.start >= offset) break;
      if (this.commentTaken[j]) continue;
      this.commentTaken[j] = true;
      if (c.line - this.commentPrevLine[j]! >= 2) comments.push('');
      comments.push(c.text);
    }
    this.advanceCommentFront();
    return comments;
  }

  private advanceCommentFront(): void {
    while (this.commentFront < this.comments.length && this.commentTaken[this.commentFront]) this.commentFront++;
  }

  /** Skips to where the next list item can start: after `;`/`,`, before `}`, or at a line-starting item. */
  private syncItem(start: number, startsItem: (t: Token) => boolean, stop: ';' | ','): void {
    let depth = 0;
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || this.isTopKeywordAtLineStart(t)) return;
      if (depth === 0 && t.kind === 'punct') {
        if (t.text === '}') return;
        if (t.text === stop) {
          this.advance();
          return;
        }
      }
      if (depth === 0 && this.pos > start && this.startsLine() && startsItem(t)) return;
      if (t.kind === 'punct' && t.text === '{') depth++;
      else if (t.kind === 'punct' && t.text === '}') depth--;
      this.advance();
    }
  }

  /** Skips to the next `import`, `block` or `model`. */
  private syncTop(start: number): void {
    while (!this.atEof()) {
      const t = this.peek();
      if (this.pos > start && t.kind === 'keyword' && TOP_KEYWORDS.has(t.text)) return;
      this.advance();
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  /** The current token is the punctuation or keyword `text`. */
  private at(text: string): boolean {
    const t = this.peek();
    return (t.kind === 'punct' || t.kind === 'keyword') && t.text === text;
  }

  private atEof(): boolean {
    return this.peek().kind === 'eof';
  }

  /** Consumes the current token (never past the end). Returns it; always truthy. */
  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private expect(text: string, hint?: string): Token {
    if (!this.at(text)) this.fail(`\`${text}\``, hint);
    return this.advance();
  }

  /** `{`, or E0104 with a hint showing how `example` is written. */
  private expectOpenBrace(example: string): Token {
    if (this.at('{')) return this.advance();
    return this.fail('`{`', `write ${example} { … }`);
  }

  private parseIdent(what: string): Identifier {
    const t = this.peek();
    if (t.kind !== 'ident') {
      const hint = t.kind === 'keyword' ? `\`${t.text}\` is a keyword and cannot be used as a name` : undefined;
      this.fail(what, hint);
    }
    this.advance();
    return { name: t.text, span: t.span };
  }

  private startsLine(): boolean {
    return this.pos === 0 || this.peek().line > this.tokens[this.pos - 1]!.endLine;
  }

  private isTopKeywordAtLineStart(t: Token): boolean {
    return t.kind === 'keyword' && TOP_KEYWORDS.has(t.text) && t === this.peek() && this.startsLine();
  }

  private startsStatement(t: Token, inModel: boolean): boolean {
    if (t.kind === 'ident') return true;
    if (t.kind !== 'keyword') return false;
    return STATEMENT_KEYWORDS.has(t.text) || (inModel && MODEL_ITEM_KEYWORDS.has(t.text));
  }

  /** Runs `parse` one nesting level deeper, stopping with E0107 past {@link MAX_NESTING}. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) {
      const t = this.peek();
      this.diagnostics.push(
        createDiagnostic('E0107', `source is nested more than ${MAX_NESTING} levels deep`, t.span.end > t.span.start ? t.span : this.pointAt(t)),
      );
      throw new AbortParse();
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private binary(op: BinaryOp, left: Expr, right: Expr): Expr {
    return this.made({ kind: 'binary', op, left, right, span: this.join(left, right) }, left, right);
  }

  /** Records an expression's tree depth; E0107 when a chain such as 1 + 1 + … + 1 gets too deep. */
  private made(expr: Expr, ...children: Expr[]): Expr {
    let depth = 0;
    for (const child of children) depth = Math.max(depth, this.exprDepth.get(child) ?? 1);
    if (depth + 1 > MAX_NESTING) {
      this.diagnostics.push(createDiagnostic('E0107', `expression is nested more than ${MAX_NESTING} levels deep`, expr.span));
      throw new AbortParse();
    }
    this.exprDepth.set(expr, depth + 1);
    return expr;
  }

  private spanFrom(first: { span: Span }): Span {
    const last = this.tokens[this.pos - 1];
    const end = last && last.span.end > first.span.start ? last.span.end : first.span.end;
    return { file: this.file, start: first.span.start, end };
  }

  private join(a: { span: Span }, b: { span: Span }): Span {
    return { file: this.file, start: a.span.start, end: b.span.end };
  }

  /** A one-character span for a zero-width token: the end of file is shown just after the last token. */
  private pointAt(t: Token): Span {
    const last = t.kind === 'eof' ? this.tokens[this.tokens.length - 2] : undefined;
    const start = last ? last.span.end : t.span.start;
    return { file: this.file, start, end: start + 1 };
  }

  /** Reports "expected X, found Y" at the current token and unwinds to the nearest list. */
  private fail(expected: string, hint?: string): never {
    const t = this.peek();
    this.report(t, `expected ${expected}, found ${describe(t)}`, hint);
    throw new ParseError();
  }

  private report(t: Token, message: string, hint?: string, related?: Diagnostic['related']): void {
    // One diagnostic per token; none at a token the lexer already complained about.
    if (t.invalid || this.reportedAt.has(t.span.start)) return;
    this.reportedAt.add(t.span.start);
    const diagnostic = createDiagnostic('E0104', message, t.kind === 'eof' ? this.pointAt(t) : t.span, hint);
    if (related) diagnostic.related = related;
    this.diagnostics.push(diagnostic);
  }

  /** A model name's part was a malformed number: report it as a bad name (E0106) rather than a bad number. */
  private forgetNumberError(t: Token): void {
    if (!t.invalid) return;
    const index = this.diagnostics.findIndex((d) => d.code === 'E0105' && d.span?.start === t.span.start);
    if (index >= 0) this.diagnostics.splice(index, 1);
  }

  private separatorHint(previous?: Argument): string | undefined {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === '=' && previous && !previous.name && previous.value.kind === 'name') {
      return `named arguments use a colon: ${previous.value.name}: …`;
    }
    if (t.kind === 'punct' && t.text === ':') return 'only a plain name can come before `:`';
    if (t.kind !== 'punct' && t.kind !== 'eof') return 'separate arguments with commas';
    return undefined;
  }

  private statementHint(t: Token): string | undefined {
    if (t.kind === 'keyword') {
      if (MODEL_ITEM_KEYWORDS.has(t.text)) return `\`${t.text}\` goes directly in a model body`;
      if (t.text === 'else') return '`else` follows the `}` of an `if`';
      if (t.text === 'shortcut') return '`shortcut { … }` follows the body of a `residual`';
      if (t.text === 'branch') return '`branch` goes inside `concat { … }`';
      if (t.text === 'first') return '`first(…)` follows a repeated call: repeat 3 bottleneck(64) first(stride: 2)';
    }
    if (t.kind === 'punct' && t.text === ';') return 'remove the extra `;`';
    const previous = this.tokens[this.pos - 1];
    const expressionLike = t.kind === 'int' || t.kind === 'dims' || t.kind === 'float' || t.kind === 'string' || (t.kind === 'punct' && t.text === '-');
    if (expressionLike && previous && this.bareCallEnd === this.pos && previous.endLine === t.line) {
      let end = t.span.end;
      for (let k = this.pos; k < this.tokens.length && this.tokens[k]!.line === t.line && this.tokens[k]!.kind !== 'eof'; k++) {
        if (this.tokens[k]!.text === '}' || this.tokens[k]!.text === ';') break;
        end = this.tokens[k]!.span.end;
      }
      return `layer arguments go in parentheses: ${previous.text}(${this.text.slice(t.span.start, end)})`;
    }
    return undefined;
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of file';
  const text = t.text.length > 24 ? `${t.text.slice(0, 23)}…` : t.text;
  return `\`${text}\``;
}

function setTrailing<T extends Node, K extends 'trailingComments' | 'elseTrailingComments' | 'shortcutTrailingComments'>(
  node: T & { [key in K]?: string[] },
  key: K,
  comments: string[],
): void {
  if (comments.length > 0) (node as Record<K, string[]>)[key] = comments;
}
