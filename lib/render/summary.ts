/**
 * A one-object summary of a watched server or socket (`lab.describe(x)`).
 *
 * @module
 */

import type { Address, Counters, EndpointKind, TraceEvent } from "../record/event.ts";
import { describeCounters, describeEvent } from "./event_text.ts";
import { formatAddress } from "../os/address.ts";
import { escapeXml } from "./_svg.ts";
import { cell, tableStart } from "./_html.ts";

/**
 * Plain data describing one watched object right now.
 */
export interface EndpointSummary {
  /** Its label. */
  readonly label: string;
  /** What it is. */
  readonly kind: EndpointKind;
  /** A word or two: `listening`, `open`, `paused`, `half-closed`, `closed`, `bound`, ... */
  readonly state: string;
  /** Its local address, when known. */
  readonly local?: Address;
  /** Its peer, when connected. */
  readonly remote?: Address;
  /** Current counters. */
  readonly counters?: Counters;
  /** Events recorded for it (still in the trace). */
  readonly events: number;
  /** Calls recorded for it (still in the trace). */
  readonly calls: number;
  /** The most recent record, if any. */
  readonly last?: TraceEvent;
}

function fields(summary: EndpointSummary): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ["label", summary.label],
    ["kind", summary.kind],
    ["state", summary.state],
  ];
  if (summary.local) rows.push(["local", formatAddress(summary.local)]);
  if (summary.remote) rows.push(["remote", formatAddress(summary.remote)]);
  const counters = describeCounters(summary.counters);
  if (counters) rows.push(["counters", counters]);
  rows.push(["recorded", `${summary.events} events, ${summary.calls} calls`]);
  if (summary.last) {
    rows.push([
      "last",
      `#${summary.last.seq} at ${summary.last.time.toFixed(1)} ms: ${describeEvent(summary.last)}`,
    ]);
  }
  return rows;
}

/**
 * Renders a summary as a small HTML table, left-aligned.
 *
 * @example Usage
 * ```ts
 * import { renderSummaryHtml } from "socketlab/render";
 * console.log(renderSummaryHtml({ label: "client", kind: "tcp-socket", state: "open", events: 0, calls: 0 }));
 * ```
 *
 * @param summary The summary.
 * @returns An HTML fragment.
 */
export function renderSummaryHtml(summary: EndpointSummary): string {
  const rows = fields(summary).map(([k, v]) =>
    `<tr>${cell("th", escapeXml(k), "left")}${cell("td", escapeXml(v), "left")}</tr>`
  );
  return `${tableStart("socketlab-summary")}<tbody>${rows.join("")}</tbody></table>`;
}

/**
 * Renders a summary as aligned text.
 *
 * @example Usage
 * ```ts
 * import { renderSummaryText } from "socketlab/render";
 * console.log(renderSummaryText({ label: "client", kind: "tcp-socket", state: "open", events: 0, calls: 0 }));
 * ```
 *
 * @param summary The summary.
 * @returns Lines of text.
 */
export function renderSummaryText(summary: EndpointSummary): string {
  return fields(summary).map(([k, v]) => `${k.padEnd(9)} ${v}`).join("\n");
}
