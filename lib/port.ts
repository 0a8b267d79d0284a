/**
 * Port numbers: validation with clear errors, and finding a free one.
 *
 * @module
 */

import { getAvailablePort } from "@std/net";

/** The transport a port is checked for. */
export type Transport = "tcp" | "udp";

/**
 * Throws a `TypeError` or `RangeError` naming `name` unless `value` is an
 * integer from 0 to 65535.
 *
 * @example Usage
 * ```ts
 * import { assertPort } from "socketlab";
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

/**
 * Options for {@linkcode findFreePort}.
 *
 * @example Usage
 * ```ts
 * import type { FindFreePortOptions } from "socketlab";
 * const options: FindFreePortOptions = { transport: "udp", avoid: new Set([8080]) };
 * ```
 */
export interface FindFreePortOptions {
  /** Which transport the port must be free for; default `"tcp"`. */
  readonly transport?: Transport;
  /** Ports not to return even when free (e.g. handed out already but not bound yet). */
  readonly avoid?: ReadonlySet<number>;
}

/**
 * Returns `preferred` when it is free (and not in `avoid`), otherwise a free
 * port chosen by the OS. TCP ports are checked with `getAvailablePort` from
 * `@std/net`; UDP ports by binding a datagram socket when `Deno.listenDatagram`
 * is available (it needs `"unstable": ["net"]`), else like TCP.
 *
 * @example Usage
 * ```ts
 * import { findFreePort } from "socketlab";
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
  if (preferred !== 0 && !avoid.has(preferred)) {
    const port = check(preferred);
    if (port === preferred) return port;
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = check(0);
    if (!avoid.has(port)) return port;
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

/**
 * Checks a number argument or option: a `TypeError` naming the value if it
 * is not a number, a `RangeError` if it is one that `ok` refuses.
 */
export function checkNumber(
  value: unknown,
  what: string,
  expected: string,
  ok: (n: number) => boolean,
): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`${what} must be ${expected}, got ${describeValue(value)}`);
  }
  if (!ok(value)) throw new RangeError(`${what} must be ${expected}, got ${value}`);
}

/** A short description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name ? `an object of type ${name}` : "an object";
  }
  return `${typeof value} ${String(value)}`;
}
