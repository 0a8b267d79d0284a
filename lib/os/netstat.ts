/**
 * Pure parsers for the socket tables of `netstat` where there is no
 * `/proc/net`: macOS (`netstat -anW -p tcp`, `-p udp`) and Windows
 * (`netstat -ano`). Both give fewer columns than Linux: macOS has the queues
 * but no timers, Windows neither. States are named as on Linux (`LISTEN`,
 * `SYN_RECV`, `FIN_WAIT2`, ...) so that one check reads every platform's
 * table.
 *
 * @module
 */

import type { Address } from "../record/event.ts";
import type { SocketProtocol, SocketRow } from "./socket_row.ts";

/** netstat's state names that Linux spells differently; the others are the same. */
const STATE_NAMES: Record<string, string> = {
  LISTENING: "LISTEN", // Windows
  SYN_RECEIVED: "SYN_RECV", // Windows
  SYN_RCVD: "SYN_RECV", // macOS
  FIN_WAIT_1: "FIN_WAIT1",
  FIN_WAIT_2: "FIN_WAIT2",
  CLOSED: "CLOSE",
};

/** The row fields macOS's `netstat -an` cannot give. */
export const DARWIN_UNAVAILABLE: readonly (keyof SocketRow)[] = [
  "stateCode",
  "timer",
  "retransmits",
  "uid",
  "inode",
  "drops",
];

/** The row fields Windows's `netstat -ano` cannot give. */
export const WINDOWS_UNAVAILABLE: readonly (keyof SocketRow)[] = [
  "stateCode",
  "sendQueue",
  "receiveQueue",
  "timer",
  "retransmits",
  "uid",
  "inode",
  "drops",
];

/**
 * Parses macOS's (BSD's) `netstat -an` socket lines: `tcp4`, `tcp6`,
 * `tcp46`, `udp4`, `udp6` and `udp46` rows, with or without the `-A`
 * columns before `Proto`. Addresses are `address.port` (`*.8080`, `*.*`);
 * a dual-stack `tcp46`/`udp46` socket is an IPv6 row. A UDP row without a
 * state is `UNCONN` when it has no peer, `ESTABLISHED` when connected. Lines
 * of other sections (UNIX sockets, `icm4`) are skipped.
 *
 * @example Usage
 * ```ts
 * import { parseDarwinNetstat } from "./netstat.ts";
 * import { assertEquals } from "@std/assert";
 * const [row] = parseDarwinNetstat(
 *   "Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)\n" +
 *     "tcp4       0      0  127.0.0.1.62965        127.0.0.1.12345        FIN_WAIT_2\n",
 * );
 * assertEquals([row.state, row.local.port, row.remote.port], ["FIN_WAIT2", 62965, 12345]);
 * ```
 *
 * @param text What `netstat -an` printed.
 * @returns One row per TCP or UDP socket, in netstat's order.
 */
export function parseDarwinNetstat(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  let skip = 0;
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const header = fields.indexOf("Proto");
    if (header >= 0 && fields.includes("Recv-Q")) skip = header;
    const match = /^(tcp|udp)(4|6|46)$/.exec(fields[skip] ?? "");
    if (match === null) continue;
    const [, transport, version] = match;
    const [recv, send, localText, remoteText, stateText] = fields.slice(skip + 1);
    const v6 = version !== "4";
    const local = dottedEnd(localText, v6, line);
    const remote = dottedEnd(remoteText, v6, line);
    rows.push({
      protocol: `${transport}${v6 ? "6" : ""}` as SocketProtocol,
      local,
      remote,
      state: stateText === undefined ? udpState(remote) : STATE_NAMES[stateText] ?? stateText,
      receiveQueue: count(recv, "Recv-Q", line),
      sendQueue: count(send, "Send-Q", line),
    });
  }
  return rows;
}

