/**
 * The trace as a table: HTML for Jupyter, fixed-width text for terminals.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { describeCounters, describeEvent } from "./event_text.ts";
import { escapeXml } from "./_svg.ts";
import { type Align, cell, headerRow, tableStart } from "./_html.ts";

/** The columns: numbers right-aligned, text left-aligned. */
const COLUMNS: readonly (readonly [string, Align])[] = [
  ["seq", "right"],
  ["ms", "right"],
  ["label", "left"],
  ["kind", "left"],
  ["what", "left"],
  ["counters", "left"],
];

/**
 * Options for {@linkcode renderTraceHtml} and {@linkcode renderTraceText}.
 */
export interface TraceTableOptions {
  /** Heading (the lab's title). */
  readonly title?: string;
  /** How many older events the trace dropped; shown when non-zero. */
  readonly dropped?: number;
  /**
   * Most rows shown: the first and last halves, with a line saying how many were left out.
   *
   * @default {400}
   */
  readonly maxRows?: number;
}

/** The rows shown and how many were left out in the middle. */
function pick(events: readonly TraceEvent[], maxRows: number) {
  if (events.length <= maxRows) return { head: events, tail: [], omitted: 0 };
  const half = Math.floor(maxRows / 2);
  return {
    head: events.slice(0, half),
    tail: events.slice(events.length - half),
    omitted: events.length - 2 * half,
  };
}

function heading(events: readonly TraceEvent[], options: TraceTableOptions): string {
  const title = options.title === undefined ? "trace" : `trace “${options.title}”`;
  const dropped = options.dropped ? ` (${options.dropped} older events dropped)` : "";
  return `${title}: ${events.length} event${events.length === 1 ? "" : "s"}${dropped}`;
}

/**
 * Renders events as an HTML table: seq, time, label, event or call, what
 * happened, counters. Numbers are right-aligned and text left-aligned, also
 * under JupyterLab's table style.
 *
 * @example Usage
 * ```ts
 * import { renderTraceHtml } from "socketlab/render";
 * const html = renderTraceHtml([
 *   { seq: 1, time: 0.5, label: "server", kind: "tcp-server", source: "event", name: "listening" },
 * ], { title: "demo" });
 * console.log(html.includes("<table"));
 * ```
 *
 * @param events The events, oldest first.
 * @param options Title, dropped count, row limit.
 * @returns An HTML fragment.
 */
export function renderTraceHtml(
  events: readonly TraceEvent[],
  options: TraceTableOptions = {},
): string {
  const { head, tail, omitted } = pick(events, options.maxRows ?? 400);
  const row = (e: TraceEvent) =>
    `<tr class="${e.source}${e.code !== undefined ? " failed" : ""}">` +
    cell("td", String(e.seq), "right") +
    cell("td", e.time.toFixed(1), "right") +
    cell("td", escapeXml(e.label), "left") +
    cell("td", e.source, "left") +
    cell("td", escapeXml(describeEvent(e)), "left") +
    cell("td", escapeXml(describeCounters(e.counters)), "left") +
    `</tr>`;
  const gap = omitted === 0
    ? ""
    : `<tr><td colspan="6" align="center" style="text-align:center">… ${omitted} events not shown …</td></tr>`;
  return [
    `<div class="socketlab-trace">`,
    `<p style="font-weight:bold;margin:0 0 4px 0;text-align:left">${
      escapeXml(heading(events, options))
    }</p>`,
    tableStart("socketlab-events"),
    headerRow(COLUMNS),
    `<tbody>`,
    ...head.map(row),
    gap,
    ...tail.map(row),
    `</tbody></table></div>`,
  ].join("");
}

/**
 * Renders events as a fixed-width text table for terminals.
 *
 * @example Usage
 * ```ts
 * import { renderTraceText } from "socketlab/render";
 * const text = renderTraceText([
 *   { seq: 1, time: 0.5, label: "server", kind: "tcp-server", source: "event", name: "listening" },
 * ]);
 * console.log(text);
 * ```
 *
 * @param events The events, oldest first.
 * @param options Title, dropped count, row limit.
 * @returns Lines of text.
 */
export function renderTraceText(
  events: readonly TraceEvent[],
  options: TraceTableOptions = {},
): string {
  const { head, tail, omitted } = pick(events, options.maxRows ?? 400);
  const width = Math.max(5, ...events.map((e) => e.label.length));
  const row = (e: TraceEvent) => {
    const counters = describeCounters(e.counters);
    return `${String(e.seq).padStart(6)} ${e.time.toFixed(1).padStart(9)}  ${
      e.label.padEnd(width)
    }  ${e.source.padEnd(5)}  ${describeEvent(e)}${counters ? `  [${counters}]` : ""}`;
  };
  const lines = [
    heading(events, options),
    `${"seq".padStart(6)} ${"ms".padStart(9)}  ${"label".padEnd(width)}  kind   what`,
    ...head.map(row),
  ];
  if (omitted > 0) lines.push(`   … ${omitted} events not shown …`);
  lines.push(...tail.map(row));
  return lines.join("\n");
}
