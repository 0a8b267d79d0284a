/**
 * Renders the kernel's socket table (from `/proc/net`) as an HTML table
 * and as plain text: local and remote address, state, send and receive
 * queues, and the active timer with its remaining time.
 *
 * @module
 */

import type { Address } from "../record/event.ts";
import type { SocketRow, SocketTable, SocketTimer } from "../os/socket_row.ts";
import { formatAddress, isWildcardAddress } from "../os/address.ts";
import { ACCENT, escapeXml as escapeHtml, formatMs } from "./_svg.ts";

const COLUMNS = ["proto", "local", "remote", "state", "send-Q", "recv-Q", "timer"] as const;

const STATE_COLOURS: Record<string, string> = {
  LISTEN: ACCENT.green,
  ESTABLISHED: ACCENT.blue,
  SYN_SENT: ACCENT.orange,
  SYN_RECV: ACCENT.orange,
  NEW_SYN_RECV: ACCENT.orange,
  FIN_WAIT1: ACCENT.orange,
  FIN_WAIT2: ACCENT.orange,
  CLOSE_WAIT: ACCENT.red,
  LAST_ACK: ACCENT.orange,
  CLOSING: ACCENT.orange,
  TIME_WAIT: ACCENT.grey,
};

/** An end of a socket as `ss` shows it: port 0 as `*`, an unconnected UDP peer as `*:*`. */
function socketEnd(a: Address, protocol: string): string {
  if (a.port !== 0) return formatAddress(a);
  if (protocol.startsWith("udp") && isWildcardAddress(a.address)) return "*:*";
  return formatAddress(a).replace(/:0$/, ":*");
}

const TIMER_NAMES: Record<SocketTimer["kind"], string> = {
  none: "",
  retransmit: "retransmit",
  keepalive: "keep-alive",
  time_wait: "TIME_WAIT",
  zero_window_probe: "zero-window probe",
};

function formatTimer(t: SocketTimer): string {
  return t.kind === "none" ? "" : `${TIMER_NAMES[t.kind]} in ${formatMs(t.remainingMs)}`;
}

function cells(row: SocketRow): string[] {
  return [
    row.protocol,
    socketEnd(row.local, row.protocol),
    socketEnd(row.remote, row.protocol),
    row.state,
    String(row.sendQueue),
    String(row.receiveQueue),
    formatTimer(row.timer),
  ];
}

function emptyMessage(table: SocketTable): string {
  if (table.reason && table.rows.length === 0) return table.reason;
  if (table.ports) {
    return `no kernel sockets on the lab's ports (${
      table.ports.length ? table.ports.join(", ") : "none yet"
    })`;
  }
  return "no kernel sockets";
}

/**
 * Renders the kernel socket table as an HTML `<table>` (with the reason when
 * it is empty or incomplete). Colours are fixed accents on the state column;
 * everything else inherits the page's colours, so it reads in light and dark
 * themes.
 *
 * @example Usage
 * ```ts
 * import { renderSocketTableHtml } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const html = renderSocketTableHtml({ rows: [], reason: "/proc/net is not available on darwin" });
 * assertStringIncludes(html, "not available on darwin");
 * ```
 *
 * @param table Rows and reason from `readKernelSockets()`.
 * @returns An HTML fragment.
 */
export function renderSocketTableHtml(table: SocketTable): string {
  const caption = table.ports
    ? `Kernel sockets on ports ${escapeHtml(table.ports.join(", ") || "(none)")}`
    : "Kernel sockets";
  const parts = [
    `<table class="sl-sockets" style="border-collapse:collapse;font-family:monospace;` +
    `font-size:12px;color:inherit">`,
    `<caption style="text-align:left;font-family:sans-serif;font-weight:bold;padding:4px 0">` +
    `${caption}</caption>`,
  ];
  if (table.rows.length === 0) {
    parts.push(
      `<tr><td class="empty" style="padding:4px 0;font-family:sans-serif;font-style:italic">${
        escapeHtml(emptyMessage(table))
      }</td></tr></table>`,
    );
    return parts.join("");
  }
  const th = `style="text-align:left;padding:2px 10px 2px 0;border-bottom:1px solid currentColor"`;
  parts.push(
    `<thead><tr>${COLUMNS.map((h) => `<th ${th}>${h}</th>`).join("")}</tr></thead><tbody>`,
  );
  for (const row of table.rows) {
    const values = cells(row);
    const tds = values.map((v, i) => {
      const align = i === 4 || i === 5 ? "right" : "left";
      const colour = i === 3 && STATE_COLOURS[v]
        ? `;color:${STATE_COLOURS[v]};font-weight:bold`
        : "";
      return `<td style="padding:2px 10px 2px 0;text-align:${align}${colour}">${
        escapeHtml(v)
      }</td>`;
    });
    parts.push(`<tr>${tds.join("")}</tr>`);
  }
  parts.push(`</tbody></table>`);
  if (table.reason) {
    parts.push(`<p style="font-style:italic;margin:4px 0">${escapeHtml(table.reason)}</p>`);
  }
  return parts.join("");
}

/**
 * Renders the kernel socket table as aligned plain text, or the reason it
 * is empty.
 *
 * @example Usage
 * ```ts
 * import { renderSocketTableText } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const text = renderSocketTableText({
 *   rows: [{
 *     protocol: "tcp", state: "LISTEN", stateCode: 10, sendQueue: 0, receiveQueue: 0,
 *     local: { address: "127.0.0.1", port: 8080 }, remote: { address: "0.0.0.0", port: 0 },
 *     timer: { kind: "none", remainingMs: 0 }, retransmits: 0, uid: 0, inode: 1,
 *   }],
 * });
 * assertStringIncludes(text, "127.0.0.1:8080");
 * ```
 *
 * @param table Rows and reason from `readKernelSockets()`.
 * @returns The text.
 */
export function renderSocketTableText(table: SocketTable): string {
  if (table.rows.length === 0) return `(${emptyMessage(table)})`;
  const grid = [[...COLUMNS] as string[], ...table.rows.map(cells)];
  const widths = COLUMNS.map((_, i) => grid.reduce((w, r) => Math.max(w, r[i].length), 0));
  const lines = grid.map((r) =>
    r.map((v, i) => (i === 4 || i === 5 ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ").trimEnd()
  );
  if (table.reason) lines.push(`(${table.reason})`);
  return lines.join("\n");
}
