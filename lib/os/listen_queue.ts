/**
 * Pure parsers for what the kernel shows of a listening socket's queue: its
 * backlog (the most connections it keeps waiting for `accept()`) and how
 * many wait now. `/proc/net/tcp` does not carry the backlog; Linux's `ss
 * -ltn` shows it as Send-Q, BSD's and macOS's `netstat -Lan` as `maxqlen`.
 *
 * @module
 */

import type { Address } from "../record/event.ts";
import { colonEnd, count, dottedEnd } from "./netstat.ts";

/** One listening socket's queue. */
export interface ListenQueue {
  /** The address it listens on. */
  readonly local: Address;
  /** Connections waiting to be accepted. */
  readonly queued: number;
  /** The most it keeps waiting: `listen()`'s backlog, capped by the system. */
  readonly backlog: number;
}

/**
 * Parses `ss -ltn`: for a `LISTEN` row, Recv-Q is the connections waiting
 * and Send-Q the backlog. The header and other rows are skipped.
 *
 * @example Usage
 * ```ts
 * import { parseSsListening } from "./listen_queue.ts";
 * import { assertEquals } from "@std/assert";
 * const [queue] = parseSsListening("LISTEN 0      511        127.0.0.1:44105      0.0.0.0:*\n");
 * assertEquals([queue.local.port, queue.backlog, queue.queued], [44105, 511, 0]);
 * ```
 *
 * @param text What `ss -ltn` printed.
 * @returns One queue per listening socket.
 */
export function parseSsListening(text: string): ListenQueue[] {
  const queues: ListenQueue[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== "LISTEN" || fields.length < 4) continue;
    const local = colonEnd(fields[3], line);
    queues.push({
      local: local.address === "*" ? { address: "::", port: local.port, family: "IPv6" } : local,
      queued: count(fields[1], "Recv-Q", line),
      backlog: count(fields[2], "Send-Q", line),
    });
  }
  return queues;
}

/**
 * Parses `netstat -Lan` (macOS, FreeBSD): `qlen/incqlen/maxqlen` and the
 * local address of each listening socket, with or without FreeBSD's Proto
 * column. UNIX sockets (a path instead of `address.port`) are skipped.
 *
 * @example Usage
 * ```ts
 * import { parseNetstatListenQueues } from "./listen_queue.ts";
 * import { assertEquals } from "@std/assert";
 * const [queue] = parseNetstatListenQueues("Listen         Local Address\n192/0/128        *.80\n");
 * assertEquals([queue.local.port, queue.queued, queue.backlog], [80, 192, 128]);
 * ```
 *
 * @param text What `netstat -Lan` printed.
 * @returns One queue per listening TCP socket.
 */
export function parseNetstatListenQueues(text: string): ListenQueue[] {
  const queues: ListenQueue[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const at = fields.findIndex((f) => /^\d+\/\d+\/\d+$/.test(f));
    const address = fields[at + 1];
    if (at < 0 || address === undefined || !/\.(\d+|\*)$/.test(address)) continue;
    if (fields[0] === "unix") continue;
    const [qlen, , maxqlen] = fields[at].split("/").map(Number);
    const v6 = fields[0] === "tcp6" || fields[0] === "tcp46" || address.includes(":");
    queues.push({ local: dottedEnd(address, v6, line), queued: qlen, backlog: maxqlen });
  }
  return queues;
}
