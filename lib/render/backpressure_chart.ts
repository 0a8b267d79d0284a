/**
 * The back-pressure chart of one socket: `bytesWritten` (every byte
 * `write()` accepted, queued ones included) and `writableLength` (queued in user space) over time, with a
 * marker wherever `write()` returned `false` and wherever `drain` fired.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { ACCENT, escapeXml, formatCoordinate as c, formatMs, svgDocument } from "./_svg.ts";
import { fitText, textWidth } from "./_svg.ts";
import { checkNumber } from "../_validate.ts";
import { checkWindow, describeWindow, inWindow, type TimeWindow } from "./focus.ts";

/** Options of {@linkcode renderBackpressureChart}: the socket, a time window, title and width. */
export interface BackpressureChartOptions extends TimeWindow {
  /** The watch label of the socket to chart (e.g. `"client"` or `"server#1"`). */
  label: string;
  /**
   * Title of the chart.
   *
   * @default {`Back-pressure of ${label}`}
   */
  title?: string;
  /**
   * Width in pixels.
   *
   * @default {720}
   */
  width?: number;
}

/**
 * The data of a back-pressure chart, as {@linkcode backpressureSeries}
 * extracts it from a trace.
 */
export interface BackpressureSeries {
  /** The socket's label. */
  readonly label: string;
  /** `[time ms, bytes]` points of `bytesWritten`. */
  readonly bytesWritten: readonly (readonly [number, number])[];
  /** `[time ms, bytes]` points of `writableLength`. */
  readonly writableLength: readonly (readonly [number, number])[];
  /** `[time ms, writableLength]` where `write()` returned `false`. */
  readonly writeFalse: readonly (readonly [number, number])[];
  /** `[time ms, writableLength]` where `drain` fired. */
  readonly drain: readonly (readonly [number, number])[];
}

/**
 * Extracts the back-pressure series of one socket from a trace. Throws when
 * the label has no events, or none with socket counters.
 *
 * @example Usage
 * ```ts
 * import { backpressureSeries } from "socketlab/render";
 * import { assertEquals } from "@std/assert";
 * const s = backpressureSeries([
 *   { seq: 1, time: 1, label: "c", kind: "tcp-socket", source: "call", name: "write",
 *     bytes: 9, returned: false, counters: { bytesWritten: 0, writableLength: 9 } },
 * ], "c");
 * assertEquals(s.writeFalse, [[1, 9]]);
 * ```
 *
 * @param events The recorded events.
 * @param label The socket's watch label.
 * @param window Only the events in this window.
 * @returns The series.
 */
export function backpressureSeries(
  events: readonly TraceEvent[],
  label: string,
  window: TimeWindow = {},
): BackpressureSeries {
  if (typeof label !== "string" || label === "") {
    throw new TypeError(`label must be a non-empty watch label, got ${JSON.stringify(label)}`);
  }
  const all = events.filter((e) => e.label === label).sort((a, b) => a.seq - b.seq);
  if (all.length === 0) {
    const labels = [...new Set(events.map((e) => e.label))];
    throw new Error(
      `no events recorded for label ${JSON.stringify(label)}; labels with events: ${
        labels.length ? labels.join(", ") : "none (watch a socket and use it first)"
      }`,
    );
  }
  const checked = checkWindow(window, "backpressureSeries()");
  const mine = all.filter((e) => inWindow(e, checked));
  if (mine.length === 0) {
    throw new Error(
      `label ${JSON.stringify(label)} has no events ${describeWindow(checked)}; its events are ` +
        `#${all[0].seq} to #${all.at(-1)!.seq}, ${formatMs(all[0].time)} to ` +
        `${formatMs(all.at(-1)!.time)}: widen the window`,
    );
  }
  const bytesWritten: [number, number][] = [];
  const writableLength: [number, number][] = [];
  const writeFalse: [number, number][] = [];
  const drain: [number, number][] = [];
  let queued = 0;
  for (const e of mine) {
    const k = e.counters;
    if (k?.bytesWritten !== undefined) bytesWritten.push([e.time, k.bytesWritten]);
    if (k?.writableLength !== undefined) {
      queued = k.writableLength;
      writableLength.push([e.time, queued]);
    }
    if (e.source === "call" && e.name === "write" && e.returned === false) {
      writeFalse.push([e.time, queued]);
    }
    if (e.source === "event" && e.name === "drain") drain.push([e.time, queued]);
  }
  if (bytesWritten.length === 0 && writableLength.length === 0) {
    throw new Error(
      `label ${JSON.stringify(label)} has ${mine.length} events but none with socket counters ` +
        `(bytesWritten, writableLength); chart a TCP socket such as "client" or "server#1"`,
    );
  }
  return { label, bytesWritten, writableLength, writeFalse, drain };
}

