/**
 * The loopback guard's decision, as pure functions: which addresses a lab
 * lets a watched socket connect, bind, listen, send or join a group on. The
 * addresses judged here are the ones the OS is about to use (after any
 * lookup); the wiring that asks lives in `_guard_hooks.ts`.
 *
 * @module
 */

import { isIP } from "node:net";
import {
  isLoopbackIp,
  isLoopbackZone,
  isMulticastAddress,
  isWildcardAddress,
  LOOPBACK_ZONE,
  zoneOf,
} from "../os/address.ts";

/** Which networks a lab may reach: only loopback (the default), or the LAN too. */
export type NetworkScope = "loopback" | "lan";

/** An IP family, as Node names it. */
export type AddressFamily = "IPv4" | "IPv6";

/** What the socket is about to do with the address. */
export type GuardOperation =
  | "connect"
  | "send"
  | "bind"
  | "listen"
  | "addMembership"
  | "dropMembership"
  | "addSourceSpecificMembership"
  | "dropSourceSpecificMembership"
  | "setMulticastInterface";

/** The input of {@linkcode guardDecision}. */
export interface GuardRequest {
  /** The operation about to happen. */
  readonly operation: GuardOperation;
  /**
   * The address the OS is about to use: the target (`connect`, `send`), the
   * local address (`bind`, `listen`), the group (memberships) or the
   * interface (`setMulticastInterface`).
   */
  readonly address: string;
  /** The port, when there is one (for the message). */
  readonly port?: number;
  /** The host name the address was looked up from, when known (for the message). */
  readonly host?: string;
  /** A source-specific membership's source address (for the message). */
  readonly source?: string;
  /**
   * The interface multicast goes through: for `send` and `connect` the one
   * `setMulticastInterface` chose, for a membership its interface argument;
   * `undefined` means the OS's default interface.
   */
  readonly multicastInterface?: string;
  /**
   * The socket's family, which says how an interface is read: an IPv4
   * address, or for IPv6 the zone id (`::%lo`), since the OS reads only the
   * zone.
   *
   * @default {"IPv4"}
   */
  readonly family?: AddressFamily;
  /**
   * The lab's scope.
   *
   * @default {"loopback"}
   */
  readonly network?: NetworkScope;
}

/**
 * Error thrown (or emitted, or passed to the callback, wherever Node reports
 * that call's failures) when a watched socket would reach beyond loopback in
 * a lab opened without `{ network: "lan" }`.
 *
 * @example Usage
 * ```ts
 * import { LoopbackGuardError } from "socketlab";
 * const error = new LoopbackGuardError("send to 10.0.0.1:9 refused");
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

const OPT_IN = 'open the lab with { network: "lan" } to allow it';
const OUTSIDE = "the address is outside loopback (127.0.0.0/8, ::1)";
const LOOPBACK_INTERFACE = `"127.0.0.1" (IPv6: "::%${LOOPBACK_ZONE}")`;

/**
 * Decides whether the loopback guard lets an operation through. Returns
 * `undefined` when it may proceed, or the reason it is refused.
 *
 * - `connect`, `send`: the target must be a loopback IP address (a zone id,
 *   if any, must name the loopback interface). A multicast target passes
 *   when its packets go through the loopback interface: the target's zone,
 *   or else the socket's multicast interface, must name it.
 * - `bind`, `listen`: a loopback address, or a multicast group (a receiver
 *   may bind to its group; it sends nothing). A wildcard is refused here:
 *   the wiring binds loopback instead (see {@linkcode loopbackInstead}).
 * - Memberships and `setMulticastInterface`: the interface must be the
 *   loopback interface (an omitted one lets the OS pick its default, and a
 *   join is announced there). An IPv6 interface counts only by its zone id.
 *
 * What the OS would refuse anyway passes (a membership of a group that is
 * not multicast, an interface that is not an address of the socket's
 * family), so that the call fails with the OS's own error, watched or not.
 *
 * @example Usage
 * ```ts
 * import { guardDecision } from "./guard.ts";
 * import { assertEquals, assertMatch } from "@std/assert";
 * assertEquals(guardDecision({ operation: "connect", address: "127.0.0.1" }), undefined);
 * assertMatch(guardDecision({ operation: "send", address: "10.23.101.42", port: 9 })!, /outside loopback/);
 * assertEquals(guardDecision({ operation: "send", address: "10.23.101.42", network: "lan" }), undefined);
 * ```
 *
 * @param request What is about to happen.
 * @returns `undefined` to allow, or a sentence saying why it is refused.
 */
export function guardDecision(request: GuardRequest): string | undefined {
  if ((request.network ?? "loopback") === "lan") return undefined;
  switch (request.operation) {
    case "connect":
    case "send":
      return targetRefusal(request);
    case "bind":
    case "listen":
      return localRefusal(request);
    case "setMulticastInterface":
      return interfaceRefusal(request);
    default:
      return membershipRefusal(request);
  }
}

/**
 * The loopback address to bind instead of a wildcard: `127.0.0.1` for no
 * address or `0.0.0.0` (and for Node's dual-stack default of a TCP server
 * given no host), `::1` for `::`.
 *
 * @example Usage
 * ```ts
 * import { loopbackInstead } from "./guard.ts";
 * console.log(loopbackInstead(null, "IPv4"), loopbackInstead("::", "IPv6")); // 127.0.0.1 ::1
 * console.log(loopbackInstead("127.0.0.1", "IPv4")); // undefined
 * ```
 *
 * @param address The local address asked for (`null`, `undefined` or `""` for none).
 * @param family The family the socket binds with.
 * @returns The loopback address, or `undefined` when `address` is not a wildcard.
 */
