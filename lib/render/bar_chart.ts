/**
 * A small horizontal bar chart as SVG: labelled bars with their values and
 * a unit, for comparing measurements (e.g. throughput with and without
 * `setNoDelay`).
 *
 * @module
 */

import {
  ACCENT,
  escapeXml,
  fitText,
  formatCoordinate as c,
  svgDocument,
  textWidth,
  truncate,
} from "./_svg.ts";
import { checkNumber, isMs } from "../_validate.ts";

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
   * Width in pixels; the drawing grows (up to 1000 px) when its text needs more.
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

/** Font sizes in px. */
const FONT = { title: 14, text: 12, note: 11 } as const;
const TOP = 32;
const ROW = 28;
/** The narrowest the bars' area gets; the drawing grows instead. */
const MIN_PLOT = 160;

/** Where the labels end, the bars' area, and the drawing's width: every text fits inside. */
function barLayout(chart: BarChart, width: number) {
  const labelWidth = 12 + Math.ceil(Math.min(
    240,
    Math.max(48, ...chart.bars.map((b) => textWidth(b.label, FONT.text))),
  ));
  const valueWidth = 14 + Math.max(
    0,
    ...chart.bars.map((b) =>
      textWidth(`${formatValue(b.value)} ${chart.unit}`, FONT.text) +
      (b.note ? textWidth(` (${truncate(b.note, 30)})`, FONT.note) : 0)
    ),
  );
  const titleWidth = textWidth(chart.title, FONT.title, true) + 12;
  const total = Math.ceil(
    Math.min(1000, Math.max(width, labelWidth + MIN_PLOT + valueWidth, titleWidth)),
  );
  return { left: labelWidth, plot: Math.max(MIN_PLOT, total - labelWidth - valueWidth), total };
}

function checkBars(chart: BarChart): number {
  if (!Array.isArray(chart.bars)) throw new TypeError("bars must be an array of { label, value }");
  chart.bars.forEach((bar, i) => {
    checkNumber(bar?.value, `bars[${i}].value`, "a finite number of at least 0", isMs);
  });
  const width = chart.width ?? 640;
  checkNumber(
    width,
    "width",
    "a number of pixels of at least 240",
    (n) => Number.isFinite(n) && n >= 240,
  );
  return width;
}

/**
 * Draws labelled horizontal bars with their values and unit as SVG. Each bar
 * is a `<g class="bar">`. The drawing grows beyond `width` (up to 1000 px)
 * when its labels, values and notes need it, so every text fits inside.
 * Throws when a value is not a finite number of at least 0.
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
  const { left, plot, total } = barLayout(chart, checkBars(chart));
  const height = TOP + ROW * Math.max(1, bars.length) + 30;
  const max = bars.reduce((m, b) => Math.max(m, b.value), 0);
  const parts = [
    `<text x="6" y="20" font-weight="bold" font-size="${FONT.title}">${
      escapeXml(fitText(title, total - 12, FONT.title, true))
    }</text>`,
  ];
  if (bars.length === 0) parts.push(`<text x="6" y="${TOP + 18}">no measurements</text>`);
  bars.forEach((bar, i) => {
    const y = TOP + ROW * i;
    const w = max > 0 ? (bar.value / max) * plot : 0;
    const note = bar.note ? ` (${escapeXml(truncate(bar.note, 30))})` : "";
    parts.push(
      `<g class="bar"><text x="${left - 8}" y="${y + 18}" text-anchor="end">${
        escapeXml(fitText(bar.label, left - 12, FONT.text))
      }</text><rect x="${left}" y="${y + 4}" width="${c(Math.max(w, 1))}" height="${ROW - 8}" ` +
        `rx="2"/><text x="${c(left + w + 6)}" y="${y + 18}">${escapeXml(formatValue(bar.value))} ${
          escapeXml(unit)
        }<tspan class="note">${note}</tspan></text></g>`,
    );
  });
  const axisY = TOP + ROW * Math.max(1, bars.length) + 2;
  parts.push(
    `<path class="axis" d="M${left} ${TOP}V${axisY}"/>` +
      `<text x="${left}" y="${axisY + 16}" class="note">${escapeXml(unit)}</text>`,
  );
  const style = `.sl-bar text{fill:currentColor;stroke:none}` +
    `.sl-bar .bar rect{fill:${ACCENT.blue}}.sl-bar .axis{stroke:currentColor}` +
    `.sl-bar .note{opacity:.75;font-size:${FONT.note}px}`;
  const body = parts.join("");
  return svgDocument({ width: total, height, title, className: "sl-bar", style, body });
}
