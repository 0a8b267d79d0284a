/**
 * A pure parser for the Linux kernel's socket tables `/proc/net/tcp`,
 * `/proc/net/tcp6`, `/proc/net/udp` and `/proc/net/udp6`.
 *
 * What the columns mean, as this parser reads them:
 *
 * - `local_address` / `rem_address`: hexadecimal IP address and port. The
 *   kernel prints each 32-bit word of the address as a native-endian number,
 *   so on little-endian machines (x86, ARM) `0100007F` is `127.0.0.1`.
 *   IPv6 addresses are four such words. IPv4-mapped IPv6 addresses are shown
 *   as `::ffff:127.0.0.1`.
 * - `st`: the state, named as in the kernel's `include/net/tcp_states.h`
 *   (`ESTABLISHED`, `SYN_SENT`, ..., `LISTEN`, `CLOSING`, `NEW_SYN_RECV`).
 *   For UDP the kernel reuses two of these codes: `01` is a connected socket
 *   (shown as `ESTABLISHED`) and `07` an unconnected one, shown as `UNCONN`
 *   as `ss` does (the kernel's name, `CLOSE`, would suggest a closed socket).
 * - `tx_queue` / `rx_queue`: bytes in the send queue (sent, not yet
 *   acknowledged or not yet sent) and in the receive queue (arrived, not yet
 *   read by the program). For a `LISTEN` socket `rx_queue` is the number of
 *   connections waiting in the accept queue and `tx_queue` is 0 (the backlog
 *   that `ss` shows as Send-Q comes from netlink, not from this file). For
 *   UDP the queues count the kernel's memory for the datagrams, a little more
 *   than their payload.
 * - `tr` / `tm->when`: the active timer (0 none, 1 retransmit, 2 keep-alive,
 *   3 TIME_WAIT, 4 zero-window probe) and its remaining time in clock ticks.
 *   The kernel converts jiffies to `USER_HZ` ticks, which is 100 per second
 *   on every Linux architecture, so one tick is 10 ms. Timer 2 is the
 *   socket's `sk_timer`: the keep-alive timer, which the kernel also uses for
 *   the FIN_WAIT2 timeout of a closed (orphaned) socket.
 *
 * @module
 */

import type { Address } from "../record/event.ts";
import {
  SOCKET_PROTOCOLS,
  type SocketProtocol,
  type SocketRow,
  socketStateName,
  type SocketTimerKind,
} from "./socket_row.ts";

/** Options of {@linkcode parseProcNet}. */
export interface ParseProcNetOptions {
  /**
   * Whether the machine that wrote the text is little-endian (x86, ARM). On
   * big-endian machines the kernel prints addresses in network byte order.
   *
   * @default {true}
   */
  littleEndian?: boolean;
}

const TIMER_KINDS: Record<number, SocketTimerKind> = {
  0: "none",
  1: "retransmit",
  2: "keepalive",
  3: "time_wait",
  4: "zero_window_probe",
};

/** Milliseconds per `USER_HZ` clock tick: `USER_HZ` is 100 on every Linux architecture. */
const MS_PER_TICK = 10;

/**
 * Parses the text of `/proc/net/tcp`, `tcp6`, `udp` or `udp6` into rows.
 * The header line and blank lines are skipped; any other line that is not a
 * socket line is an error naming the line.
 *
 * @example Usage
 * ```ts
 * import { parseProcNet } from "./proc_net.ts";
 * import { assertEquals } from "@std/assert";
 * const text =
 *   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
 *   "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0\n";
 * const [row] = parseProcNet(text, "tcp");
 * assertEquals(row.local, { address: "127.0.0.1", port: 8080, family: "IPv4" });
 * assertEquals(row.state, "LISTEN");
 * ```
 *
 * @param text The file's text.
 * @param protocol Which file it is: `"tcp"`, `"tcp6"`, `"udp"` or `"udp6"`.
 * @param options Byte order of the machine that wrote the text.
 * @returns One row per socket, in file order.
 */
