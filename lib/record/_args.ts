/**
 * Reading the arguments of the methods the recorder watches: `send()`'s
 * several shapes, read as Node reads them, and `bind()`'s port. Also:
 * payload sizes and the short argument summaries a record shows. (The
 * loopback guard reads no arguments: it judges the address Node finally
 * hands to the OS, see `_guard_hooks.ts`.)
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
  /** Where the datagram starts in `payload`, when an offset and length were given. */
  readonly offset?: number;
  /** How many bytes of `payload` are sent, when an offset and length were given. */
  readonly length?: number;
  /** The target port (absent on a connected socket). */
  readonly port?: number;
  /** The target address, when given (absent: Node's default, or the connected peer). */
  readonly address?: string;
}

/**
 * Normalises the arguments of `dgram.Socket#send` the way Node reads them:
 * an unconnected socket's call carries an offset and a length when a fifth
 * argument, or a fourth that is not a function, is given; a connected
 * socket's when the third is a number. Offset and length are converted as
 * Node converts them (`"0"`, `null`, `[5]` and `new Number(5)` are numbers
 * to it), and the port as Node's port check reads it.
 *
 * @example Usage
 * ```ts
 * import { sendArgs } from "./_args.ts";
 * import { assertEquals } from "@std/assert";
 * const msg = new Uint8Array(8);
 * assertEquals(sendArgs([msg, 2, 4, 41234, "127.0.0.1", () => {}]), {
 *   payload: msg, offset: 2, length: 4, port: 41234, address: "127.0.0.1",
 * });
 * assertEquals(sendArgs([msg, "0", [4], 41234, "10.0.0.1"]).length, 4);
 * assertEquals(sendArgs(["hi", 41234]), { payload: "hi", port: 41234, address: undefined });
 * assertEquals(sendArgs([msg, 0, 4, () => {}], true), { payload: msg, offset: 0, length: 4 });
 * ```
 *
 * @param args The arguments as the program passed them.
 * @param connected Whether the socket is connected.
 * @returns The normalised arguments.
 */
export function sendArgs(args: readonly unknown[], connected = false): SendArgs {
  const [payload, a, b, c, d] = args;
  if (connected) {
    return typeof b === "number" ? { payload, offset: uint32(a), length: uint32(b) } : { payload };
  }
  if (d || (c && typeof c !== "function")) {
    return {
      payload,
      offset: uint32(a),
      length: uint32(b),
      port: portOf(c),
      address: addressOf(d),
    };
  }
  return { payload, port: portOf(a), address: addressOf(b) };
}

/** `value >>> 0`, as Node reads a send's offset and length. */
function uint32(value: unknown): number {
  return (value as number) >>> 0;
}

/** A port as Node's port check accepts it: a number, or a string of one. */
function portOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))
    ? Number(value)
    : undefined;
}

function addressOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * The bytes `send()` would send: `payload` cut to `offset` and `length` when
 * both were given.
 *
 * @param send Normalised `send()` arguments.
 * @returns The payload to measure and preview.
 */
export function sentPayload(send: SendArgs): unknown {
  if (send.length === undefined) return send.payload;
  const bytes = typeof send.payload === "string" ? Buffer.from(send.payload) : send.payload;
  if (!(bytes instanceof Uint8Array)) return send.payload;
  const offset = send.offset ?? 0;
  return bytes.subarray(offset, offset + send.length);
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
