/**
 * UDP accounting (sent, received, lost per sender → receiver) as a table.
 *
 * @module
 */

import type { DatagramFlow } from "../record/event.ts";
import { escapeXml } from "./_svg.ts";

function percent(flow: DatagramFlow): string {
  return flow.sent === 0 ? "–" : `${((100 * flow.lost) / flow.sent).toFixed(1)} %`;
}

/**
 * Renders datagram flows as an HTML table; lost datagrams are highlighted.
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
  if (flows.length === 0) return "<p><i>no datagrams between watched sockets yet</i></p>";
  const rows = flows.map((f) =>
    `<tr><td>${escapeXml(f.from)}</td><td>${
      escapeXml(f.to)
    }</td><td>${f.sent}</td><td>${f.received}</td><td${
      f.lost > 0 ? ' style="color:#d9534f;font-weight:bold"' : ""
    }>${f.lost}</td><td>${percent(f)}</td></tr>`
  );
  return `<table class="socketlab-datagrams" style="font-family:monospace;font-size:12px"><thead><tr><th>from</th><th>to</th><th>sent</th><th>received</th><th>lost</th><th>loss</th></tr></thead><tbody>${
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
