/**
 * The loopback guard's decision, as pure functions: which addresses a lab
 * lets a watched socket connect, bind or send to. The wiring that calls these
 * lives in `_hooks.ts`.
 *
 * @module
 */

import {
  isHostName,
  isLoopbackAddress,
  isMulticastAddress,
  isWildcardAddress,
} from "../os/address.ts";

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

/** The input of {@linkcode guardDecision}. */
export interface GuardRequest {
  /** The operation about to happen. */
  readonly operation: GuardOperation;
  /** The target (connect, send), local (bind, listen) or group (membership) address; `undefined` means Node's default. */
  readonly address: string | undefined;
  /** For multicast: the interface the packets would go through (`setMulticastInterface` or the membership's interface). */
  readonly multicastInterface?: string | undefined;
  /**
   * The lab's scope.
   *
   * @default {"loopback"}
   */
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
 * import { guardDecision } from "./guard.ts";
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