export function loopbackInstead(
  address: string | null | undefined,
  family: AddressFamily,
): string | undefined {
  if (address === undefined || address === null || address === "") {
    return family === "IPv6" ? "::1" : "127.0.0.1";
  }
  if (!isWildcardAddress(address)) return undefined;
  return isIP(address) === 6 ? "::1" : "127.0.0.1";
}

/**
 * What the trace says when the guard bound loopback instead of a wildcard.
 *
 * @example Usage
 * ```ts
 * import { loopbackNote } from "./guard.ts";
 * console.log(loopbackNote(undefined, "127.0.0.1"));
 * ```
 *
 * @param asked The address the program asked for (`undefined`/`null` for none).
 * @param bound The loopback address bound instead.
 * @returns One sentence for the `listening` record's hint.
 */
export function loopbackNote(asked: string | null | undefined, bound: string): string {
  const what = asked ? `${asked} (every interface)` : "every interface (no address given)";
  return `the loopback guard bound ${bound} instead of ${what}: a lab keeps its sockets off ` +
    `other networks; open the lab with { network: "lan" } to bind every interface`;
}

function targetRefusal(request: GuardRequest): string | undefined {
  const { operation, address } = request;
  const target = describeTarget(request);
  if (!isMulticastAddress(address)) {
    if (isLoopbackIp(address)) return undefined;
    const zone = zoneOf(address);
    const why = zone !== undefined && isLoopbackIp(address.slice(0, address.indexOf("%")))
      ? `zone ${zone} is not the loopback interface (${LOOPBACK_ZONE})`
      : OUTSIDE;
    return `${operation} to ${target} refused: ${why}; ${OPT_IN}`;
  }
  const zone = zoneOf(address);
  const through = zone !== undefined ? `::%${zone}` : request.multicastInterface;
  const why = interfaceProblem(through, zone !== undefined ? "IPv6" : request.family);
  if (why === undefined) return undefined;
  return `${operation} to multicast group ${target} refused: ${why}; ` +
    `call setMulticastInterface(${LOOPBACK_INTERFACE}) first, or ${OPT_IN}`;
}

function localRefusal(request: GuardRequest): string | undefined {
  const { address } = request;
  if (isLoopbackIp(address) || isMulticastAddress(address) && zoneOf(address) === undefined) {
    return undefined;
  }
  const why = isWildcardAddress(address)
    ? "a wildcard address listens on every interface"
    : OUTSIDE;
  const on = request.operation === "listen" ? "listen on" : "bind to";
  return `${on} ${describeTarget(request)} refused: ${why}; ${OPT_IN}`;
}

function membershipRefusal(request: GuardRequest): string | undefined {
  if (!isMulticastAddress(request.address)) return undefined; // the OS refuses it (EINVAL)
  const iface = request.multicastInterface;
  if (iface !== undefined && !isInterfaceOfFamily(iface, request.family)) return undefined;
  const why = interfaceProblem(iface, request.family);
  if (why === undefined) return undefined;
  const args = [request.source, request.address, iface].filter((a) => a !== undefined);
  return `${request.operation}(${args.map((a) => JSON.stringify(a)).join(", ")}) refused: ` +
    `${why}, and joining or leaving a group is announced there; pass ` +
    `${LOOPBACK_INTERFACE} as the interface, or ${OPT_IN}`;
}

function interfaceRefusal(request: GuardRequest): string | undefined {
  const iface = request.address;
  if (!isInterfaceOfFamily(iface, request.family)) return undefined; // the OS refuses it (EINVAL)
  const why = interfaceProblem(iface, request.family);
  if (why === undefined) return undefined;
  return `setMulticastInterface(${JSON.stringify(iface)}) refused: ${why}; ` +
    `use ${LOOPBACK_INTERFACE}, or ${OPT_IN}`;
}

/** Why multicast through `iface` would not stay on loopback, or `undefined` when it would. */
function interfaceProblem(
  iface: string | undefined,
  family: AddressFamily | undefined,
): string | undefined {
  if (iface === undefined) return "without an interface the OS uses its default one";
  if ((family ?? "IPv4") === "IPv4") {
    return isLoopbackIp(iface) ? undefined : `interface ${iface} is outside loopback`;
  }
  const zone = zoneOf(iface);
  if (zone === undefined) {
    return `an IPv6 interface is chosen by its zone id, and ${iface} has none ` +
      "(the OS uses its default interface)";
  }
  return isLoopbackZone(zone)
    ? undefined
    : `zone ${zone} is not the loopback interface (${LOOPBACK_ZONE})`;
}

/** Whether the OS would take `iface` as an interface of a socket of `family`. */
function isInterfaceOfFamily(iface: string, family: AddressFamily | undefined): boolean {
  return isIP(iface) === ((family ?? "IPv4") === "IPv4" ? 4 : 6);
}

function describeTarget(request: GuardRequest): string {
  const { address, port, host } = request;
  const shown = port === undefined
    ? address
    : address.includes(":")
    ? `[${address}]:${port}`
    : `${address}:${port}`;
  return host !== undefined && host !== address ? `${shown} (looked up from "${host}")` : shown;
}
