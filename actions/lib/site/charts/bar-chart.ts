// Horizontal bars, one per labelled value (feature importances, rejected lines by reason), and
// stacked columns, one per row with a segment per category (the pipeline's time per task and day).
// Pure and Web-standard.
import {
  at,
  bottomAxis,
  chartFrame,
  escapeXml,
  formatNumber,
  leftAxis,
  linearScale,
  type PlotArea,
  tickedExtent,
} from './svg.ts';

export interface BarChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The value axis' title, with its unit. */
  readonly valueTitle: string;
  readonly bars: readonly { readonly label: string; readonly value: number }[];
  readonly width?: number;
}

const BAR = 18;
const GAP = 6;

/**
 * One horizontal bar (class `mark`) per value, labelled on the left, its value at its end.
 *
 * @example barChart({ id: 'reasons', title: 'Rejected lines by reason', description: '…',
 *   valueTitle: 'lines', bars: [{ label: 'bad-json', value: 12 }] })
 */
export function barChart(chart: BarChart): string {
  const width = chart.width ?? 640;
  const labelWidth = Math.min(220, 16 + 7 * Math.max(4, ...chart.bars.map((b) => b.label.length)));
  const height = 40 + chart.bars.length * (BAR + GAP) + 44;
  const area: PlotArea = { left: labelWidth, right: width - 56, top: 32, bottom: height - 44 };
  const [lo, hi, ticks] = tickedExtent([0, ...chart.bars.map((b) => b.value)]);
  const x = linearScale([lo, hi], [area.left, area.right]);
  const body = [
    bottomAxis(
      area,
      ticks.map((t) => ({ at: x(t), label: formatNumber(t) })),
      chart.valueTitle,
    ),
  ];
  chart.bars.forEach((bar, i) => {
    const top = area.top + 4 + i * (BAR + GAP);
    const w = Math.max(0, x(bar.value) - x(0));
    body.push(
      `<text x="${at(area.left - 6)}" y="${at(top + BAR * 0.7)}" text-anchor="end">${escapeXml(bar.label)}</text>` +
        `<rect class="mark" x="${at(x(0))}" y="${at(top)}" width="${at(w)}" height="${BAR}" fill="#1f5fa8"><title>${escapeXml(`${bar.label}: ${formatNumber(bar.value)}`)}</title></rect>` +
        `<text x="${at(x(0) + w + 4)}" y="${at(top + BAR * 0.7)}">${escapeXml(formatNumber(bar.value))}</text>`,
    );
  });
  return chartFrame({
    id: chart.id,
    title: chart.title,
    description: chart.description,
    width,
    height,
    body: body.join(''),
  });
}

export interface StackedColumns {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly valueTitle: string;
  readonly xTitle: string;
  /** The segments' names, bottom to top. */
  readonly categories: readonly string[];
  readonly columns: readonly { readonly label: string; readonly values: readonly number[] }[];
  readonly width?: number;
  readonly height?: number;
}

const STACK_COLORS = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce'] as const;

/**
 * One column per row, a segment (class `mark`) per non-zero category value, with a legend.
 *
 * @example stackedColumns({ …, categories: ['list', 'load'], columns: [{ label: '2014-01-01', values: [1.2, 30] }] })
 */
export function stackedColumns(chart: StackedColumns): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 280;
  const area: PlotArea = { left: 64, right: width - 16, top: 48, bottom: height - 56 };
  const totals = chart.columns.map((c) => c.values.reduce((a, b) => a + b, 0));
  const [, hi, ticks] = tickedExtent([0, ...totals]);
  const y = linearScale([0, hi], [area.bottom, area.top]);
  const slot = (area.right - area.left) / Math.max(1, chart.columns.length);
  const barWidth = Math.max(2, Math.min(40, slot * 0.7));
  // At most about 8 labels on the x axis, however many columns.
  const every = Math.max(1, Math.ceil(chart.columns.length / 8));
  const body = [
    leftAxis(
      area,
      ticks.map((t) => ({ at: y(t), label: formatNumber(t) })),
      chart.valueTitle,
    ),
    bottomAxis(
      area,
      chart.columns
        .map((c, i) => ({ at: area.left + slot * (i + 0.5), label: c.label }))
        .filter((_, i) => i % every === 0),
      chart.xTitle,
    ),
  ];
  chart.columns.forEach((column, i) => {
    let base = 0;
    const left = area.left + slot * (i + 0.5) - barWidth / 2;
    column.values.forEach((value, k) => {
      if (value <= 0) return;
      const top = y(base + value);
      body.push(
        `<rect class="mark" x="${at(left)}" y="${at(top)}" width="${at(barWidth)}" height="${at(y(base) - top)}" fill="${STACK_COLORS[k % STACK_COLORS.length]}"><title>${escapeXml(`${column.label} ${chart.categories[k] ?? ''}: ${formatNumber(value)}`)}</title></rect>`,
      );
      base += value;
    });
  });
  chart.categories.forEach((name, k) => {
    const lx = 8 + k * 130;
    body.push(
      `<g class="legend"><rect x="${lx}" y="26" width="12" height="12" fill="${STACK_COLORS[k % STACK_COLORS.length]}"/><text x="${lx + 16}" y="36">${escapeXml(name)}</text></g>`,
    );
  });
  return chartFrame({
    id: chart.id,
    title: chart.title,
    description: chart.description,
    width,
    height,
    body: body.join(''),
  });
}
