// Stations on a map without tiles: an equirectangular projection fitted to the stations' extent,
// with a graticule every few degrees, one circle per station. Pure and Web-standard.
import type { StationStatus } from '../../ingest/status.ts';
import { at, chartFrame, escapeXml, linearScale } from './svg.ts';

/** A round graticule step (degrees) giving about 4–8 lines over `span`. */
function graticuleStep(span: number): number {
  return [0.5, 1, 2, 5, 10, 15, 30, 45].find((step) => span / step <= 8) ?? 60;
}

/**
 * The map. Every station is a `circle` of class `mark` with its name, coordinates, variables and
 * newest data as a tooltip.
 *
 * @example stationMap(status.stations)
 */
export function stationMap(
  stations: readonly StationStatus[],
  width = 640,
  maxHeight = 400,
): string {
  const lats = stations.map((s) => s.lat);
  const lngs = stations.map((s) => s.lng);
  // A degree of margin around the stations, and at least 4 degrees of span, clamped to the globe.
  let west = Math.max(-180, Math.min(...lngs, 180) - 1);
  let east = Math.min(180, Math.max(...lngs, -180) + 1);
  let south = Math.max(-90, Math.min(...lats, 90) - 1);
  let north = Math.min(90, Math.max(...lats, -90) + 1);
  if (stations.length === 0) [west, east, south, north] = [-180, 180, -90, 90];
  if (east - west < 4) [west, east] = [(west + east) / 2 - 2, (west + east) / 2 + 2];
  if (north - south < 4) [south, north] = [(south + north) / 2 - 2, (south + north) / 2 + 2];
  // As tall as the extent needs at the width's scale (degrees are square), at most maxHeight.
  const height = Math.min(maxHeight, 56 + ((width - 60) * (north - south)) / (east - west));
  const area = { left: 48, right: width - 12, top: 28, bottom: height - 28 };
  // Equal scale on both axes (degrees), centred in the area.
  const k = Math.min(
    (area.right - area.left) / (east - west),
    (area.bottom - area.top) / (north - south),
  );
  const cx = (area.left + area.right) / 2;
  const cy = (area.top + area.bottom) / 2;
  const x = linearScale([west, east], [cx - ((east - west) * k) / 2, cx + ((east - west) * k) / 2]);
  const y = linearScale(
    [south, north],
    [cy + ((north - south) * k) / 2, cy - ((north - south) * k) / 2],
  );
  const step = graticuleStep(Math.max(east - west, north - south));
  const body: string[] = [
    `<rect x="${at(x(west))}" y="${at(y(north))}" width="${at(x(east) - x(west))}" height="${at(y(south) - y(north))}" fill="#eff6ff" stroke="#64748b"/>`,
  ];
  for (let lng = Math.ceil(west / step) * step; lng <= east; lng += step) {
    body.push(
      `<line class="grid" x1="${at(x(lng))}" x2="${at(x(lng))}" y1="${at(y(north))}" y2="${at(y(south))}"/><text x="${at(x(lng))}" y="${at(y(south) + 16)}" text-anchor="middle">${lng}°</text>`,
    );
  }
  for (let lat = Math.ceil(south / step) * step; lat <= north; lat += step) {
    body.push(
      `<line class="grid" x1="${at(x(west))}" x2="${at(x(east))}" y1="${at(y(lat))}" y2="${at(y(lat))}"/><text x="${at(x(west) - 4)}" y="${at(y(lat) + 4)}" text-anchor="end">${lat}°</text>`,
    );
  }
  for (const s of stations) {
    const tip = `${s.name} (${s.lat}, ${s.lng}): ${s.variables.join(', ')}; newest ${s.newest ?? 'none'}`;
    body.push(
      `<circle class="mark" cx="${at(x(s.lng))}" cy="${at(y(s.lat))}" r="3.5" fill="#c2410c" fill-opacity="0.8" stroke="#431407" stroke-width="0.5"><title>${escapeXml(tip)}</title></circle>`,
    );
  }
  return chartFrame({
    id: 'station-map',
    title: 'Stations',
    description: `${stations.length} stations between ${south.toFixed(1)}° and ${north.toFixed(1)}° latitude, ${west.toFixed(1)}° and ${east.toFixed(1)}° longitude (equirectangular projection; degrees north and east).`,
    width,
    height,
    body: body.join(''),
  });
}
