/**
 * The operating system's view of a socket, as plain data: what
 * `lab.sockets()` shows, whatever the source (`/proc/net` on Linux,
 * `netstat` on macOS and Windows). A field a platform cannot give is left
 * out of its rows and named in the table's `unavailable`.
 *
 * @module
 */

import type { Address } from "../record/event.ts";

/**
 * Which table a socket row came from: `/proc/net/tcp`, `tcp6`, `udp` or
 * `udp6` on Linux, the same four kinds elsewhere.
 */
export type SocketProtocol = "tcp" | "tcp6" | "udp" | "udp6";

/** Every {@linkcode SocketProtocol}, in the order tables list them. */
export const SOCKET_PROTOCOLS: readonly SocketProtocol[] = ["tcp", "tcp6", "udp", "udp6"];

/** The active timer of a socket (the `tr` column of `/proc/net`). */
export type SocketTimerKind =
  | "none"
  | "retransmit"
  | "keepalive"
  | "time_wait"
  | "zero_window_probe";

/** A socket's active timer and how long until it fires. */
export interface SocketTimer {
  /** Which timer is pending. */
  readonly kind: SocketTimerKind;
  /** Milliseconds until it fires (ticks × 10, `USER_HZ` = 100); 0 when `kind` is `"none"`. */
  readonly remainingMs: number;
}

/**
 * One socket as the operating system reports it (a `/proc/net` line on
 * Linux, a `netstat` line elsewhere). The fields marked "not on every
 * platform" are left out where the platform's source cannot give them; the
 * table's `unavailable` names them.
 */
export interface SocketRow {
  /** The table the row came from. */
  readonly protocol: SocketProtocol;
  /** Local address and port. */
  readonly local: Address;
  /** Remote address and port (all zeros when not connected). */
  readonly remote: Address;
  /**
   * State name, as Linux names it: `LISTEN`, `ESTABLISHED`, `FIN_WAIT2`, ...
   * (the kernel's `tcp_states.h`); `UNCONN` for an unconnected UDP socket;
   * `BOUND` for a UDP socket on Windows, whose netstat does not say whether
   * it is connected.
   */
  readonly state: string;
  /** The state code as the Linux kernel prints it (e.g. 10 for `LISTEN`). Linux only. */
  readonly stateCode?: number;
  /** `tx_queue`: bytes in the send queue (0 for `LISTEN`). Linux and macOS. */
  readonly sendQueue?: number;
  /** `rx_queue`: bytes in the receive queue (accept queue length for `LISTEN` on Linux). Linux and macOS. */
  readonly receiveQueue?: number;
  /** The active timer. Linux only. */
  readonly timer?: SocketTimer;
  /** `retrnsmt`: unanswered retransmissions or zero-window probes. Linux only. */
  readonly retransmits?: number;
  /** Owner's user id. Linux only. */
  readonly uid?: number;
  /** Socket inode (0 for TIME_WAIT sockets and connections not yet accepted). Linux only. */
  readonly inode?: number;
  /** UDP on Linux only: datagrams the kernel dropped at this socket (receive buffer full, ...). */
  readonly drops?: number;
  /** The owning process's id, where the source shows it (Windows's `netstat -o`). */
  readonly pid?: number;
}

/**
 * The operating system's socket table as socketlab shows it: rows, and when
 * the table could not be read, why.
 */
export interface SocketTable {
  /** The sockets, in the order of the files tcp, tcp6, udp, udp6 (or of netstat's lines). */
  readonly rows: readonly SocketRow[];
  /** Why the table is empty or incomplete, when it could not be read. */
  readonly reason?: string;
  /** The ports the rows were filtered to, when filtered. */
  readonly ports?: readonly number[];
  /** Where the rows came from: `/proc/net`, `netstat -anW` (macOS), `netstat -ano` (Windows). */
  readonly source?: string;
  /** The row fields this platform's source cannot give (left out of every row). */
  readonly unavailable?: readonly (keyof SocketRow)[];
}

const TCP_STATES: Record<number, string> = {
  1: "ESTABLISHED",
  2: "SYN_SENT",
  3: "SYN_RECV",
  4: "FIN_WAIT1",
  5: "FIN_WAIT2",
  6: "TIME_WAIT",
  7: "CLOSE",
  8: "CLOSE_WAIT",
  9: "LAST_ACK",
  10: "LISTEN",
  11: "CLOSING",
  12: "NEW_SYN_RECV",
};

/**
 * Names a TCP state code as the kernel's `tcp_states.h` does; for UDP,
 * `7` is `UNCONN` and `1` is `ESTABLISHED`. Unknown codes become
 * `UNKNOWN(0xNN)`.
 *
 * @example Usage
 * ```ts
 * import { socketStateName } from "./socket_row.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(socketStateName(0x0a, "tcp"), "LISTEN");
 * assertEquals(socketStateName(7, "udp"), "UNCONN");
 * ```
 *
 * @param code The state code from the `st` column.
 * @param protocol The table the code came from.
 * @returns The state name.
 */
export function socketStateName(code: number, protocol: SocketProtocol): string {
  if (protocol.startsWith("udp") && code === 7) return "UNCONN";
  return TCP_STATES[code] ??
    `UNKNOWN(0x${code.toString(16).toUpperCase().padStart(2, "0")})`;
}
