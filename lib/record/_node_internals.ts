/**
 * The few internals of Deno's `node:net` and `node:dgram` the recorder reads:
 * a UDP socket's state (its handle, whether it is connected) and the symbol
 * under which a handle points back to its socket or server. They are found by their
 * description on a live object, once, and every reader copes with their
 * absence (it then knows less, and says nothing).
 *
 * @module
 */

import type dgram from "node:dgram";

/** What `node:dgram` keeps of a socket under its `kStateSymbol`. */
export interface UdpState {
  /** The socket's UDP handle; `null` once closed. */
  readonly handle: Record<string | symbol, unknown> | null;
  /** 0: not connected, 1: connecting, 2: connected. */
  readonly connectState: number;
}

let stateSymbol: symbol | undefined;
let ownerSymbol: symbol | undefined;

/**
 * The internal state of a `dgram.Socket`, if this runtime keeps one where
 * Node does.
 *
 * @example Usage
 * ```ts
 * import dgram from "node:dgram";
 * import { udpState } from "./_node_internals.ts";
 * const socket = dgram.createSocket("udp4");
 * console.log(udpState(socket)?.connectState); // 0
 * socket.close();
 * ```
 *
 * @param socket A UDP socket.
 * @returns Its state, or `undefined`.
 */
export function udpState(socket: dgram.Socket): UdpState | undefined {
  stateSymbol ??= Object.getOwnPropertySymbols(socket).find((s) =>
    s.description === "kStateSymbol"
  );
  const state = stateSymbol === undefined ? undefined : (socket as never)[stateSymbol];
  return state !== null && typeof state === "object" ? state as UdpState : undefined;
}

/**
 * Whether a UDP socket is connected (its `send()` then takes no port or address).
 *
 * @param socket A UDP socket.
 * @returns `true` once its `connect` completed.
 */
export function isUdpConnected(socket: dgram.Socket): boolean {
  return udpState(socket)?.connectState === 2;
}

/**
 * The socket or server that owns a handle: Node's handles point back to it
 * under a symbol described as `ownerSymbol` (found on the first handle seen).
 *
 * @example Usage
 * ```ts
 * import dgram from "node:dgram";
 * import { ownerOf, udpState } from "./_node_internals.ts";
 * const socket = dgram.createSocket("udp4");
 * console.log(ownerOf(udpState(socket)!.handle!) === socket); // true
 * socket.close();
 * ```
 *
 * @param handle A handle.
 * @returns Its owner, or `undefined`.
 */
export function ownerOf(handle: object): unknown {
  ownerSymbol ??= Object.getOwnPropertySymbols(handle).find((s) => s.description === "ownerSymbol");
  return ownerSymbol === undefined ? undefined : (handle as Record<symbol, unknown>)[ownerSymbol];
}
