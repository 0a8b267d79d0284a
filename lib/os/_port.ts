/**
 * Port numbers: validation with clear errors, and finding a free one that no
 * other process on this machine has been handed (see `_port_reservation.ts`).
 *
 * @module
 */

import { getAvailablePort } from "jsr:@std/net@^1.0.4";
import { checkNumber } from "../_validate.ts";
import { releasePort, reservePort } from "./_port_reservation.ts";

export { releasePort };

/** The transport a port is checked for. */
export type Transport = "tcp" | "udp";

/**
 * Throws a `TypeError` or `RangeError` naming `name` unless `value` is an
 * integer from 0 to 65535.
 *
 * @example Usage
 * ```ts
 * import { assertPort } from "./_port.ts";
 * import { assertThrows } from "@std/assert";
 * assertPort(8080, "port");
 * assertThrows(() => assertPort(65536, "port"), RangeError, "port must be an integer from 0 to 65535, got 65536");
 * ```
 *
 * @param value The value to check.
 * @param name The argument's name, used in the error message.
 */
export function assertPort(value: unknown, name: string): asserts value is number {
  checkNumber(
    value,
    name,
    "an integer from 0 to 65535",
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
  );
}

/** Options for {@linkcode findFreePort}. */
export interface FindFreePortOptions {
  /**
   * Which transport the port must be free for.
   *
   * @default {"tcp"}
   */
  readonly transport?: Transport;
  /**
   * Ports not to return even when free (e.g. handed out already but not bound yet).
   *
   * @default {new Set()}
   */
  readonly avoid?: ReadonlySet<number>;
}

/**
 * Returns `preferred` when it is free (and not in `avoid`), otherwise a free
 * port chosen by the OS. TCP ports are checked with `getAvailablePort` from
 * `@std/net`; UDP ports by binding a datagram socket when `Deno.listenDatagram`
 * is available (it needs `"unstable": ["net"]`), else like TCP.
 *
 * Across processes, a port is handed out only after it has been reserved for
 * this process (an atomically created file per port, see
 * `_port_reservation.ts`): two processes asking for the same free port
 * between the check and the bind do not both get it.
 *
 * @example Usage
 * ```ts
 * import { findFreePort } from "./_port.ts";
 * const port = findFreePort(8080);
 * console.log(port > 0);
 * ```
 *
 * @param preferred The port to try first (0 means any).
 * @param options Transport and ports to avoid.
 * @returns A port number that could be bound just now.
 */
export function findFreePort(preferred: number, options: FindFreePortOptions = {}): number {
  assertPort(preferred, "preferred port");
  const avoid = options.avoid ?? new Set<number>();
  const check = options.transport === "udp" && canCheckUdp() ? freeUdpPort : freeTcpPort;
  const transport = options.transport ?? "tcp";
  if (preferred !== 0 && !avoid.has(preferred) && reservePort(preferred, transport)) {
    const port = check(preferred);
    if (port === preferred) return port;
    releasePort(preferred, transport);
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = check(0);
    if (!avoid.has(port) && reservePort(port, transport)) return port;
  }
  throw new Error("no free port found after 20 attempts; close some sockets and try again");
}

function freeTcpPort(preferred: number): number {
  return getAvailablePort(preferred === 0 ? undefined : { preferredPort: preferred });
}

function canCheckUdp(): boolean {
  return typeof (Deno as { listenDatagram?: unknown }).listenDatagram === "function";
}

function freeUdpPort(preferred: number): number {
  const listen = (port: number) => {
    const conn = Deno.listenDatagram({ port, hostname: "0.0.0.0", transport: "udp" });
    try {
      return (conn.addr as Deno.NetAddr).port;
    } finally {
      conn.close();
    }
  };
  if (preferred !== 0) {
    try {
      return listen(preferred);
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    }
  }
  return listen(0);
}