/**
 * Parses Windows's `netstat -ano` (or `-an`) connection lines: `TCP` rows
 * with a state, `UDP` rows without one, the owning process id when `-o` was
 * given. Addresses are `address:port`, IPv6 in brackets. Windows's netstat
 * does not say whether a UDP socket is connected (its peer is always `*:*`),
 * so a UDP row's state is `BOUND`. State names Windows prints in another
 * language are kept as printed.
 *
 * @example Usage
 * ```ts
 * import { parseWindowsNetstat } from "./netstat.ts";
 * import { assertEquals } from "@std/assert";
 * const [row] = parseWindowsNetstat(
 *   "  TCP    127.0.0.1:1310         0.0.0.0:0              LISTENING       9328\n",
 * );
 * assertEquals([row.protocol, row.state, row.local.port, row.pid], ["tcp", "LISTEN", 1310, 9328]);
 * ```
 *
 * @param text What `netstat -ano` printed.
 * @returns One row per TCP or UDP socket, in netstat's order.
 */
export function parseWindowsNetstat(text: string): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const transport = fields[0] === "TCP" ? "tcp" : fields[0] === "UDP" ? "udp" : undefined;
    if (transport === undefined || fields.length < 3) continue;
    const local = colonEnd(fields[1], line);
    const remote = colonEnd(fields[2], line);
    const [stateText, pidText] = transport === "tcp" ? fields.slice(3) : [undefined, fields[3]];
    const v6 = local.family === "IPv6";
    rows.push({
      protocol: `${transport}${v6 ? "6" : ""}` as SocketProtocol,
      local,
      remote: remote.address === "*" ? wildcard(v6, 0) : remote,
      state: stateText === undefined ? "BOUND" : STATE_NAMES[stateText] ?? stateText,
      ...(pidText === undefined ? {} : { pid: count(pidText, "PID", line) }),
    });
  }
  return rows;
}

function udpState(remote: Address): string {
  return remote.port === 0 ? "UNCONN" : "ESTABLISHED";
}

function wildcard(v6: boolean, port: number): Address {
  return v6
    ? { address: "::", port, family: "IPv6" }
    : { address: "0.0.0.0", port, family: "IPv4" };
}

/**
 * A whole number of a text table's line, or a `SyntaxError` naming the line.
 *
 * @param text The field.
 * @param what What it is, for the error message.
 * @param line The whole line, for the error message.
 * @returns The number.
 */
export function count(text: string | undefined, what: string, line: string): number {
  if (text === undefined || !/^\d+$/.test(text)) {
    throw new SyntaxError(`${what} should be a number in the line ${JSON.stringify(line)}`);
  }
  return Number(text);
}

/**
 * Parses BSD's `address.port` (`127.0.0.1.8080`, `::1.8080`, `*.8080`,
 * `*.*`): `*` is the wildcard address of the family, a `*` port is 0.
 *
 * @param text The field.
 * @param v6 Whether the wildcard is IPv6's.
 * @param line The whole line, for the error message.
 * @returns The address.
 */
export function dottedEnd(text: string | undefined, v6: boolean, line: string): Address {
  const at = text?.lastIndexOf(".") ?? -1;
  if (text === undefined || at <= 0) {
    throw new SyntaxError(`expected address.port in netstat's line ${JSON.stringify(line)}`);
  }
  const host = text.slice(0, at);
  const portText = text.slice(at + 1);
  const port = portText === "*" ? 0 : count(portText, "the port", line);
  if (host === "*") return wildcard(v6, port);
  return { address: host, port, family: host.includes(":") ? "IPv6" : "IPv4" };
}

/**
 * Parses `address:port` as Windows's netstat and Linux's `ss` print it
 * (`127.0.0.1:8080`, `[::1]:8080`, `*:*`); a `*` port is 0.
 *
 * @param text The field.
 * @param line The whole line, for the error message.
 * @returns The address (`*` stays `*`).
 */
export function colonEnd(text: string, line: string): Address {
  const at = text.lastIndexOf(":");
  if (at <= 0) {
    throw new SyntaxError(`expected address:port in netstat's line ${JSON.stringify(line)}`);
  }
  const host = text.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const portText = text.slice(at + 1);
  const port = portText === "*" ? 0 : count(portText, "the port", line);
  return { address: host, port, family: host.includes(":") ? "IPv6" : "IPv4" };
}
