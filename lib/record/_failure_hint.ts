/**
 * Hints for failures the OS reports by errno alone.
 *
 * `setTTL(0)` fails with `setTTL EINVAL`, a 65,508-byte datagram with
 * `send EMSGSIZE 127.0.0.1:41234`, joining `10.23.101.42` with
 * `addMembership EINVAL`: the error names the call, not the value that was
 * wrong. The recorder keeps the error exactly as Node made it and adds one of
 * these hints to the record, naming the value and what was expected.
 *
 * This file knows nothing of sockets: it reads a call's name, its arguments
 * and the error code.
 *
 * @module
 */

import { isMulticastAddress } from "../os/address.ts";

/** The largest UDP payload over IPv4: 65,535 − 20 (IP header) − 8 (UDP header). */
const UDP4_MAX_PAYLOAD = 65_507;
/** The largest UDP payload over IPv6 without jumbograms: 65,535 − 8 (UDP header). */
const UDP6_MAX_PAYLOAD = 65_527;

/** What a hint is computed from. */
export interface FailedCall {
  /** The method (`setTTL`, `addMembership`, ...) or `sent` for a send's result. */
  readonly name: string;
  /** Its arguments as the program passed them. */
  readonly args: readonly unknown[];
  /** The error's `code`. */
  readonly code: string | undefined;
  /** For `sent`: the datagram's size in bytes. */
  readonly bytes?: number;
  /** For `sent`: `"udp4"` or `"udp6"`. */
  readonly socketType?: string;
}

/**
 * Names the value behind an errno-only failure and what was expected, or
 * returns `undefined` when the value does not explain the failure.
 *
 * @example Usage
 * ```ts
 * import { failureHint } from "./_failure_hint.ts";
 * const hint = failureHint({ name: "setTTL", args: [0], code: "EINVAL" });
 * console.log(hint); // "TTL 0 is out of range: expected an integer from 1 to 255"
 * ```
 *
 * @param call The failed call.
 * @returns The hint, e.g. `TTL 0 is out of range: expected an integer from 1 to 255`.
 */
export function failureHint(call: FailedCall): string | undefined {
  switch (call.name) {
    case "setTTL":
      return call.code === "EINVAL" ? ttlHint("TTL", call.args[0]) : undefined;
    case "setMulticastTTL":
      return call.code === "EINVAL"
        ? ttlHint("multicast TTL", call.args[0], call.args[0] === 0 ? " (Node also accepts 0)" : "")
        : undefined;
    case "addMembership":
    case "dropMembership":
      return call.code === "EINVAL" ? groupHint(call.args[0]) : undefined;
    case "sent":
      return call.code === "EMSGSIZE" && call.bytes !== undefined
        ? sizeHint(call.bytes, call.socketType)
        : undefined;
  }
  return undefined;
}

function ttlHint(what: string, ttl: unknown, note = ""): string | undefined {
  if (typeof ttl !== "number" || (ttl >= 1 && ttl < 256)) return undefined;
  return `${what} ${ttl} is out of range: expected an integer from 1 to 255${note}`;
}

function groupHint(group: unknown): string | undefined {
  if (typeof group !== "string" || isMulticastAddress(group)) return undefined;
  return `${group} is not a multicast group: expected an IPv4 address from 224.0.0.0 to ` +
    `239.255.255.255 or an IPv6 address in ff00::/8`;
}

function sizeHint(bytes: number, socketType: string | undefined): string | undefined {
  const six = socketType === "udp6";
  const max = six ? UDP6_MAX_PAYLOAD : UDP4_MAX_PAYLOAD;
  if (bytes <= max) return undefined;
  return `a ${grouped(bytes)}-byte datagram is too large: expected at most ${
    grouped(max)
  } bytes, the largest UDP payload over IPv${six ? 6 : 4}`;
}

function grouped(n: number): string {
  return n.toLocaleString("en-US");
}
