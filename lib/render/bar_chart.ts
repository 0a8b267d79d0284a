/**
 * A small horizontal bar chart as SVG: labelled bars with their values and
 * a unit, for comparing measurements (e.g. throughput with and without
 * `setNoDelay`).
 *
 * @module
 */

import { ACCENT, escapeXml, formatCoordinate as c, svgDocument, truncate } from "./_svg.ts";

/**
 * One bar of a {@linkcode BarChart}.
 */
export interface Bar {
  /** Name of the bar, drawn on its left. */
  readonly label: string;
  /** Its value, a finite number of at least 0. */
  readonly value: number;
  /** A short note drawn after the value. */
  readonly note?: string;
}

/**
 * What {@linkcode renderBarChart} draws.
 */
export interface BarChart {
  /** Title above the bars. */
  readonly title: string;
  /** Unit of the values, shown after each value and under the axis (e.g. `"MB/s"`). */
  readonly unit: string;
  /** The bars, top to bottom. */
  readonly bars: readonly Bar[];
  /**
   * Width in pixels.
   *
   * @default {640}
   */
  readonly width?: number;
}

function formatValue(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  return String(Number(value.toPrecision(3)));
}

/**
 * Draws labelled horizontal bars with their values and unit as SVG. Each bar
 * is a `<g class="bar">`. Throws when a value is not a finite number of at
 * least 0.
 *
 * @example Usage
 * ```ts
 * import { renderBarChart } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const svg = renderBarChart({
 *   title: "Throughput", unit: "MB/s",
 *   bars: [{ label: "TCP", value: 812 }, { label: "UDP", value: 640, note: "2% lost" }],
 * });
 * assertStringIncludes(svg, "812 MB/s");
 * ```
 *
 * @param chart Title, unit and bars.
 * @returns The SVG document.
 */
export function renderBarChart(chart: BarChart): string {
  const { title, unit, bars } = chart;
  if (!Array.isArray(bars)) throw new TypeError("bars must be an array of { label, value }");
  bars.forEach((bar, i) => {
    if (typeof bar?.value !== "number" || !Number.isFinite(bar.value) || bar.value < 0) {
      throw new RangeError(
        `bars[${i}].value must be a finite number of at least 0, got ${bar?.value}`,
      );
    }
  });
  const width = chart.width ?? 640;
  if (!Number.isFinite(width) || width < 240) {
    throw new RangeError(`width must be a number of pixels of at least 240, got ${width}`);
  }
  const labelWidth = Math.min(
    200,
    Math.max(60, ...bars.map((b) => Math.min(28, Array.from(b.label).length) * 7 + 10)),
  );
  const valueWidth = 150;
  const left = labelWidth;
  const plot = width - left - valueWidth;
  const top = 32;
  const row = 28;
  const height = top + row * Math.max(1, bars.length) + 30;
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0);
  const parts = [
    `<text x="4" y="18" font-weight="bold" font-size="14">${escapeXml(title)}</text>`,
  ];
  if (bars.length === 0) {
    parts.push(`<text x="4" y="${top + 18}">no measurements</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + row * i;
    const w = max > 0 ? (bar.value / max) * plot : 0;
    const note = bar.note ? ` (${escapeXml(truncate(bar.note, 30))})` : "";
    parts.push(
      `<g class="bar"><text x="${left - 8}" y="${y + 16}" text-anchor="end">${
        escapeXml(truncate(bar.label, 28))
      }</text><rect x="${left}" y="${y + 4}" width="${c(Math.max(w, 1))}" height="${row - 8}" ` +
        `rx="2"/><text x="${c(left + w + 6)}" y="${y + 16}">${escapeXml(formatValue(bar.value))} ${
          escapeXml(unit)
        }<tspan class="note">${note}</tspan></text></g>`,
    );
  });
  const axisY = top + row * Math.max(1, bars.length) + 2;
  parts.push(
    `<path class="axis" d="M${left} ${top}V${axisY}"/>` +
      `<text x="${left}" y="${axisY + 16}" class="note">${escapeXml(unit)}</text>`,
  );
  const style = `.sl-bar text{fill:currentColor;stroke:none}` +
    `.sl-bar rect{fill:${ACCENT.blue}}.sl-bar .axis{stroke:currentColor}` +
    `.sl-bar .note{opacity:.7;font-size:11px}`;
  return svgDocument({ width, height, title, className: "sl-bar", style, body: parts.join("") });
}