/** Round tick values covering [min, max], about `count` of them. */
function ticks(min: number, max: number, count: number): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/** Keeps at most a few points per pixel column: first, min, max and last. */
function thin(
  points: readonly (readonly [number, number])[],
  px: (t: number) => number,
): (readonly [number, number])[] {
  if (points.length < 2000) return [...points];
  const out: (readonly [number, number])[] = [];
  let column = NaN;
  let bucket: (readonly [number, number])[] = [];
  const flush = () => {
    if (bucket.length === 0) return;
    const lo = bucket.reduce((a, b) => (b[1] < a[1] ? b : a));
    const hi = bucket.reduce((a, b) => (b[1] > a[1] ? b : a));
    const keep = new Set([bucket[0], lo, hi, bucket[bucket.length - 1]]);
    for (const p of bucket) if (keep.has(p)) out.push(p);
    bucket = [];
  };
  for (const p of points) {
    const col = Math.round(px(p[0]));
    if (col !== column) {
      flush();
      column = col;
    }
    bucket.push(p);
  }
  flush();
  return out;
}

/**
 * Draws the back-pressure chart of one socket as SVG: two panels sharing
 * the time axis, `bytesWritten` above and `writableLength` below, with red
 * triangles where `write()` returned `false` and green dots where `drain`
 * fired. Axes are labelled in milliseconds and bytes. Throws when `label`
 * has no events or no socket counters.
 *
 * @example Usage
 * ```ts
 * import { renderBackpressureChart } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const svg = renderBackpressureChart([
 *   { seq: 1, time: 0, label: "c", kind: "tcp-socket", source: "call", name: "write",
 *     bytes: 65536, returned: false, counters: { bytesWritten: 0, writableLength: 65536 } },
 *   { seq: 2, time: 4, label: "c", kind: "tcp-socket", source: "event", name: "drain",
 *     counters: { bytesWritten: 65536, writableLength: 0 } },
 * ], { label: "c" });
 * assertStringIncludes(svg, 'class="marker drain"');
 * ```
 *
 * @param events The recorded events.
 * @param options The socket's label, and optional time window, title and width.
 * @returns The SVG document.
 */
export function renderBackpressureChart(
  events: readonly TraceEvent[],
  options: BackpressureChartOptions,
): string {
  const s = backpressureSeries(events, options?.label, options);
  const width = options.width ?? 720;
  checkNumber(
    width,
    "width",
    "a number of pixels of at least 300",
    (n) => n >= 300 && n < Infinity,
  );
  const layout = chartLayout(s, width);
  const title = options.title ?? `Back-pressure of ${s.label}`;
  const parts: string[] = [
    `<text x="${layout.left}" y="18" font-weight="bold" font-size="14">${
      escapeXml(fitText(title, width - layout.left - 8, 14, true))
    }</text>`,
    legend(layout.left),
    panel(layout, layout.top, s.bytesWritten, "bw", "bytesWritten"),
    panel(layout, layout.top + PANEL + GAP, s.writableLength, "wl", "writableLength", s),
    timeAxis(layout),
  ];
  if (s.writeFalse.length + s.drain.length > 0) {
    parts.push(
      `<text x="${width - RIGHT}" y="${layout.top - 4}" text-anchor="end" class="note">` +
        `${s.writeFalse.length} × write() → false, ${s.drain.length} × drain, ` +
        `${formatMs(layout.t1 - layout.t0)}</text>`,
    );
  }
  const height = layout.top + PANEL * 2 + GAP + BOTTOM;
  return svgDocument({
    width,
    height,
    title,
    className: "sl-bp",
    style: STYLE,
    body: parts.join(""),
  });
}

/** Margins around the plot, the height of each panel and the gap between them, in px. */
const { LEFT, RIGHT, TOP, BOTTOM, PANEL, GAP } = {
  LEFT: 78,
  RIGHT: 24,
  TOP: 58,
  BOTTOM: 46,
  PANEL: 150,
  GAP: 34,
};

const STYLE = `.sl-bp text{fill:currentColor;stroke:none;font-size:11px}` +
  `.sl-bp .note{opacity:.75}` +
  `.sl-bp .grid{stroke:currentColor;stroke-opacity:.12}` +
  `.sl-bp .axis{stroke:currentColor;fill:none}` +
  `.sl-bp .series{fill:none;stroke-width:2}` +
  `.sl-bp .bw{stroke:${ACCENT.blue};stroke-width:2}` +
  `.sl-bp .wl{stroke:${ACCENT.orange};stroke-width:2}` +
  `.sl-bp .wf{fill:${ACCENT.red}}.sl-bp .dr{fill:${ACCENT.green}}` +
  `.sl-bp .write-false{fill:${ACCENT.red}}.sl-bp .drain{fill:${ACCENT.green}}`;

/** Where things go in one chart: the plot area and the time scale. */
interface ChartLayout {
  readonly left: number;
  readonly top: number;
  readonly plotWidth: number;
  readonly t0: number;
  readonly t1: number;
  readonly px: (t: number) => number;
  readonly xTicks: readonly number[];
}

