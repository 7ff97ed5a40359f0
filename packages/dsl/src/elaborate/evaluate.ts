import { createDiagnostic, DiagnosticError, nearestName, type Span } from '@excite/diagnostics';
import type { Argument, CallStatement, Expr, ResidualStatement, Statement } from '../ast.js';
import {
  ACTIVATIONS,
  bindArgs,
  DEFAULT_SE_SETTINGS,
  isLayerName,
  LAYERS,
  type ActivationName,
  type ArgSpec,
  type ArgValue,
  type LayerName,
  type SeSettings,
} from './layer-specs.js';
import type { ResolvedModel } from './model.js';
import { unknownCalleeHint } from './checks.js';
import type { Program } from './program.js';
import { coerceToType, evaluate, Scope } from './values.js';

/**
 * Phase 1 of elaboration: statements evaluated into a tree of concrete layers. Parameters, `let`s, `if`s,
 * repeats and block calls are gone; names are assigned; SE settings are resolved and the SE blocks moved to where
 * their integration mode puts them. Shapes come in phase 2 (lower.ts).
 */
export type TreeNode = LayerNode | SeNode | ResidualNode | ConcatNode;

interface Placed {
  /** Full name: stage, block instance and layer, dot-separated (`conv3_x.2.conv1`). */
  name: string;
  span: Span;
  stage?: string;
}

export interface LayerNode extends Placed {
  kind: 'layer';
  layer: Exclude<LayerName, 'se'>;
  args: Record<string, ArgValue>;
  argSpans: Record<string, Span>;
}

export interface SeNode extends Placed {
  kind: 'se';
  settings: SeSettings;
  argSpans: Record<string, Span>;
}

export interface ResidualNode extends Placed {
  kind: 'residual';
  main: TreeNode[];
  shortcut: TreeNode[];
  join: 'add' | 'concat';
  scale: number;
  act?: ActivationName;
  /** SE-POST: the SE applied after the join and activation. */
  post?: SeNode;
  /** Where the shortcut was written, for shape errors about it. */
  shortcutSpan?: Span;
}

export interface ConcatNode extends Placed {
  kind: 'concat';
  branches: TreeNode[][];
}

const RESIDUAL_ARGS: ArgSpec[] = [
  { name: 'act', kind: { kind: 'enum', members: ACTIVATIONS }, default: 'identity' },
  { name: 'join', kind: { kind: 'enum', members: ['add', 'concat'] }, default: 'add' },
  { name: 'scale', kind: { kind: 'float', min: -1e6, max: 1e6 }, default: 1 },
];

/** Refuse programs that would expand to absurd sizes (a repeat of a repeat of a repeat…). */
const MAX_TREE_NODES = 100_000;
const MAX_CALL_DEPTH = 64;
const MAX_REPEAT = 10_000;

/** Names in one scope: counters per layer kind, so names read conv1, conv2, bn1 … like the paper's tables. */
class Names {
  private readonly counters = new Map<string, number>();
  constructor(readonly prefix: string) {}
  next(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return this.qualify(`${kind}${n}`);
  }
  nextIndex(kind: string): number {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return n;
  }
  qualify(local: string): string {
    return this.prefix ? `${this.prefix}.${local}` : local;
  }
  child(local: string): Names {
    return new Names(this.qualify(local));
  }
}

interface Context {
  scope: Scope;
  names: Names;
  /** Enclosing stages, outermost first. */
  stages: string[];
  /** Enclosing stage directly owning the statements (block numbering uses it). */
  inStageBody: boolean;
  calls: string[];
}

function fail(code: Parameters<typeof createDiagnostic>[0], message: string, span: Span, hint?: string): never {
  throw new DiagnosticError(createDiagnostic(code, message, span, hint));
}

export interface EvaluatedModel {
  tree: TreeNode[];
  /** Every stage name seen, to validate `config se in STAGE`. */
  stages: Set<string>;
}

