/**
 * The trace as a table: HTML for Jupyter, fixed-width text for terminals.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { describeCounters, describeEvent } from "./event_text.ts";
import { escapeXml } from "./_svg.ts";

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
 * happened, counters.
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
    `<tr class="${e.source}${e.code !== undefined ? " failed" : ""}"><td>${e.seq}</td><td>${
      e.time.toFixed(1)
    }</td><td>${escapeXml(e.label)}</td><td>${e.source}</td><td>${
      escapeXml(describeEvent(e))
    }</td><td>${escapeXml(describeCounters(e.counters))}</td></tr>`;
  const gap = omitted === 0
    ? ""
    : `<tr><td colspan="6" style="text-align:center">… ${omitted} events not shown …</td></tr>`;
  return [
    `<div class="socketlab-trace">`,
    `<p style="font-weight:bold;margin:0 0 4px 0">${escapeXml(heading(events, options))}</p>`,
    `<table style="border-collapse:collapse;font-family:monospace;font-size:12px">`,
    `<thead><tr><th>seq</th><th>ms</th><th>label</th><th>kind</th><th>what</th><th>counters</th></tr></thead>`,
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
