// A horizontal bar chart as a standalone SVG: one bar per figure (its median), a whisker from min to max. Figures of
// different units get separate panels. Written by hand because it is 60 lines and the report must not need a browser.
import { summarize, type Figure } from './results.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toPrecision(2));

export function barChart(title: string, figures: readonly Figure[]): string {
  const units = [...new Set(figures.map((f) => f.unit))];
  const labelWidth = Math.min(420, 16 + 7 * Math.max(...figures.map((f) => f.label.length)));
  const plotWidth = 420;
  const rowHeight = 22;
  const width = labelWidth + plotWidth + 90;
  const parts: string[] = [];
  let y = 30;
  for (const unit of units) {
    const rows = figures.filter((f) => f.unit === unit);
    const max = Math.max(...rows.map((f) => summarize(f.samples).max)) || 1;
    const x = (v: number) => labelWidth + (v / max) * plotWidth;
    parts.push(`<text x="${labelWidth}" y="${y}" class="unit">${escape(unit)}</text>`);
    y += 8;
    for (const f of rows) {
      const s = summarize(f.samples);
      const mid = y + rowHeight / 2;
      parts.push(
        `<text x="${labelWidth - 8}" y="${mid + 4}" text-anchor="end">${escape(f.label)}</text>`,
        `<rect x="${labelWidth}" y="${y + 3}" width="${(x(s.median) - labelWidth).toFixed(1)}" height="${rowHeight - 6}" class="bar"/>`,
        `<line x1="${x(s.min).toFixed(1)}" x2="${x(s.max).toFixed(1)}" y1="${mid}" y2="${mid}" class="whisker"/>`,
        `<text x="${(x(s.max) + 6).toFixed(1)}" y="${mid + 4}">${fmt(s.median)}</text>`,
      );
      y += rowHeight;
    }
    y += 16;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif" font-size="12">`,
    '<style>.bar{fill:#4c78a8}.whisker{stroke:#222;stroke-width:1.5}.unit{font-weight:bold}.title{font-size:14px;font-weight:bold}</style>',
    `<text x="8" y="18" class="title">${escape(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
