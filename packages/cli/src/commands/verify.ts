import { createDiagnostic, DiagnosticError, nearestName } from '@excite/diagnostics';
import { table } from '../format-number.js';
import { loadModelArgument, parseSeed } from '../source.js';
import { NOISE_FLOOR_FACTOR, VERIFY_TARGETS, verifyModel, type VerifyReport } from '../verify/index.js';

export interface VerifyCommandOptions {
  targets?: string;
  input?: string;
  model?: string;
  seed?: string;
  runs?: string;
  json?: boolean;
}

const bad = (message: string, hint?: string) => new DiagnosticError(createDiagnostic('E0503', message, undefined, hint));

export function parseVerifyTargets(text: string | undefined): string[] {
  const known = Object.keys(VERIFY_TARGETS);
  if (text === undefined) return known;
  const names = [...new Set(text.split(',').map((t) => t.trim()).filter(Boolean))];
  if (names.length === 0) throw bad('--targets is empty', `targets: ${known.join(', ')}`);
  for (const name of names) {
    if (!known.includes(name)) {
      const near = nearestName(name, known);
      throw bad(`unknown target \`${name}\``, `${near ? `did you mean \`${near}\`? ` : ''}targets: ${known.join(', ')}`);
    }
  }
  return names;
}

function parseRuns(text: string | undefined): number {
  if (text === undefined) return 5;
  if (!/^\d{1,4}$/.test(text.trim()) || Number(text) < 1) throw bad(`--runs must be a positive integer, found \`${text}\``);
  return Number(text);
}

const exp = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

export function renderVerify(report: VerifyReport): string {
  const rows = [['target', 'runtime', 'max abs diff', 'max rel diff', 'tolerance', 'latency', 'result']];
  for (const r of report.rows) {
    rows.push([
      r.target,
      r.runtime,
      exp(r.maxAbsolute),
      exp(r.relative),
      `${exp(r.tolerance)}${r.noiseFloor === undefined ? '' : '*'}`,
      Number.isFinite(r.latencyMs) ? `${r.latencyMs.toFixed(1)} ms` : '-',
      r.pass ? 'pass' : 'FAIL',
    ]);
  }
  const lines = [
    `${report.model}: input ${report.input.join('x')}, seed ${report.seed}; each target vs the reference interpreter ` +
      `(${report.referenceMs.toFixed(0)} ms), on the logits`,
    '',
    ...table(rows, new Set([2, 3, 4, 5])),
  ];
  const raised = report.rows.find((r) => r.noiseFloor !== undefined);
  if (raised) {
    lines.push('', `* raised to ${NOISE_FLOOR_FACTOR}× this network's float32 noise floor (${exp(raised.noiseFloor!)}): rounding its weights by one ulp moves the output that far`);
  }
  for (const r of report.rows) if (r.error) lines.push('', `${r.target} failed: ${r.error}`);
  lines.push('', report.pass ? 'all targets agree' : `${report.rows.filter((r) => !r.pass).length} target(s) FAILED`);
  return lines.join('\n');
}

/**
 * `excite verify`: compiles the model, runs it on every requested target with the same weights and input, and
 * compares each with the reference interpreter. Returns the report; the caller exits 1 unless it passes.
 */
export async function verifyCommand(
  target: string,
  options: VerifyCommandOptions,
  progress: (step: string, index: number, steps: number) => void,
): Promise<{ output: string; pass: boolean }> {
  const targets = parseVerifyTargets(options.targets);
  const seed = parseSeed(options.seed);
  const runs = parseRuns(options.runs);
  const { graph } = loadModelArgument(target, options);
  const report = await verifyModel(graph, { targets, seed, runs, progress });
  return { output: options.json ? JSON.stringify(report, null, 2) : renderVerify(report), pass: report.pass };
}
