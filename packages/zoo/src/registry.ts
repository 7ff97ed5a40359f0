import { createDiagnostic, DiagnosticError, nearestName } from '@excite/diagnostics';
import { elaborateModel, loadProgram, memoryHost, type Program, type ResolveOptions } from '@excite/dsl';
import { costReport, type CostReport, type Graph } from '@excite/ir';
import { MODEL_SOURCES } from './models.generated.js';

/** What the paper reports for a model: the figures the zoo's tests hold it to. */
export interface PaperFigures {
  /** Where the figure is printed, e.g. "Table 2". */
  table: string;
  /** GFLOPs as the paper counts them (multiply-accumulates of conv and FC layers). */
  gmacs?: number;
  /** Whether `gmacs` includes the SE blocks' pooling and scaling operations (Table 2's SE columns do). */
  gmacsIncludeSeOps?: boolean;
  /** Millions of parameters. */
  mparams?: number;
  note?: string;
}

export interface ZooEntry {
  name: string;
  family: string;
  /** The `.se` file in the zoo that declares it. */
  file: string;
  /** The same network without SE, for SE models. */
  baseline?: string;
  paper: PaperFigures;
}

const T2 = 'Table 2';

/** Every model of the zoo, with the paper's figures for it. */
export const ZOO: readonly ZooEntry[] = [
  { name: 'se-resnet-50', family: 'se-resnet', file: 'se-resnet.se', baseline: 'resnet-50',
    paper: { table: 'Table 2, §3', gmacs: 3.87, gmacsIncludeSeOps: true, mparams: 28.09, note: '3.86 GFLOPs counting conv and FC only' } },
  { name: 'se-resnet-101', family: 'se-resnet', file: 'se-resnet.se', baseline: 'resnet-101', paper: { table: T2, gmacs: 7.60, gmacsIncludeSeOps: true } },
  { name: 'se-resnet-152', family: 'se-resnet', file: 'se-resnet.se', baseline: 'resnet-152', paper: { table: T2, gmacs: 11.32, gmacsIncludeSeOps: true } },
  { name: 'resnet-50', family: 'resnet', file: 'se-resnet.se', paper: { table: 'Table 2, Table 10', gmacs: 3.86, mparams: 25.56 } },
  { name: 'resnet-101', family: 'resnet', file: 'se-resnet.se', paper: { table: T2, gmacs: 7.58 } },
  { name: 'resnet-152', family: 'resnet', file: 'se-resnet.se', paper: { table: T2, gmacs: 11.30 } },
  { name: 'se-resnext-50', family: 'se-resnext', file: 'se-resnext.se', baseline: 'resnext-50',
    paper: { table: T2, gmacs: 4.25, gmacsIncludeSeOps: true, mparams: 27.56 } },
  { name: 'se-resnext-101', family: 'se-resnext', file: 'se-resnext.se', baseline: 'resnext-101', paper: { table: T2, gmacs: 8.00, gmacsIncludeSeOps: true } },
  { name: 'resnext-50', family: 'resnext', file: 'se-resnext.se', paper: { table: T2, gmacs: 4.24 } },
  { name: 'resnext-101', family: 'resnext', file: 'se-resnext.se', paper: { table: T2, gmacs: 7.99 } },
];

/** The zoo's `.se` sources as a host: import paths resolve among the zoo's files. */
export const zooHost = memoryHost(MODEL_SOURCES as Record<string, string>);

export function zooSources(): Readonly<Record<string, string>> {
  return MODEL_SOURCES;
}

export function zooEntry(name: string): ZooEntry | undefined {
  return ZOO.find((entry) => entry.name === name);
}

const programs = new Map<string, Program>();

/** The parsed program of one zoo file (cached: zoo files never change at run time). */
export function zooProgram(file: string): Program {
  let program = programs.get(file);
  if (!program) {
    program = loadProgram(file, zooHost);
    if (program.diagnostics.length > 0) throw new DiagnosticError(program.diagnostics);
    programs.set(file, program);
  }
  return program;
}

/** Throws a DiagnosticError (E0502) naming the closest zoo model when `name` is not one. */
export function requireZooEntry(name: string): ZooEntry {
  const entry = zooEntry(name);
  if (!entry) {
    const near = nearestName(name, ZOO.map((e) => e.name));
    throw new DiagnosticError(
      createDiagnostic('E0502', `\`${name}\` is not a zoo model`, undefined, near ? `did you mean \`${near}\`? (\`excite list\` shows them all)` : '`excite list` shows the zoo'),
    );
  }
  return entry;
}

/** A zoo model as IR: `createModel('se-resnext-50', { input: [64, 64] })`. */
export function createModel(name: string, options: ResolveOptions = {}): Graph {
  const entry = requireZooEntry(name);
  return elaborateModel(zooProgram(entry.file), name, options);
}

/** A zoo model's cost report at its native input size. */
export function modelCost(name: string, options: ResolveOptions = {}): CostReport {
  return costReport(createModel(name, options));
}