export function evaluateModel(program: Program, model: ResolvedModel): EvaluatedModel {
  let budget = MAX_TREE_NODES;
  const stagesSeen = new Set<string>();

  const count = (span: Span) => {
    if (--budget < 0) fail('E0308', `the model expands to more than ${MAX_TREE_NODES} layers`, span);
  };

  const seSettingsAt = (ctx: Context, overrides: Partial<SeSettings>): SeSettings => {
    const settings: SeSettings = { ...DEFAULT_SE_SETTINGS, ...model.se.global };
    for (const stage of ctx.stages) Object.assign(settings, model.se.byStage.get(stage)?.settings);
    return { ...settings, ...overrides };
  };

  const statements = (body: readonly Statement[], ctx: Context): TreeNode[] => {
    const out: TreeNode[] = [];
    // `let` bindings are visible to the statements after them, in a scope of this body's own.
    const local: Context = { ...ctx, scope: ctx.scope.child() };
    for (const statement of body) out.push(...evaluateStatement(statement, local));
    return out;
  };

  const evaluateStatement = (s: Statement, ctx: Context): TreeNode[] => {
    switch (s.kind) {
      case 'let':
        if (isLayerName(s.name.name)) fail('E0203', `\`${s.name.name}\` is a layer name`, s.name.span, 'pick another name');
        ctx.scope.set(s.name.name, evaluate(s.value, ctx.scope));
        return [];
      case 'stage': {
        stagesSeen.add(s.name.name);
        const names = ctx.names.child(s.name.name);
        return statements(s.body, { ...ctx, names: new Names(names.prefix), stages: [...ctx.stages, s.name.name], inStageBody: true });
      }
      case 'if': {
        const test = evaluate(s.test, ctx.scope);
        if (test.type !== 'bool') fail('E0301', `an if condition must be true or false, found ${test.type}`, s.test.span);
        const branch = test.value ? s.then : (s.else ?? []);
        return statements(branch, ctx);
      }
      case 'repeat':
        return repeat(s.count, s.call, s.first, s.span, ctx);
      case 'call':
        return call(s, s.args, ctx);
      case 'residual':
        return [residual(s, ctx)];
      case 'concat': {
        count(s.span);
        const name = ctx.names.next('concat');
        const branches = s.branches.map((branch, i) =>
          statements(branch.body, { ...ctx, names: ctx.names.child(`branch${i + 1}`), inStageBody: false }),
        );
        return [{ kind: 'concat', name, span: s.span, stage: ctx.stages.at(-1), branches }];
      }
    }
  };

  const repeat = (countExpr: Expr, callStatement: CallStatement, first: Argument[], span: Span, ctx: Context): TreeNode[] => {
    const times = evaluate(countExpr, ctx.scope);
    if (times.type !== 'int') fail('E0301', `repeat needs an integer count, found ${times.type}`, countExpr.span);
    if (times.value < 1 || times.value > MAX_REPEAT) {
      fail('E0302', `repeat count must be between 1 and ${MAX_REPEAT}, found ${times.value}`, countExpr.span,
        'to disable a stage use `if`, not a zero count');
    }
    for (const arg of first) {
      if (!arg.name) fail('E0211', 'arguments in `first(…)` must be named', arg.span, 'write first(stride: 2, project: true)');
    }
    const overridden = new Set(first.map((a) => a.name!.name));
    const out: TreeNode[] = [];
    for (let i = 0; i < times.value; i++) {
      const args = i === 0 ? [...callStatement.args.filter((a) => !a.name || !overridden.has(a.name.name)), ...first] : callStatement.args;
      out.push(...call(callStatement, args, ctx));
    }
    return out;
  };

  const call = (s: CallStatement, args: Argument[], ctx: Context): TreeNode[] => {
    count(s.span);
    const callee = s.callee.name;
    if (isLayerName(callee)) return [layer(callee, s, args, ctx)];
    const block = program.blocks.get(callee);
    if (!block) fail('E0201', `unknown layer or block \`${callee}\``, s.callee.span, unknownCalleeHint(callee, program));
    if (ctx.calls.includes(callee)) {
      fail('E0213', `block \`${callee}\` calls itself (${[...ctx.calls.slice(ctx.calls.indexOf(callee)), callee].join(' → ')})`, s.callee.span);
    }
    if (ctx.calls.length >= MAX_CALL_DEPTH) fail('E0308', `blocks nest more than ${MAX_CALL_DEPTH} deep`, s.span);
    const decl = block.decl;
    const scope = new Scope();
    const bound = new Set<string>();
    let position = 0;
    for (const arg of args) {
      const param = arg.name ? decl.params.find((p) => p.name.name === arg.name!.name) : decl.params[position++];
      if (!param) {
        if (arg.name) {
          const near = nearestName(arg.name.name, decl.params.map((p) => p.name.name));
          fail('E0202', `block \`${callee}\` has no parameter \`${arg.name.name}\``, arg.name.span,
            near ? `did you mean \`${near}\`?` : `its parameters: ${decl.params.map((p) => p.name.name).join(', ') || 'none'}`);
        }
        fail('E0211', `block \`${callee}\` takes ${decl.params.length} parameter(s)`, arg.span);
      }
      if (bound.has(param.name.name)) fail('E0209', `parameter \`${param.name.name}\` of \`${callee}\` is given twice`, arg.span);
      bound.add(param.name.name);
      const symbols = new Set(param.type.kind === 'enum' ? param.type.members.map((m) => m.name) : []);
      scope.set(param.name.name, coerceToType(evaluate(arg.value, ctx.scope, symbols), param.type, arg.value.span, `\`${callee}\` parameter \`${param.name.name}\``));
    }
    for (const param of decl.params) {
      if (bound.has(param.name.name)) continue;
      if (!param.default) {
        fail('E0210', `block \`${callee}\` needs \`${param.name.name}\``, s.span, `call it as ${callee}(…, ${param.name.name}: …)`);
      }
      const symbols = new Set(param.type.kind === 'enum' ? param.type.members.map((m) => m.name) : []);
      // Defaults see the parameters bound so far, so `out: int = width * 4` works.
      scope.set(param.name.name, coerceToType(evaluate(param.default, scope, symbols), param.type, param.default.span, `default of \`${param.name.name}\``));
    }
    const index = ctx.names.nextIndex(ctx.inStageBody ? '#block' : callee);
    const instance = s.alias?.name ?? (ctx.inStageBody ? String(index) : `${callee}${index}`);
    return statements(decl.body, {
      ...ctx,
      scope,
      names: ctx.names.child(instance),
      calls: [...ctx.calls, callee],
      inStageBody: false,
    });
  };

  const layer = (kind: LayerName, s: CallStatement, args: Argument[], ctx: Context): TreeNode => {
    const stage = ctx.stages.at(-1);
    if (kind === 'se') {
      const { values, spans } = bindArgs(LAYERS.se.args, args, ctx.scope, 'se', s.span, false);
      const { site = 'last', ...overrides } = values as Partial<SeSettings> & { site?: string };
      const settings = seSettingsAt(ctx, overrides);
      // An `se` is active only where SE is enabled and its site is the attached one; inactive ones are pruned
      // and take no name, so the active block of a bottleneck is always `….se`.
      const active = settings.enabled && site === settings.attach;
      const index = active ? ctx.names.nextIndex('se') : 0;
      const name = ctx.names.qualify(s.alias?.name ?? (index <= 1 ? 'se' : `se${index}`));
      return { kind: 'se', name, span: s.span, stage, settings: { ...settings, enabled: active }, argSpans: spans };
    }
    const { values, spans } = bindArgs(LAYERS[kind].args, args, ctx.scope, kind, s.span);
    const name = s.alias ? ctx.names.qualify(s.alias.name) : ctx.names.next(kind);
    return { kind: 'layer', layer: kind, name, span: s.span, stage, args: values, argSpans: spans };
  };

  const residual = (s: ResidualStatement, ctx: Context): ResidualNode => {
    count(s.span);
    const { values } = bindArgs(RESIDUAL_ARGS, s.args, ctx.scope, 'residual', s.span);
    const name = ctx.names.next('residual');
    const main = statements(s.main, { ...ctx, inStageBody: false });
    const shortcut = statements(s.shortcut ?? [], { ...ctx, names: ctx.names.child('shortcut'), inStageBody: false });
    const node: ResidualNode = {
      kind: 'residual',
      name,
      span: s.span,
      stage: ctx.stages.at(-1),
      main,
      shortcut,
      join: values.join as 'add' | 'concat',
      scale: values.scale as number,
    };
    if (values.act !== 'identity') node.act = values.act as ActivationName;
    if (s.shortcutSpan) node.shortcutSpan = s.shortcutSpan;
    integrate(node);
    return node;
  };

  /** Moves the main branch's active SE to where its integration mode puts it (paper §6.4, Fig. 5). */
  const integrate = (node: ResidualNode) => {
    const index = node.main.findIndex((n) => n.kind === 'se' && n.settings.enabled && n.settings.integration !== 'standard');
    if (index < 0) return;
    const se = node.main[index] as SeNode;
    node.main.splice(index, 1);
    const moved = { ...se };
    switch (se.settings.integration) {
      case 'pre':
        node.main.unshift(moved);
        break;
      case 'post':
        node.post = moved;
        break;
      case 'identity':
        node.shortcut.push({ ...moved, name: se.name.replace(/\.se$/, '.shortcut.se') });
        break;
    }
  };

  const rootContext: Context = {
    scope: model.scope.child(),
    names: new Names(''),
    stages: [],
    inStageBody: false,
    calls: [],
  };
  const tree = statements(model.body, rootContext);
  checkIntegrationOutsideResidual(tree, false);
  for (const [stage, { span }] of model.se.byStage) {
    if (!stagesSeen.has(stage)) {
      const near = nearestName(stage, stagesSeen);
      fail('E0207', `model \`${model.name}\` has no stage \`${stage}\``, span, near ? `did you mean \`${near}\`?` : `stages: ${[...stagesSeen].join(', ') || 'none'}`);
    }
  }
  return { tree: pruneDisabled(tree), stages: stagesSeen };
}

