/**
 * The loopback guard's decision, as pure functions: which addresses a lab
 * lets a watched socket connect, bind or send to. The wiring that calls these
 * lives in `watch.ts`.
 *
 * @module
 */

import { isIP } from "node:net";

/** Which networks a lab may reach: only loopback (the default), or the LAN too. */
export type NetworkScope = "loopback" | "lan";

/** What the socket is about to do with the address. */
export type GuardOperation =
  | "connect"
  | "bind"
  | "listen"
  | "send"
  | "addMembership"
  | "dropMembership"
  | "setMulticastInterface";

/**
 * The input of {@linkcode guardDecision}.
 *
 * @example Usage
 * ```ts
 * import type { GuardRequest } from "socketlab";
 * const request: GuardRequest = { operation: "send", address: "239.7.7.7", multicastInterface: "127.0.0.1" };
 * ```
 */
export interface GuardRequest {
  /** The operation about to happen. */
  readonly operation: GuardOperation;
  /** The target (connect, send), local (bind, listen) or group (membership) address; `undefined` means Node's default. */
  readonly address: string | undefined;
  /** For multicast: the interface the packets would go through (`setMulticastInterface` or the membership's interface). */
  readonly multicastInterface?: string | undefined;
  /** The lab's scope; default `"loopback"`. */
  readonly network?: NetworkScope;
}

/**
 * Error thrown when a watched socket would reach beyond loopback in a lab
 * opened without `{ network: "lan" }`.
 *
 * @example Usage
 * ```ts
 * import { LoopbackGuardError } from "socketlab";
 * const error = new LoopbackGuardError("send to 10.0.0.1 refused");
 * console.log(error.code); // "ERR_SOCKETLAB_LOOPBACK"
 * ```
 */
export class LoopbackGuardError extends Error {
  /** A stable code, like Node's error codes. */
  readonly code = "ERR_SOCKETLAB_LOOPBACK";
  /**
   * Makes an error with the given message.
   *
   * @param message What was refused and how to allow it.
   */
  constructor(message: string) {
    super(message);
    this.name = "LoopbackGuardError";
  }
}

/**
 * Whether an IP address is a loopback address: 127.0.0.0/8, `::1`, or an
 * IPv4-mapped IPv6 form of 127.0.0.0/8. Host names are not resolved, so
 * `"localhost"` counts, and every other name does not.
 *
 * @example Usage
 * ```ts
 * import { isLoopbackAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isLoopbackAddress("127.255.255.255"));
 * assert(!isLoopbackAddress("10.23.101.42"));
 * ```
 *
 * @param address An IP address or host name.
 * @returns `true` for loopback.
 */
export function isLoopbackAddress(address: string): boolean {
  const a = stripZone(address.trim().toLowerCase());
  if (a === "localhost") return true;
  const v4 = ipv4Of(a);
  if (v4 !== undefined) return v4[0] === 127;
  if (isIP(a) === 6) {
    const words = expandIpv6(a);
    return words !== undefined && words.slice(0, 7).every((w) => w === 0) && words[7] === 1;
  }
  return false;
}

/**
 * Whether an IP address is an IPv4 multicast group (224.0.0.0/4) or an IPv6
 * multicast address (`ff00::/8`).
 *
 * @example Usage
 * ```ts
 * import { isMulticastAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isMulticastAddress("239.7.7.7"));
 * assert(!isMulticastAddress("10.23.101.42"));
 * ```
 *
 * @param address An IP address.
 * @returns `true` for a multicast address.
 */
export function isMulticastAddress(address: string): boolean {
  const a = stripZone(address.trim().toLowerCase());
  const v4 = ipv4Of(a);
  if (v4 !== undefined) return v4[0] >= 224 && v4[0] <= 239;
  return isIP(a) === 6 && a.startsWith("ff");
}

/**
 * Whether an address is a wildcard ("any") address: `0.0.0.0` or `::`.
 * Binding to it listens on every interface but sends nothing anywhere.
 *
 * @example Usage
 * ```ts
 * import { isWildcardAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isWildcardAddress("0.0.0.0"));
 * ```
 *
 * @param address An IP address.
 * @returns `true` for `0.0.0.0`, `::` and their equivalents.
 */
export function isWildcardAddress(address: string): boolean {
  const a = address.trim().toLowerCase();
  if (isIP(a) === 4) return a.split(".").every((p) => Number(p) === 0);
  if (isIP(a) === 6) return expandIpv6(a)?.every((w) => w === 0) ?? false;
  return false;
}

