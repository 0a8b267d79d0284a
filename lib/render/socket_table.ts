/**
 * Renders the kernel's socket table (from `/proc/net` on Linux, `netstat`
 * elsewhere) as an HTML table and as plain text: local and remote address,
 * state, send and receive queues, and the active timer with its remaining
 * time. A column the platform cannot give shows `n/a`, with a note saying so.
 *
 * @module
 */

import type { Address } from "../record/event.ts";
import type { SocketRow, SocketTable, SocketTimer } from "../os/socket_row.ts";
import { formatAddress, isWildcardAddress } from "../os/address.ts";
import { escapeXml as escapeHtml, formatMs } from "./_svg.ts";
import { type Align, type BADGE, badge, cell, headerRow, tableStart } from "./_html.ts";

/** The columns: text left-aligned, the queues (numbers) right-aligned. */
const COLUMNS: readonly (readonly [string, Align])[] = [
  ["proto", "left"],
  ["local", "left"],
  ["remote", "left"],
  ["state", "left"],
  ["send-Q", "right"],
  ["recv-Q", "right"],
  ["timer", "left"],
];

/** The badge of each state: listening, established, closing, waiting on the program, gone. */
const STATE_TONES: Record<string, keyof typeof BADGE> = {
  LISTEN: "good",
  ESTABLISHED: "info",
  SYN_SENT: "warn",
  SYN_RECV: "warn",
  NEW_SYN_RECV: "warn",
  FIN_WAIT1: "warn",
  FIN_WAIT2: "warn",
  CLOSE_WAIT: "bad",
  LAST_ACK: "warn",
  CLOSING: "warn",
  TIME_WAIT: "quiet",
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

/** What a cell shows for a column the platform cannot give. */
const NOT_AVAILABLE = "n/a";

function formatTimer(t: SocketTimer | undefined): string {
  if (t === undefined) return NOT_AVAILABLE;
  return t.kind === "none" ? "" : `${TIMER_NAMES[t.kind]} in ${formatMs(t.remainingMs)}`;
}

function cells(row: SocketRow): string[] {
  return [
    row.protocol,
    socketEnd(row.local, row.protocol),
    socketEnd(row.remote, row.protocol),
    row.state,
    row.sendQueue === undefined ? NOT_AVAILABLE : String(row.sendQueue),
    row.receiveQueue === undefined ? NOT_AVAILABLE : String(row.receiveQueue),
    formatTimer(row.timer),
  ];
}

/** The shown columns a platform's source cannot give, named as in the table's header. */
const SHOWN: Partial<Record<keyof SocketRow, string>> = {
  sendQueue: "send-Q",
  receiveQueue: "recv-Q",
  timer: "timer",
};

/** A note under the table naming the columns shown as n/a, or `undefined`. */
function unavailableNote(table: SocketTable): string | undefined {
  const missing = (table.unavailable ?? []).flatMap((field) => SHOWN[field] ?? []);
  if (missing.length === 0) return undefined;
  return `n/a: ${table.source ?? "this platform's source"} does not give ${missing.join(", ")}`;
}

/** The lines under a table: the reason it is incomplete, the columns not available. */
function notes(table: SocketTable): string[] {
  return [table.reason, unavailableNote(table)].filter((n): n is string => n !== undefined);
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
 * it is empty or incomplete). Text is left-aligned and the queues
 * right-aligned; states are badges with their own colours, everything else
 * takes the page's colours, so it reads in light and dark themes.
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
    tableStart("sl-sockets"),
    `<caption align="top" style="text-align:left;font-family:sans-serif;font-weight:bold;` +
    `padding:4px 0">${caption}</caption>`,
  ];
  if (table.rows.length === 0) {
    parts.push(
      `<tbody><tr>${
        cell(
          "td",
          escapeHtml(emptyMessage(table)),
          "left",
          "font-family:sans-serif;font-style:italic",
        )
      }</tr></tbody></table>`,
    );
    return parts.join("");
  }
  parts.push(headerRow(COLUMNS), `<tbody>`);
  for (const row of table.rows) {
    const tds = cells(row).map((v, i) => {
      const tone = i === 3 ? STATE_TONES[v] : undefined;
      return cell("td", tone ? badge(v, tone) : escapeHtml(v), COLUMNS[i][1]);
    });
    parts.push(`<tr>${tds.join("")}</tr>`);
  }
  parts.push(`</tbody></table>`);
  for (const note of notes(table)) {
    parts.push(`<p style="font-style:italic;margin:4px 0;text-align:left">${escapeHtml(note)}</p>`);
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
  const grid = [COLUMNS.map(([name]) => name), ...table.rows.map(cells)];
  const widths = COLUMNS.map((_, i) => grid.reduce((w, r) => Math.max(w, r[i].length), 0));
  const lines = grid.map((r) =>
    r.map((v, i) => (COLUMNS[i][1] === "right" ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join("  ").trimEnd()
  );
  for (const note of notes(table)) lines.push(`(${note})`);
  return lines.join("\n");
}