/** An SE left with a non-standard integration outside any residual main branch has nowhere to go. */
function checkIntegrationOutsideResidual(nodes: TreeNode[], inMain: boolean): void {
  for (const node of nodes) {
    if (node.kind === 'se' && node.settings.enabled && node.settings.integration !== 'standard' && !inMain) {
      fail('E0407', `SE integration \`${node.settings.integration}\` needs the \`se\` inside a residual's main branch`, node.span);
    }
    if (node.kind === 'residual') {
      checkIntegrationOutsideResidual(node.main, true);
      checkIntegrationOutsideResidual(node.shortcut, true);
    }
    if (node.kind === 'concat') node.branches.forEach((b) => checkIntegrationOutsideResidual(b, false));
  }
}

function pruneDisabled(nodes: TreeNode[]): TreeNode[] {
  const out: TreeNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'se' && !node.settings.enabled) continue;
    if (node.kind === 'residual') {
      const pruned: ResidualNode = { ...node, main: pruneDisabled(node.main), shortcut: pruneDisabled(node.shortcut) };
      if (node.post && !node.post.settings.enabled) delete pruned.post;
      out.push(pruned);
    } else if (node.kind === 'concat') out.push({ ...node, branches: node.branches.map(pruneDisabled) });
    else out.push(node);
  }
  return out;
}