export function parseProcNet(
  text: string,
  protocol: SocketProtocol,
  options: ParseProcNetOptions = {},
): SocketRow[] {
  if (!SOCKET_PROTOCOLS.includes(protocol)) {
    throw new TypeError(
      `protocol must be one of ${SOCKET_PROTOCOLS.join(", ")}, got ${JSON.stringify(protocol)}`,
    );
  }
  if (typeof text !== "string") {
    throw new TypeError(`text must be the string content of /proc/net/${protocol}`);
  }
  const littleEndian = options.littleEndian ?? true;
  const rows: SocketRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("sl ")) continue;
    try {
      rows.push(parseLine(line, protocol, littleEndian));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new SyntaxError(
        `line ${i + 1} of /proc/net/${protocol} is not a socket line (${why}): ${
          JSON.stringify(line.slice(0, 200))
        }`,
      );
    }
  }
  return rows;
}

function parseLine(line: string, protocol: SocketProtocol, littleEndian: boolean): SocketRow {
  const f = line.split(/\s+/);
  if (f.length < 10 || !/^\d+:$/.test(f[0])) {
    throw new Error("expected at least 10 columns starting with `N:`");
  }
  const v6 = protocol.endsWith("6");
  const local = parseAddress(f[1], v6, littleEndian);
  const remote = parseAddress(f[2], v6, littleEndian);
  const stateCode = parseHex(f[3], "st");
  const [tx, rx] = splitPair(f[4], "tx_queue:rx_queue");
  const [tr, when] = splitPair(f[5], "tr:tm->when");
  const timerCode = parseHex(tr, "tr");
  const kind = TIMER_KINDS[timerCode];
  if (kind === undefined) throw new Error(`unknown timer code ${tr}`);
  return {
    protocol,
    local,
    remote,
    state: socketStateName(stateCode, protocol),
    stateCode,
    sendQueue: parseHex(tx, "tx_queue"),
    receiveQueue: parseHex(rx, "rx_queue"),
    timer: { kind, remainingMs: kind === "none" ? 0 : parseHex(when, "tm->when") * MS_PER_TICK },
    retransmits: parseHex(f[6], "retrnsmt"),
    uid: parseDecimal(f[7], "uid"),
    inode: parseDecimal(f[9], "inode"),
    ...(protocol.startsWith("udp") && f.length >= 13
      ? { drops: parseDecimal(f[12], "drops") }
      : {}),
  };
}

function splitPair(field: string, what: string): [string, string] {
  const parts = field.split(":");
  if (parts.length !== 2) throw new Error(`${what} should be two hex numbers, got ${field}`);
  return [parts[0], parts[1]];
}

function parseHex(field: string, what: string): number {
  if (!/^[0-9A-Fa-f]+$/.test(field)) throw new Error(`${what} should be hexadecimal, got ${field}`);
  return parseInt(field, 16);
}

function parseDecimal(field: string, what: string): number {
  if (!/^\d+$/.test(field)) throw new Error(`${what} should be a decimal number, got ${field}`);
  return Number(field);
}

function parseAddress(field: string, v6: boolean, littleEndian: boolean): Address {
  const [hex, portHex] = splitPair(field, "address:port");
  const want = v6 ? 32 : 8;
  if (hex.length !== want || !/^[0-9A-Fa-f]+$/.test(hex)) {
    throw new Error(`address should be ${want} hex digits, got ${hex}`);
  }
  const bytes: number[] = [];
  for (let w = 0; w < want; w += 8) {
    const word = [0, 2, 4, 6].map((o) => parseInt(hex.slice(w + o, w + o + 2), 16));
    bytes.push(...(littleEndian ? word.reverse() : word));
  }
  const port = parseHex(portHex, "port");
  if (!v6) return { address: bytes.join("."), port, family: "IPv4" };
  return { address: formatIPv6(bytes), port, family: "IPv6" };
}

/** Formats 16 bytes as an IPv6 address (RFC 5952), IPv4-mapped as `::ffff:a.b.c.d`. */
function formatIPv6(bytes: readonly number[]): string {
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
    bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join(".")}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes[i] * 256 + bytes[i + 1]);
  // The longest run of two or more zero groups is written `::` (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}
