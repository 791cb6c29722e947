// The pieces every chart is made of: escaping, linear scales, round tick values, axes and the
// accessible frame (`role="img"` with a title and a description). Charts are SVG text made at build
// time, readable without JavaScript. Pure and Web-standard.

/**
 * Escapes text for SVG/HTML content and attribute values.
 *
 * @example escapeXml('a < b & "c"') === 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A number as it appears on an axis or in a tooltip: at most 4 significant digits. */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 10_000 || abs < 0.001) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** Coordinates as SVG writes them: two decimals at most. */
export const at = (value: number): string => String(Math.round(value * 100) / 100);

/**
 * A linear map from `[d0, d1]` onto `[r0, r1]`; an empty domain maps to the range's middle.
 *
 * @example linearScale([0, 10], [0, 100])(5) === 50
 */
export function linearScale(
  [d0, d1]: readonly [number, number],
  [r0, r1]: readonly [number, number],
): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/**
 * About `count` round values covering `[min, max]` (steps of 1, 2 or 5 × 10ⁿ).
 *
 * @example niceTicks(0, 97, 5) // [0, 20, 40, 60, 80, 100]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** The extent of `values` widened to round ticks. */
export function tickedExtent(values: readonly number[], count = 5): [number, number, number[]] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1, [0, 1]];
  const ticks = niceTicks(Math.min(...finite), Math.max(...finite), count);
  const lo = ticks[0] ?? 0;
  const hi = ticks.at(-1) ?? 1;
  return [lo, hi === lo ? lo + 1 : hi, ticks];
}

/** The plot area inside a chart's margins. */
export interface PlotArea {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** A horizontal axis at the plot's bottom: tick lines, labels and the axis title. */
export function bottomAxis(
  area: PlotArea,
  ticks: readonly { readonly at: number; readonly label: string }[],
  title: string,
): string {
  const marks = ticks
    .map(
      (t) =>
        `<line x1="${at(t.at)}" x2="${at(t.at)}" y1="${at(area.bottom)}" y2="${at(area.bottom + 5)}"/>` +
        `<text x="${at(t.at)}" y="${at(area.bottom + 18)}" text-anchor="middle">${escapeXml(t.label)}</text>`,
    )
    .join('');
  const middle = (area.left + area.right) / 2;
  return (
    `<g class="axis axis-x"><line x1="${at(area.left)}" x2="${at(area.right)}" y1="${at(area.bottom)}" y2="${at(area.bottom)}"/>${marks}` +
    `<text class="axis-title" x="${at(middle)}" y="${at(area.bottom + 36)}" text-anchor="middle">${escapeXml(title)}</text></g>`
  );
}

/** A vertical axis at the plot's left: ticks, labels, grid lines and the axis title (with unit). */
export function leftAxis(
  area: PlotArea,
  ticks: readonly { readonly at: number; readonly label: string }[],
  title: string,
): string {
  const marks = ticks
    .map(
      (t) =>
        `<line class="grid" x1="${at(area.left)}" x2="${at(area.right)}" y1="${at(t.at)}" y2="${at(t.at)}"/>` +
        `<text x="${at(area.left - 6)}" y="${at(t.at + 4)}" text-anchor="end">${escapeXml(t.label)}</text>`,
    )
    .join('');
  const middle = (area.top + area.bottom) / 2;
  return (
    `<g class="axis axis-y"><line x1="${at(area.left)}" x2="${at(area.left)}" y1="${at(area.top)}" y2="${at(area.bottom)}"/>${marks}` +
    `<text class="axis-title" transform="translate(14 ${at(middle)}) rotate(-90)" text-anchor="middle">${escapeXml(title)}</text></g>`
  );
}

/**
 * The accessible SVG element around a chart's body: `role="img"`, its title as the accessible name
 * and a description of what it shows.
 *
 * @example chartFrame({ id: 'rmse', title: 'RMSE by version', description: '…', width: 640, height: 240, body })
 */
export function chartFrame(chart: {
  /** Unique on its page: the title's and description's ids derive from it. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly body: string;
}): string {
  const { id } = chart;
  return (
    `<svg class="chart" id="${escapeXml(id)}" viewBox="0 0 ${chart.width} ${chart.height}" width="${chart.width}" height="${chart.height}" role="img" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${escapeXml(id)}-title">${escapeXml(chart.title)}</title><desc id="${escapeXml(id)}-desc">${escapeXml(chart.description)}</desc>` +
    `<text class="chart-title" x="8" y="16">${escapeXml(chart.title)}</text>${chart.body}</svg>`
  );
}