/**
 * Decides whether the loopback guard lets an operation through. Returns
 * `undefined` when it may proceed, or the reason it is refused.
 *
 * - `connect`, `send`: the target must be loopback; a multicast target is
 *   allowed when the packets go out through a loopback interface.
 * - `bind`, `listen`: loopback, a wildcard address (`0.0.0.0`, `::`) or a
 *   multicast group (a receiver may bind to its group).
 * - `addMembership`, `dropMembership`: the interface must be loopback (an
 *   omitted interface lets the OS pick one, and joining sends an IGMP report
 *   there).
 * - `setMulticastInterface`: the interface must be loopback.
 * - An omitted address is Node's default (localhost or the wildcard), so it
 *   passes, except for multicast membership as above.
 *
 * @example Usage
 * ```ts
 * import { guardDecision } from "socketlab";
 * import { assertEquals, assertMatch } from "@std/assert";
 * assertEquals(guardDecision({ operation: "connect", address: "127.0.0.1" }), undefined);
 * assertMatch(guardDecision({ operation: "send", address: "10.23.101.42" })!, /outside loopback/);
 * assertEquals(guardDecision({ operation: "send", address: "10.23.101.42", network: "lan" }), undefined);
 * ```
 *
 * @param request What is about to happen.
 * @returns `undefined` to allow, or a sentence saying why it is refused.
 */
export function guardDecision(request: GuardRequest): string | undefined {
  if ((request.network ?? "loopback") === "lan") return undefined;
  const { operation, address, multicastInterface } = request;
  const optIn = 'open the lab with { network: "lan" } to allow it';
  if (address !== undefined && address !== "" && isHostName(address)) {
    return `${operation} to ${JSON.stringify(address)} refused: the guard resolves no host name ` +
      `but "localhost"; pass an IP address such as 127.0.0.1, or ${optIn}`;
  }
  switch (operation) {
    case "bind":
    case "listen":
      if (address === undefined || address === "") return undefined;
      if (isWildcardAddress(address) || isLoopbackAddress(address)) return undefined;
      // A receiver may bind to a group address: binding sends nothing, and
      // joining the group is guarded separately (addMembership).
      if (isMulticastAddress(address)) return undefined;
      return `${operation} to ${address} refused: it is outside loopback (127.0.0.0/8, ::1); ${optIn}`;
    case "connect":
    case "send":
      if (address === undefined || address === "") return undefined;
      if (isLoopbackAddress(address)) return undefined;
      if (isMulticastAddress(address)) {
        if (multicastInterface !== undefined && isLoopbackAddress(multicastInterface)) {
          return undefined;
        }
        return `${operation} to multicast group ${address} refused: the packets would leave ` +
          `through the default interface; call setMulticastInterface("127.0.0.1") first, or ${optIn}`;
      }
      return `${operation} to ${address} refused: it is outside loopback (127.0.0.0/8, ::1); ${optIn}`;
    case "addMembership":
    case "dropMembership":
      if (multicastInterface !== undefined && isLoopbackAddress(multicastInterface)) {
        return undefined;
      }
      return `${operation}(${JSON.stringify(address)}${
        multicastInterface === undefined ? "" : `, ${JSON.stringify(multicastInterface)}`
      }) refused: ${
        multicastInterface === undefined
          ? "without an interface the OS joins on its default interface and announces it there"
          : `interface ${multicastInterface} is outside loopback`
      }; pass "127.0.0.1" as the interface, or ${optIn}`;
    case "setMulticastInterface":
      if (address !== undefined && isLoopbackAddress(address)) return undefined;
      return `setMulticastInterface(${
        JSON.stringify(address)
      }) refused: it is outside loopback; use "127.0.0.1", or ${optIn}`;
  }
}

function isHostName(address: string): boolean {
  const a = stripZone(address.trim().toLowerCase());
  return a !== "localhost" && isIP(a) === 0;
}

function stripZone(address: string): string {
  const at = address.indexOf("%");
  return at === -1 ? address : address.slice(0, at);
}

/** The four octets of an IPv4 address, also from its IPv4-mapped IPv6 form. */
function ipv4Of(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split(".").map(Number);
  if (isIP(address) !== 6) return undefined;
  const words = expandIpv6(address);
  if (words === undefined) return undefined;
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  if (!mapped) return undefined;
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff];
}

/** The eight 16-bit words of a valid IPv6 address. */
function expandIpv6(address: string): number[] | undefined {
  let text = address;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes(".")) {
    const octets = dotted.split(".").map(Number);
    tail = [(octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]];
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (part: string) => part === "" ? [] : part.split(":").map((w) => parseInt(w, 16));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const fill = rest === undefined ? 0 : 8 - left.length - right.length;
  const words = [...left, ...new Array(fill).fill(0), ...right];
  if (words.length !== 8 || words.some((w) => Number.isNaN(w))) return undefined;
  if (tail.length === 2) words.splice(6, 2, ...tail);
  return words;
}
