/**
 * One-line descriptions of recorded events, shared by the table renderers.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { formatAddress } from "../os/address.ts";

/**
 * Formats a byte count with a binary unit: `512 B`, `4.0 KiB`, `2.4 MiB`.
 *
 * @example Usage
 * ```ts
 * import { formatBytes } from "socketlab/render";
 * console.log(formatBytes(2_516_582)); // "2.4 MiB"
 * ```
 *
 * @param bytes A byte count.
 * @returns The text form.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** Records whose `remote` is worth a word, and the word. */
const REMOTE_WORDS: Record<string, string | undefined> = {
  connection: "from",
  drop: "from",
  message: "from",
  connect: "to",
  send: "to",
  sent: "to",
};

/**
 * What happened, in a few words: `write 5 B "hello" → true`,
 * `close hadError=false`, `error ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1`,
 * `message 12 B from 127.0.0.1:5000`.
 *
 * @example Usage
 * ```ts
 * import { describeEvent } from "socketlab/render";
 * const text = describeEvent({
 *   seq: 1, time: 0, label: "client", kind: "tcp-socket", source: "call",
 *   name: "write", bytes: 5, preview: "hello", returned: true,
 * });
 * console.log(text); // write 5 B "hello" → true
 * ```
 *
 * @param event The event.
 * @returns A one-line description (without label or time).
 */
export function describeEvent(event: TraceEvent): string {
  const parts: string[] = [event.name];
  if (event.args !== undefined) parts.push(`(${event.args})`);
  if (event.bytes !== undefined) parts.push(formatBytes(event.bytes));
  if (event.preview !== undefined) {
    parts.push(event.name === "connection" ? `→ ${event.preview}` : JSON.stringify(event.preview));
  }
  const word = REMOTE_WORDS[event.name];
  if (event.remote !== undefined && word !== undefined) {
    parts.push(`${word} ${formatAddress(event.remote)}`);
  }
  if ((event.name === "listening" || event.name === "connect") && event.local !== undefined) {
    parts.push(`local ${formatAddress(event.local)}`);
  }
  if (event.hadError !== undefined) parts.push(`hadError=${event.hadError}`);
  if (event.returned !== undefined) parts.push(`→ ${JSON.stringify(event.returned)}`);
  if (event.code !== undefined || event.message !== undefined) {
    parts.push(`⚠ ${[event.code, event.message].filter((x) => x !== undefined).join(" ")}`);
  }
  if (event.hint !== undefined) parts.push(`— ${event.hint}`);
  return parts.join(" ");
}

/**
 * The counters of an event as short text: `read 5 B, written 12 B, queued 0 B`.
 *
 * @example Usage
 * ```ts
 * import { describeCounters } from "socketlab/render";
 * console.log(describeCounters({ bytesRead: 5 })); // "read 5 B"
 * ```
 *
 * @param counters The counters, if any.
 * @returns The text, empty when there are none.
 */
export function describeCounters(counters: TraceEvent["counters"]): string {
  if (counters === undefined) return "";
  const parts: string[] = [];
  if (counters.bytesRead !== undefined) parts.push(`read ${formatBytes(counters.bytesRead)}`);
  if (counters.bytesWritten !== undefined) {
    parts.push(`written ${formatBytes(counters.bytesWritten)}`);
  }
  if (counters.writableLength !== undefined) {
    parts.push(`queued ${formatBytes(counters.writableLength)}`);
  }
  if (counters.connections !== undefined) parts.push(`connections ${counters.connections}`);
  return parts.join(", ");
}
