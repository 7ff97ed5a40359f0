// The one shape every benchmark reports in, so `pnpm bench` can gather them into docs/benchmarks.md. A benchmark
// prints its own table for a person and, given `--json FILE`, writes the same figures there for the report.
import { writeFileSync } from 'node:fs';

/** One measured quantity: every sample kept, summarised as median / min / max. */
export interface Figure {
  label: string;
  unit: string;
  samples: number[];
  /** Group name for charts: figures of one group are drawn side by side. */
  group?: string;
}

/** A ratio measured side by side in the same run, with the goal it is held to (`value <= goal` passes). */
export interface Ratio {
  label: string;
  value: number;
  goal?: number;
  /** 'max' (default): the ratio must not exceed the goal; 'min': it must reach it (throughputs). */
  direction?: 'max' | 'min';
}

export interface BenchResult {
  name: string;
  title: string;
  /** What was run, how, and what the figures mean. */
  setup: string[];
  figures: Figure[];
  ratios: Ratio[];
  notes?: string[];
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, runs: n };
}

export function median(samples: readonly number[]): number {
  return summarize(samples).median;
}

export const meetsGoal = (r: Ratio) => r.goal === undefined || (r.direction === 'min' ? r.value >= r.goal : r.value <= r.goal);

/** The value of `--flag`, or the fallback. */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

export const quick = process.argv.includes('--quick');

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toPrecision(3);
}

/** A plain-text table of the figures and ratios, for the terminal. */
export function renderResult(result: BenchResult): string {
  const rows = [['', 'median', 'min', 'max', 'runs', 'unit']];
  for (const f of result.figures) {
    const s = summarize(f.samples);
    rows.push([f.label, format(s.median), format(s.min), format(s.max), String(s.runs), f.unit]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [`# ${result.title}`, ...result.setup.map((s) => `  ${s}`), ''];
  for (const r of rows) lines.push(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  if (result.ratios.length > 0) lines.push('');
  for (const r of result.ratios) {
    const goal = r.goal === undefined ? '' : `  (goal ${r.direction === 'min' ? '≥' : '≤'} ${r.goal}: ${meetsGoal(r) ? 'met' : 'MISSED'})`;
    lines.push(`${r.label}: ${format(r.value)}${goal}`);
  }
  for (const n of result.notes ?? []) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** Prints the result and, with `--json FILE`, writes it for the report. */
export function report(result: BenchResult): void {
  console.log(renderResult(result));
  const file = flag('--json', '');
  if (file) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}
