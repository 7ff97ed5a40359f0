import { createDiagnostic, DiagnosticError, nearestName, type Span } from '@excite/diagnostics';
import type { Expr, ModelDecl, SeConfig, Statement } from '../ast.js';
import { bindArgs, SE_SETTINGS, type SeSettings } from './layer-specs.js';
import type { Program } from './program.js';
import { evaluate, Scope } from './values.js';

/** A model with its `extends` chain applied: the header, parameters and SE configuration in force, and its layers. */
export interface ResolvedModel {
  name: string;
  /** The file holding the model's own declaration. */
  file: string;
  span: Span;
  input: [number, number, number];
  classes: number;
  /** Model-level variables: the `param`s and `classes`. */
  scope: Scope;
  se: { global: Partial<SeSettings>; byStage: Map<string, { settings: Partial<SeSettings>; span: Span }> };
  body: Statement[];
  /** `base → … → this` */
  lineage: string[];
}

const MAX_LINEAGE = 64;

function fail(code: Parameters<typeof createDiagnostic>[0], message: string, span: Span | undefined, hint?: string): never {
  throw new DiagnosticError(createDiagnostic(code, message, span, hint));
}

/** The chain of declarations from the root model to `name`, reporting unknown bases and cycles. */
function lineageOf(program: Program, name: string, span?: Span): ModelDecl[] {
  const chain: ModelDecl[] = [];
  let current = program.models.get(name);
  if (!current) {
    const near = nearestName(name, program.models.keys());
    fail('E0204', `no model named \`${name}\``, span, near ? `did you mean \`${near}\`?` : `models here: ${[...program.models.keys()].join(', ')}`);
  }
  while (current) {
    const decl: ModelDecl = current.decl;
    if (chain.includes(decl) || chain.length > MAX_LINEAGE) {
      fail('E0206', `model \`${decl.name.name}\` extends itself through ${chain.map((m) => m.name.name).join(' → ')}`, decl.name.span);
    }
    chain.unshift(decl);
    if (!decl.extends) break;
    const base = program.models.get(decl.extends.name);
    if (!base) {
      const near = nearestName(decl.extends.name, program.models.keys());
      fail('E0204', `\`${decl.name.name}\` extends unknown model \`${decl.extends.name}\``, decl.extends.span,
        near ? `did you mean \`${near}\`?` : 'import the file that defines it');
    }
    current = base;
  }
  return chain;
}

function seEntries(config: SeConfig, scope: Scope): Partial<SeSettings> {
  for (const entry of config.entries) {
    if (!entry.name) fail('E0208', 'SE settings are written as `name: value`', entry.span, `settings: ${SE_SETTINGS.map((s) => s.name).join(', ')}`);
    if (!SE_SETTINGS.some((s) => s.name === entry.name!.name)) {
      const near = nearestName(entry.name.name, SE_SETTINGS.map((s) => s.name));
      fail('E0208', `\`${entry.name.name}\` is not an SE setting`, entry.name.span,
        near ? `did you mean \`${near}\`?` : `settings: ${SE_SETTINGS.map((s) => s.name).join(', ')}`);
    }
  }
  return bindArgs(SE_SETTINGS, config.entries, scope, 'config se', config.span, false).values as Partial<SeSettings>;
}

export interface ResolveOptions {
  /** Overrides the model's spatial input size: [H, W]. */
  input?: [number, number];
}

export function resolveModel(program: Program, name: string, options: ResolveOptions = {}, span?: Span): ResolvedModel {
  const chain = lineageOf(program, name, span);
  const self = chain[chain.length - 1]!;
  let input: { expr: Expr } | undefined;
  let classes: { expr: Expr } | undefined;
  const params = new Map<string, { expr: Expr; span: Span }>();
  const configs: SeConfig[] = [];
  let body: Statement[] | undefined;
  for (const decl of chain) {
    const statements: Statement[] = [];
    for (const item of decl.items) {
      switch (item.kind) {
        case 'input':
          input = { expr: item.dims };
          break;
        case 'classes':
          classes = { expr: item.value };
          break;
        case 'param': {
          const declared = params.has(item.name.name);
          if (decl !== chain[0] && !declared) {
            const near = nearestName(item.name.name, params.keys());
            fail('E0306', `\`${decl.name.name}\` overrides \`${item.name.name}\`, which \`${chain[0]!.name.name}\` does not declare`, item.name.span,
              near ? `did you mean \`${near}\`?` : undefined);
          }
          if (decl === chain[0] && declared) fail('E0203', `param \`${item.name.name}\` is declared twice`, item.name.span);
          params.set(item.name.name, { expr: item.value, span: item.span });
          break;
        }
        case 'config':
          configs.push(item);
          break;
        default:
          statements.push(item);
      }
    }
    if (decl === chain[0]) body = statements;
    else if (statements.length > 0) {
      fail('E0214', `variant \`${decl.name.name}\` may not add layers`, statements[0]!.span,
        'a variant changes its base through `input`, `classes`, `param` and `config se`; write a new model for new layers');
    }
  }
  if (!input || !classes) {
    fail('E0305', `model \`${name}\` has no ${!input ? '`input`' : '`classes`'}`, self.name.span);
  }
  if (!body || body.length === 0) fail('E0307', `model \`${name}\` has no layers`, self.name.span);

  const scope = new Scope();
  const classesValue = evaluate(classes.expr, scope);
  if (classesValue.type !== 'int' || classesValue.value < 1 || classesValue.value > 1 << 20) {
    fail('E0302', `classes must be a positive integer, found ${String(classesValue.value)}`, classes.expr.span);
  }
  scope.set('classes', classesValue);
  for (const [paramName, { expr }] of params) scope.set(paramName, evaluate(expr, scope));

  const inputValue = evaluate(input.expr, scope);
  if (inputValue.type !== 'dims' || inputValue.value.length !== 3) {
    fail('E0301', 'input must be C x H x W, like 3x224x224', input.expr.span);
  }
  const [c, h, w] = inputValue.value as [number, number, number];
  const [height, width] = options.input ?? [h, w];
  for (const [what, n] of [['channels', c], ['height', height], ['width', width]] as const) {
    if (n < 1 || n > 1 << 16) fail('E0302', `input ${what} must be between 1 and 65536, found ${n}`, input.expr.span);
  }

  const se = { global: {} as Partial<SeSettings>, byStage: new Map<string, { settings: Partial<SeSettings>; span: Span }>() };
  for (const config of configs) {
    const settings = seEntries(config, scope);
    if (!config.stage) Object.assign(se.global, settings);
    else {
      const existing = se.byStage.get(config.stage.name);
      se.byStage.set(config.stage.name, { settings: { ...existing?.settings, ...settings }, span: config.stage.span });
    }
  }
  return {
    name,
    file: program.models.get(name)!.file,
    span: self.name.span,
    input: [c, height, width],
    classes: classesValue.value,
    scope,
    se,
    body,
    lineage: chain.map((m) => m.name.name),
  };
}
