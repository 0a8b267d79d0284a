/**
 * Reading the arguments of the methods the recorder watches. Node's
 * `listen`, `connect`, `bind` and `send` take their arguments in several
 * shapes; each shape is normalised here once, and the recorder and the
 * loopback guard read the normalised form. Also: payload sizes and the short
 * argument summaries a record shows.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/**
 * `socket.send(msg[, offset, length][, port][, address][, callback])`,
 * normalised.
 */
export interface SendArgs {
  /** The message: bytes, a string, or an array of them. */
  readonly payload: unknown;
  /** Where the datagram starts in `payload`, when given. */
  readonly offset?: number;
  /** How many bytes of `payload` are sent, when given. */
  readonly length?: number;
  /** The target port (absent on a connected socket). */
  readonly port?: number;
  /** The target address, when given. */
  readonly address?: string;
}

/**
 * Normalises the arguments of `dgram.Socket#send`.
 *
 * @example Usage
 * ```ts
 * import { sendArgs } from "./_args.ts";
 * import { assertEquals } from "@std/assert";
 * const msg = new Uint8Array(8);
 * assertEquals(sendArgs([msg, 2, 4, 41234, "127.0.0.1", () => {}]), {
 *   payload: msg, offset: 2, length: 4, port: 41234, address: "127.0.0.1",
 * });
 * assertEquals(sendArgs(["hi", 41234]), { payload: "hi", port: 41234, address: undefined });
 * ```
 *
 * @param args The arguments as the program passed them.
 * @returns The normalised arguments.
 */
export function sendArgs(args: readonly unknown[]): SendArgs {
  const a = args.filter((x) => typeof x !== "function");
  if (typeof a[1] === "number" && typeof a[2] === "number" && a.length >= 3) {
    return {
      payload: a[0],
      offset: a[1],
      length: a[2],
      port: typeof a[3] === "number" ? a[3] : undefined,
      address: typeof a[4] === "string" ? a[4] : undefined,
    };
  }
  return {
    payload: a[0],
    port: typeof a[1] === "number" ? a[1] : undefined,
    address: typeof a[2] === "string" ? a[2] : undefined,
  };
}

/**
 * The bytes `send()` would send: `payload` cut to `offset` and `length` when
 * both were given.
 *
 * @param send Normalised `send()` arguments.
 * @returns The payload to measure and preview.
 */
export function sentPayload(send: SendArgs): unknown {
  if (send.length === undefined || !(send.payload instanceof Uint8Array)) return send.payload;
  const offset = send.offset ?? 0;
  return send.payload.subarray(offset, offset + send.length);
}

/**
 * The host `server.listen(...)` was given: `listen(port, host)` or
 * `listen({ host })`; `undefined` when none was.
 *
 * @param args The arguments of `listen`.
 * @returns The host, if one was given.
 */
export function listenHost(args: readonly unknown[]): string | undefined {
  return optionOrSecond(args, "host");
}

/**
 * What `socket.connect(...)` connects to: `{ host }` (maybe `undefined`,
 * Node's default) for TCP, or `{ path }` for a Unix socket or named pipe.
 *
 * @param args The arguments of `net.Socket#connect`.
 * @returns The host or the path.
 */
export function tcpConnectTarget(
  args: readonly unknown[],
): { readonly host?: string; readonly path?: string } {
  const first = args[0];
  if (first !== null && typeof first === "object") {
    const o = first as { host?: unknown; path?: unknown };
    if (typeof o.path === "string") return { path: o.path };
    return { host: typeof o.host === "string" ? o.host : undefined };
  }
  if (typeof first === "string" && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === "string" ? args[1] : undefined };
}

/**
 * The address `dgram.Socket#bind(...)` was given: `bind(port, address)` or
 * `bind({ address })`.
 *
 * @param args The arguments of `bind`.
 * @returns The address, if one was given.
 */
export function bindAddress(args: readonly unknown[]): string | undefined {
  return optionOrSecond(args, "address");
}

/**
 * The port `dgram.Socket#bind(...)` was given: `bind(port)` or `bind({ port })`.
 *
 * @param args The arguments of `bind`.
 * @returns The port, if a non-zero one was given.
 */
export function bindPort(args: readonly unknown[]): number | undefined {
  const first = args[0];
  const port = first !== null && typeof first === "object"
    ? (first as { port?: unknown }).port
    : first;
  return typeof port === "number" && port !== 0 ? port : undefined;
}

/** A string given as an option of the first argument (an object), or as the second argument. */
function optionOrSecond(args: readonly unknown[], key: string): string | undefined {
  const first = args[0];
  const value = first !== null && typeof first === "object"
    ? (first as Record<string, unknown>)[key]
    : args[1];
  return typeof value === "string" ? value : undefined;
}

/**
 * The size in bytes of a payload as a socket measures it: bytes, a string
 * in the given encoding, or an array of chunks.
 *
 * @example Usage
 * ```ts
 * import { byteLength } from "./_args.ts";
 * console.log(byteLength("你好"), byteLength(["ab", new Uint8Array(3)])); // 6 5
 * ```
 *
 * @param chunk The payload.
 * @param encoding The encoding of a string payload.
 * @returns Its size in bytes (0 for anything that is not a payload).
 */
export function byteLength(chunk: unknown, encoding?: string | null): number {
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  if (typeof chunk === "string") {
    return Buffer.byteLength(chunk, (encoding ?? "utf8") as BufferEncoding);
  }
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (Array.isArray(chunk)) return chunk.reduce((n, c) => n + byteLength(c, encoding), 0);
  return 0;
}

/**
 * A short summary of a call's arguments for a record (`"true, 1000"` for
 * `setKeepAlive(true, 1000)`); callbacks are left out. Empty when nothing
 * is left.
 *
 * @example Usage
 * ```ts
 * import { summarizeArgs } from "./_args.ts";
 * console.log(summarizeArgs([true, 1000, () => {}])); // "true, 1000"
 * ```
 *
 * @param args The arguments.
 * @param keepFunctions Whether callbacks are shown too.
 * @returns The summary.
 */
export function summarizeArgs(args: readonly unknown[], keepFunctions = false): string {
  return args.filter((a) => keepFunctions || typeof a !== "function").map(shortValue).join(", ");
}

function shortValue(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  }
  if (typeof value !== "object" || value === null) return String(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  const name = value.constructor?.name;
  if (name && name !== "Object") return name;
  try {
    const json = JSON.stringify(value);
    return json.length > 60 ? json.slice(0, 60) + "…" : json;
  } catch {
    return "{…}";
  }
}
