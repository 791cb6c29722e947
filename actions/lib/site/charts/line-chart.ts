// Lines and points over a numeric or time axis: a metric across versions (one point per version),
// observed against predicted over a test window (one line per series). Pure and Web-standard.
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

/** One series: its name (the legend), its points, and how it is drawn. */
export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number; readonly label?: string }[];
  /** `line`: one path (one mark); `points`: a circle per point (a mark each) joined by a thin line. */
  readonly draw: 'line' | 'points';
}

export interface LineChart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /**
   * `time`: x is epoch ms, labelled as UTC dates; `integer`: whole numbers (versions); `number`: a
   * quantity (rows), with ticks of round values.
   */
  readonly xKind: 'time' | 'integer' | 'number';
  readonly xTitle: string;
  /** The y axis' title, with its unit. */
  readonly yTitle: string;
  readonly series: readonly LineSeries[];
  readonly width?: number;
  readonly height?: number;
}

const COLORS = ['#1f5fa8', '#c2410c', '#15803d', '#7e22ce'] as const;
const DASHES = ['', '6 3', '2 2', '8 2 2 2'] as const;

function timeTicks(lo: number, hi: number): { at: number; label: string }[] {
  const span = hi - lo;
  const count = 5;
  const ticks: { at: number; label: string }[] = [];
  for (let i = 0; i <= count; i++) {
    const t = lo + (span * i) / count;
    const iso = new Date(t).toISOString();
    ticks.push({
      at: t,
      label: span > 3 * 86_400_000 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`,
    });
  }
  return ticks;
}

/** A count as an axis shows it: `800k`, `1.5M`. */
function compactNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e3) return `${Number((value / 1e3).toPrecision(3))}k`;
  return formatNumber(value);
}

/**
 * Draws the series. Every point or line is an element of class `mark` (what tests count).
 *
 * @example lineChart({ id: 'rmse', title: 'rmse by version', description: '…', xKind: 'integer',
 *   xTitle: 'version', yTitle: 'rmse (ppb)', series: [{ name: 'rmse', draw: 'points', points }] })
 */
export function lineChart(chart: LineChart): string {
  const width = chart.width ?? 640;
  const height = chart.height ?? 260;
  const area: PlotArea = { left: 64, right: width - 16, top: 40, bottom: height - 48 };
  const xs = chart.series.flatMap((s) => s.points.map((p) => p.x));
  const ys = chart.series.flatMap((s) => s.points.map((p) => p.y));
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  const [yLo, yHi, yTicks] = tickedExtent(ys);
  // One version alone sits in the middle; integer axes get a half step of room at either end.
  const pad = chart.xKind === 'integer' ? 0.5 : 0;
  const [xFrom, xTo, xRound] =
    chart.xKind === 'number' ? tickedExtent(xs) : [xLo - pad, xHi + pad, []];
  const x = linearScale([xFrom, xTo], [area.left, area.right]);
  const y = linearScale([yLo, yHi], [area.bottom, area.top]);
  const xTicks =
    chart.xKind === 'time'
      ? timeTicks(xLo, xHi)
      : chart.xKind === 'number'
        ? xRound.map((v) => ({ at: v, label: compactNumber(v) }))
        : [...new Set(xs)].sort((a, b) => a - b).map((v) => ({ at: v, label: `v${v}` }));
  const body: string[] = [
    leftAxis(
      area,
      yTicks.map((t) => ({ at: y(t), label: formatNumber(t) })),
      chart.yTitle,
    ),
    bottomAxis(
      area,
      xTicks.map((t) => ({ at: x(t.at), label: t.label })),
      chart.xTitle,
    ),
  ];
  chart.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const dash = DASHES[i % DASHES.length];
    const path = series.points
      .map((p, j) => `${j === 0 ? 'M' : 'L'}${at(x(p.x))} ${at(y(p.y))}`)
      .join('');
    const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
    if (series.draw === 'line') {
      body.push(
        `<path class="mark line" data-series="${escapeXml(series.name)}" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"${dashed}/>`,
      );
    } else {
      body.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1"${dashed}/>`);
      for (const p of series.points) {
        const tip = p.label ?? `${formatNumber(p.x)}: ${formatNumber(p.y)}`;
        body.push(
          `<circle class="mark" data-series="${escapeXml(series.name)}" cx="${at(x(p.x))}" cy="${at(y(p.y))}" r="4" fill="${color}"><title>${escapeXml(tip)}</title></circle>`,
        );
      }
    }
    // The legend, top right, one entry per series.
    const lx = area.right - 150;
    const ly = 14 + i * 14;
    body.push(
      `<g class="legend"><line x1="${lx}" x2="${lx + 20}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"${dashed}/><text x="${lx + 26}" y="${ly}">${escapeXml(series.name)}</text></g>`,
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