function chartLayout(s: BackpressureSeries, width: number): ChartLayout {
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const series of [s.bytesWritten, s.writableLength]) {
    for (const [t] of series) {
      if (t < t0) t0 = t;
      if (t > t1) t1 = t;
    }
  }
  if (t1 - t0 < 1) {
    t0 -= 0.5;
    t1 += 0.5;
  }
  const plotWidth = width - LEFT - RIGHT;
  const px = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * plotWidth;
  const xTicks = ticks(t0, t1, Math.max(2, Math.floor(plotWidth / 110)));
  return { left: LEFT, top: TOP, plotWidth, t0, t1, px, xTicks };
}

function legend(left: number): string {
  const items: [string, string][] = [
    [`<path class="bw" d="M0 -4h18"/>`, "bytesWritten: accepted by write()"],
    [`<path class="wl" d="M0 -4h18"/>`, "writableLength: queued in user space"],
    [`<path class="wf" d="M9 0l-5 -8h10z"/>`, "write() returned false"],
    [`<circle class="dr" cx="9" cy="-4" r="4"/>`, "drain"],
  ];
  let lx = left;
  return items.map(([shape, text], i) => {
    const ly = i < 2 ? 36 : 50;
    if (i === 2) lx = left;
    const item = `<g transform="translate(${c(lx)} ${ly})">${shape}<text x="24" y="0">${
      escapeXml(text)
    }</text></g>`;
    lx += 24 + textWidth(text, 11) + 18;
    return item;
  }).join("");
}

/** One panel: grid, axis, the series as a step line, and (below) the markers. */
function panel(
  layout: ChartLayout,
  y0: number,
  points: readonly (readonly [number, number])[],
  cls: string,
  name: string,
  markersOf?: BackpressureSeries,
): string {
  const { left, plotWidth, px } = layout;
  const maxValue = points.reduce((m, p) => Math.max(m, p[1]), 1);
  const yTicks = ticks(0, maxValue, 4);
  const yMax = Math.max(maxValue, yTicks[yTicks.length - 1]);
  const py = (v: number) => y0 + PANEL - (v / yMax) * PANEL;
  const parts: string[] = [];
  for (const v of yTicks) {
    parts.push(
      `<path class="grid" d="M${left} ${c(py(v))}h${c(plotWidth)}"/>` +
        `<text x="${left - 6}" y="${c(py(v) + 4)}" text-anchor="end">${
          v.toLocaleString("en-US")
        }</text>`,
    );
  }
  for (const t of layout.xTicks) parts.push(`<path class="grid" d="M${c(px(t))} ${y0}v${PANEL}"/>`);
  parts.push(
    `<path class="axis" d="M${left} ${y0}V${y0 + PANEL}h${c(plotWidth)}"/>` +
      `<text transform="translate(16 ${c(y0 + PANEL / 2)}) rotate(-90)" text-anchor="middle">` +
      `${name} (bytes)</text>`,
  );
  const thinned = thin(points, px);
  if (thinned.length > 0) {
    // A step line: a counter keeps its value until the next reading.
    let d = `M${c(px(thinned[0][0]))} ${c(py(thinned[0][1]))}`;
    for (let i = 1; i < thinned.length; i++) {
      d += `H${c(px(thinned[i][0]))}V${c(py(thinned[i][1]))}`;
    }
    d += `H${c(px(layout.t1))}`;
    parts.push(`<path class="series ${cls}" d="${d}"/>`);
  }
  if (markersOf) parts.push(markers(markersOf, px, py));
  return parts.join("");
}

/** `write() → false` triangles and `drain` dots; hundreds of them are thinned to one per 2 px. */
function markers(
  s: BackpressureSeries,
  px: (t: number) => number,
  py: (v: number) => number,
): string {
  const parts: string[] = [];
  const draw = (
    points: readonly (readonly [number, number])[],
    shape: (x: string, y: number) => string,
  ) => {
    const seen = new Set<string>();
    const many = points.length > 300;
    for (const [t, v] of points) {
      const key = many
        ? String(Math.round(px(t) / 2))
        : `${Math.round(px(t))},${Math.round(py(v))}`;
      if (seen.has(key)) continue;
      seen.add(key);
      parts.push(shape(c(px(t)), py(v)));
    }
  };
  draw(
    s.writeFalse,
    (x, y) => `<path class="marker write-false" d="M${x} ${c(y - 1)}l-5 -9h10z"/>`,
  );
  draw(s.drain, (x, y) => `<circle class="marker drain" cx="${x}" cy="${c(y)}" r="4"/>`);
  return parts.join("");
}

function timeAxis(layout: ChartLayout): string {
  const axisY = layout.top + PANEL * 2 + GAP;
  const labels = layout.xTicks.map((t) =>
    `<text x="${c(layout.px(t))}" y="${axisY + 16}" text-anchor="middle">${
      Number(t.toPrecision(6))
    }</text>`
  );
  return labels.join("") +
    `<text x="${c(layout.left + layout.plotWidth / 2)}" y="${axisY + 36}" text-anchor="middle">` +
    `time since the lab opened (ms)</text>`;
}
