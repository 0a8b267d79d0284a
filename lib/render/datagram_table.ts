/**
 * UDP accounting (sent, received, lost per sender → receiver) as a table.
 *
 * @module
 */

import type { DatagramFlow } from "../record/event.ts";
import { escapeXml } from "./_svg.ts";
import { type Align, badge, cell, headerRow, tableStart } from "./_html.ts";

/** The columns: names left-aligned, counts right-aligned. */
const COLUMNS: readonly (readonly [string, Align])[] = [
  ["from", "left"],
  ["to", "left"],
  ["sent", "right"],
  ["received", "right"],
  ["lost", "right"],
  ["loss", "right"],
];

function percent(flow: DatagramFlow): string {
  return flow.sent === 0 ? "–" : `${((100 * flow.lost) / flow.sent).toFixed(1)} %`;
}

/**
 * Renders datagram flows as an HTML table: names left-aligned, counts
 * right-aligned; lost datagrams are highlighted in a red badge.
 *
 * @example Usage
 * ```ts
 * import { renderDatagramHtml } from "socketlab/render";
 * console.log(renderDatagramHtml([{ from: "a", to: "b", sent: 10, received: 9, lost: 1 }]));
 * ```
 *
 * @param flows The flows.
 * @returns An HTML fragment.
 */
export function renderDatagramHtml(flows: readonly DatagramFlow[]): string {
  if (flows.length === 0) {
    return `<p style="text-align:left"><i>no datagrams between watched sockets yet</i></p>`;
  }
  const rows = flows.map((f) =>
    `<tr>${cell("td", escapeXml(f.from), "left")}${cell("td", escapeXml(f.to), "left")}${
      cell("td", String(f.sent), "right")
    }${cell("td", String(f.received), "right")}${
      cell("td", f.lost > 0 ? badge(String(f.lost), "bad") : "0", "right")
    }${cell("td", percent(f), "right")}</tr>`
  );
  return `${tableStart("socketlab-datagrams")}${headerRow(COLUMNS)}<tbody>${
    rows.join("")
  }</tbody></table>`;
}

/**
 * Renders datagram flows as text.
 *
 * @example Usage
 * ```ts
 * import { renderDatagramText } from "socketlab/render";
 * console.log(renderDatagramText([{ from: "a", to: "b", sent: 10, received: 9, lost: 1 }]));
 * ```
 *
 * @param flows The flows.
 * @returns Lines of text.
 */
export function renderDatagramText(flows: readonly DatagramFlow[]): string {
  if (flows.length === 0) return "no datagrams between watched sockets yet";
  const w = Math.max(4, ...flows.flatMap((f) => [f.from.length, f.to.length]));
  return [
    `${"from".padEnd(w)}  ${"to".padEnd(w)}  ${"sent".padStart(7)}  ${"received".padStart(8)}  ${
      "lost".padStart(6)
    }  loss`,
    ...flows.map((f) =>
      `${f.from.padEnd(w)}  ${f.to.padEnd(w)}  ${String(f.sent).padStart(7)}  ${
        String(f.received).padStart(8)
      }  ${String(f.lost).padStart(6)}  ${percent(f)}`
    ),
  ].join("\n");
}
