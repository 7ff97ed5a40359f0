import { costReport, type CostReport, type LayerCost } from '@excite/ir';
import { humanCount, table, withCommas } from '../format-number.js';
import { loadModelArgument } from '../source.js';

function geometry(layer: LayerCost): string {
  const parts: string[] = [];
  if (layer.kernel) parts.push(layer.kernel.join('x'));
  if (layer.stride && (layer.stride[0] !== 1 || layer.stride[1] !== 1)) parts.push(`/${layer.stride[0]}`);
  if (layer.groups && layer.groups > 1) parts.push(` g${layer.groups}`);
  return parts.join('');
}

/** A Keras `model.summary()`-style table, grouped by stage, with totals and the SE overhead. */
export function renderInfo(report: CostReport): string {
  const rows: string[][] = [['Layer', 'Op', 'Output shape', 'Params', 'MACs']];
  const rule = '─';
  const lines: string[] = [];
  let stage: string | null | undefined;
  const body: (string[] | string)[] = [];
  for (const layer of report.layers) {
    if (layer.stage !== stage) {
      stage = layer.stage;
      body.push(`${stage ?? '(top level)'}`);
    }
    const op = `${layer.op}${geometry(layer) ? ` ${geometry(layer)}` : ''}`;
    body.push([`  ${layer.name}`, op, `[${layer.outputShape.join(',')}]`, layer.params ? withCommas(layer.params) : '0', layer.macs ? withCommas(layer.macs) : '-']);
  }
  const formatted = table([...rows, ...body.filter((r): r is string[] => Array.isArray(r))], new Set([3, 4]));
  const width = Math.max(...formatted.map((l) => l.length));
  const [header, ...cells] = formatted;
  lines.push(`Model: ${report.name}   input ${report.input.join('x')}`, rule.repeat(width), header!, '═'.repeat(width));
  let i = 0;
  for (const row of body) {
    if (typeof row === 'string') lines.push(row);
    else lines.push(cells[i++]!);
  }
  lines.push(rule.repeat(width));
  const t = report.totals;
  const seParams = report.se.reduce((s, b) => s + b.params, 0);
  const seMacs = report.se.reduce((s, b) => s + b.macs, 0);
  lines.push(
    `Params:   ${withCommas(t.params)} trainable (${humanCount(t.params)}), ${withCommas(t.buffers)} buffers (BN statistics)`,
    `MACs:     ${withCommas(t.macs)} (${humanCount(t.macs)}) in conv and dense layers`,
    `SE ops:   ${withCommas(t.seOps)} (${humanCount(t.seOps)}) squeeze pooling and channel scaling; with MACs ${humanCount(t.macs + t.seOps)}`,
  );
  if (report.se.length > 0) {
    lines.push(
      `SE:       ${report.se.length} blocks, ${withCommas(seParams)} params (${((100 * seParams) / t.params).toFixed(1)}% of all), ` +
        `${withCommas(seMacs)} MACs (${((100 * seMacs) / t.macs).toFixed(2)}%)`,
    );
  } else {
    lines.push('SE:       none');
  }
  return lines.join('\n');
}

/** The documented `--json` shape (see the README). */
export function infoJson(report: CostReport): unknown {
  return {
    name: report.name,
    input: report.input,
    totals: report.totals,
    layers: report.layers.map((l) => ({
      name: l.name,
      op: l.op,
      stage: l.stage,
      kernel: l.kernel,
      stride: l.stride,
      padding: l.padding,
      groups: l.groups,
      inChannels: l.inChannels,
      outChannels: l.outChannels,
      outputShape: l.outputShape,
      params: l.params,
      buffers: l.buffers,
      macs: l.macs,
      seOps: l.seOps,
    })),
    se: report.se.map((b) => ({ name: b.name, stage: b.stage, channels: b.channels, reduced: b.reduced, params: b.params, macs: b.macs, seOps: b.seOps })),
  };
}

export function infoCommand(target: string, options: { input?: string; model?: string; json?: boolean }): string {
  const { graph } = loadModelArgument(target, options);
  const report = costReport(graph);
  return options.json ? JSON.stringify(infoJson(report), null, 2) : renderInfo(report);
}
