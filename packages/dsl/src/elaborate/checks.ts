import { createDiagnostic, nearestName, type Diagnostic } from '@excite/diagnostics';
import type { BlockDecl, Statement } from '../ast.js';
import { isLayerName, LAYERS } from './layer-specs.js';
import type { Program } from './program.js';

/**
 * Checks that need no model instance: they catch mistakes in blocks that no model uses yet. Each rule is a small
 * function over one block; `checkBlocks` runs them all over the program's blocks.
 */
type BlockRule = (block: BlockDecl, program: Program) => Diagnostic[];

/** A block may not take a built-in layer's name: calls to it would be ambiguous. */
const blockNameIsNotALayer: BlockRule = (block) =>
  isLayerName(block.name.name)
    ? [createDiagnostic('E0203', `block \`${block.name.name}\` has the name of a built-in layer`, block.name.span, 'rename the block')]
    : [];

/** Each parameter is declared once. */
const parametersAreUnique: BlockRule = (block) => {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const param of block.params) {
    if (seen.has(param.name.name)) {
      out.push(createDiagnostic('E0203', `parameter \`${param.name.name}\` of \`${block.name.name}\` is declared twice`, param.name.span));
    }
    seen.add(param.name.name);
  }
  return out;
};

/** What other frameworks call our layers: `batchnorm` is `bn` here, `linear` is `dense`. */
const SYNONYMS: Record<string, string> = {
  batchnorm: 'bn', batch_norm: 'bn', batchnorm2d: 'bn', conv2d: 'conv', linear: 'dense', fc: 'dense',
  gap: 'global_pool', global_avg_pool: 'global_pool', avg_pool: 'avgpool', max_pool: 'maxpool',
  maxpool2d: 'maxpool', avgpool2d: 'avgpool', shuffle: 'channel_shuffle', hardsigmoid: 'hard_sigmoid',
  silu: 'swish', squeeze_excite: 'se', squeeze_excitation: 'se',
};

/** The hint for a call to an unknown name: a synonym we know, the nearest layer or block, or how to define one. */
export function unknownCalleeHint(name: string, program: Program): string {
  const synonym = SYNONYMS[name.toLowerCase()];
  if (synonym) return `excite calls this layer \`${synonym}\``;
  const near = nearestName(name, [...Object.keys(LAYERS), ...program.blocks.keys()]);
  return near ? `did you mean \`${near}\`?` : 'define it with `block` or import the file that does';
}

function* calls(body: readonly Statement[]): Generator<Extract<Statement, { kind: 'call' }>> {
  for (const s of body) {
    switch (s.kind) {
      case 'call':
        yield s;
        break;
      case 'repeat':
        yield s.call;
        break;
      case 'stage':
        yield* calls(s.body);
        break;
      case 'if':
        yield* calls(s.then);
        yield* calls(s.else ?? []);
        break;
      case 'residual':
        yield* calls(s.main);
        yield* calls(s.shortcut ?? []);
        break;
      case 'concat':
        for (const branch of s.branches) yield* calls(branch.body);
        break;
      case 'let':
        break;
    }
  }
}

/** Every call names a built-in layer or a block the program can see. */
const calleesExist: BlockRule = (block, program) => {
  const out: Diagnostic[] = [];
  for (const call of calls(block.body)) {
    const name = call.callee.name;
    if (isLayerName(name) || program.blocks.has(name)) continue;
    out.push(createDiagnostic('E0201', `unknown layer or block \`${name}\``, call.callee.span, unknownCalleeHint(name, program)));
  }
  return out;
};

const BLOCK_RULES: BlockRule[] = [blockNameIsNotALayer, parametersAreUnique, calleesExist];

export function checkBlocks(program: Program, files: Iterable<string> = program.files.keys()): Diagnostic[] {
  const wanted = new Set(files);
  const out: Diagnostic[] = [];
  for (const { decl, file } of program.blocks.values()) {
    if (!wanted.has(file)) continue;
    for (const rule of BLOCK_RULES) out.push(...rule(decl, program));
  }
  return out;
}


