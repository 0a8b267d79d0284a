/**
 * The loopback guard's wiring. It asks {@linkcode guardDecision} where an
 * address is final: after Node validated the call's arguments and looked the
 * host name up (with the default `lookup` or the program's own), at the
 * handle method that hands the address to the OS. So the guard judges the
 * address actually used, and an invalid call gets Node's own error, watched
 * or not.
 *
 * - TCP: `connect`/`connect6` of the TCP handle class (every handle, also
 *   the fresh one of each happy-eyeballs attempt), and `_listen2` of
 *   `net.Server.prototype`, where `listen()` ends up after its lookup. The
 *   handle class is known once a watched socket has a handle: at `watch()`,
 *   after `connect()` made one, and at its `lookup` event (a `lookup` that
 *   answers at once connects before `connect()` returns).
 * - UDP: `bind`, `connect`, `send`, the four membership methods and
 *   `setMulticastInterface` of the UDP handle class, and the own aliases an
 *   IPv6 handle carries (`bind = bind6`, ...).
 *
 * Each is patched once per process, when a watched object first needs it; a
 * patched method passes straight through for an object that no lab in
 * loopback mode watches. A refusal reaches the program where Node
 * reports that call's failures: thrown by the synchronous methods, as the
 * socket's `error` event (or the `send()`/`connect()` callback) otherwise.
 * A wildcard bind or listen is bound to loopback instead, and the
 * `listening` record says so.
 *
 * @module
 */

import net from "node:net";
import type dgram from "node:dgram";
import { isIP } from "node:net";
import { nextTick } from "node:process";
import {
  type AddressFamily,
  guardDecision,
  type GuardRequest,
  LoopbackGuardError,
  loopbackInstead,
  loopbackNote,
  type NetworkScope,
} from "./guard.ts";
import { type Method, type Tagged, WATCHED } from "./_hooks.ts";
import type { Endpoint, Target } from "./_watch.ts";
import { ownerOf, udpState } from "./_node_internals.ts";
import { isLoopbackIp, isMulticastAddress } from "../os/address.ts";
import { probe } from "./_safe.ts";

type Handle = Record<string | symbol, unknown>;
type Wrap = (original: Method) => Method;

/** Marks a guard wrapper, so that no class is patched twice (not even by a second copy of this module). */
const GUARDED = Symbol.for("socketlab.guarded");
/** What a handle method returns for "permission denied": Node turns it into an error, the emit hook swaps in the guard's. */
const UV_EACCES = -13;
/** Each original method → its wrapper, for the own aliases of IPv6 UDP handles. */
const WRAPPERS = new Map<unknown, Method>();
/** The multicast interface each UDP handle's `setMulticastInterface` set. */
const MULTICAST_INTERFACE = new WeakMap<object, string>();

/**
 * Makes sure the guard sees every address `endpoint`'s object will hand to
 * the OS: patches the handle classes it uses (once per process). Called at
 * `watch()`, after a TCP `connect()` and at a TCP `lookup` event.
 *
 * @example Usage
 * ```ts
 * import net from "node:net";
 * import { Lab } from "socketlab";
 * // lab.watch() calls it: the server's listen() now ends up in the guard.
 * await using lab = await Lab.open("guard wiring");
 * lab.watch(net.createServer(), "server").listen(0, "127.0.0.1");
 * await lab.until("server", "listening");
 * ```
 *
 * @param endpoint The watched object's bookkeeping.
 */
export function guardTarget(endpoint: Endpoint): void {
  if (endpoint.kind === "tcp-server") {
    patch(net.Server.prototype as unknown as Handle, "_listen2", guardListen);
  } else if (endpoint.kind === "tcp-socket") {
    const handle = (endpoint.target as unknown as { _handle?: object | null })._handle;
    if (handle) guardTcpHandleClass(handle);
  } else {
    guardUdpHandle(endpoint.target as dgram.Socket);
  }
}

function guardTcpHandleClass(handle: object): void {
  const proto = Object.getPrototypeOf(handle) as Handle | null;
  // A pipe handle has no connect6: a Unix socket path never leaves the machine.
  if (proto === null || typeof proto.connect6 !== "function") return;
  patch(proto, "connect", guardTcpConnect);
  patch(proto, "connect6", guardTcpConnect);
}

function guardUdpHandle(socket: dgram.Socket): void {
  const handle = udpState(socket)?.handle;
  if (!handle) return;
  const proto = Object.getPrototypeOf(handle) as Handle;
  for (const name of ["bind", "bind6"]) patch(proto, name, guardUdpBind);
  for (const name of ["connect", "connect6"]) patch(proto, name, guardUdpConnect);
  for (const name of ["send", "send6"]) patch(proto, name, guardUdpSend);
  for (const name of ["addMembership", "dropMembership"]) patch(proto, name, guardMembership);
  for (const name of ["addSourceSpecificMembership", "dropSourceSpecificMembership"]) {
    patch(proto, name, guardSourceMembership);
  }
  patch(proto, "setMulticastInterface", guardMulticastInterface);
  // An IPv6 handle carries bind/connect/send as own copies of bind6/connect6/send6.
  for (const name of ["bind", "connect", "send"]) {
    const wrapper = Object.hasOwn(handle, name) ? WRAPPERS.get(handle[name]) : undefined;
    if (wrapper !== undefined) handle[name] = wrapper;
  }
}

/**
 * Refuses to watch an object that is already bound, listening or connected
 * outside loopback (the guard can no longer stop what it does): a TCP socket
 * connected to a LAN peer, a server or UDP socket bound to a wildcard or LAN
 * address, a UDP socket connected to one.
 *
 * @param target The object about to be watched.
 * @param network The lab's scope.
 * @throws {LoopbackGuardError} When it is already outside loopback.
 */
export function assertInsideLoopback(target: Target, network: NetworkScope): void {
  if (network === "lan") return;
  const outside = alreadyOutside(target);
  if (outside === undefined) return;
  throw new LoopbackGuardError(
    `lab.watch() refused: the object is already ${outside}, outside loopback, and the guard ` +
      `can no longer keep it there; watch it before it binds, listens or connects (the guard ` +
      `then binds loopback for a wildcard), or open the lab with { network: "lan" }`,
  );
}

function alreadyOutside(target: Target): string | undefined {
  if (target instanceof net.Socket) {
    const remote = target.remoteAddress;
    return remote !== undefined && !isLoopbackIp(remote) ? `connected to ${remote}` : undefined;
  }
  const local = probe(() => target.address());
  if (local !== undefined && local !== null && typeof local === "object") {
    const multicast = target instanceof net.Server ? false : isMulticastAddress(local.address);
    if (!isLoopbackIp(local.address) && !multicast) return `bound to ${local.address}`;
  }
  if (target instanceof net.Server) return undefined;
  const remote = probe(() => (target as dgram.Socket).remoteAddress());
  return remote !== undefined && !isLoopbackIp(remote.address)
    ? `connected to ${remote.address}`
    : undefined;
}

// ---- patching ------------------------------------------------------------------------

function patch(proto: Handle, name: string, wrap: Wrap): void {
  const original = proto[name];
  if (typeof original !== "function" || GUARDED in original) return;
  const wrapper = wrap(original as Method);
  Object.defineProperty(wrapper, GUARDED, { value: true });
  WRAPPERS.set(original, wrapper);
  proto[name] = wrapper;
}

/** The endpoint of the object that owns `target` when a lab in loopback mode watches it. */
function guarding(target: unknown): Endpoint | undefined {
  const endpoint = (target as Tagged | null | undefined)?.[WATCHED];
  return endpoint?.sink.network === "loopback" ? endpoint : undefined;
}

function familyOf(socket: unknown): AddressFamily {
  return (socket as { type?: string }).type === "udp6" ? "IPv6" : "IPv4";
}

function isBound(handle: Handle): boolean {
  return (handle.getsockname as Method).call(handle, {}) === 0;
}

function emitError(target: unknown, error: Error): void {
  (target as { emit(name: string, error: Error): void }).emit("error", error);
}

/** Ask the guard; on a refusal, remember its error for the `error` event Node will emit. */
function refusedForEvent(endpoint: Endpoint, request: GuardRequest): boolean {
  const refusal = guardDecision(request);
  if (refusal === undefined) return false;
  endpoint.guardError = new LoopbackGuardError(refusal);
  return true;
}

// ---- TCP -------------------------------------------------------------------------------

/** `handle.connect(req, address, port)` / `connect6(...)`: the resolved address of one attempt. */
function guardTcpConnect(original: Method): Method {
  return function (this: Handle, ...args: unknown[]): unknown {
    const socket = ownerOf(this);
    const endpoint = guarding(socket);
    if (endpoint !== undefined && args.length >= 3) {
      const host = (socket as { _host?: unknown })._host;
      const request: GuardRequest = {
        operation: "connect",
        address: String(args[1]),
        port: Number(args[2]),
        host: typeof host === "string" && isIP(host) === 0 ? host : undefined,
      };
      if (refusedForEvent(endpoint, request)) return UV_EACCES;
    }
    return Reflect.apply(original, this, args);
  };
}

/** `server._listen2(address, port, addressType, backlog, fd, flags)`: after listen()'s lookup. */
function guardListen(original: Method): Method {
  return function (this: net.Server, ...args: unknown[]): unknown {
    const endpoint = guarding(this);
    const [address, port, addressType, , fd] = args;
    const given = typeof fd === "number" && fd >= 0 ||
      (this as unknown as { _handle?: unknown })._handle; // listen({ fd }) or listen(handle)
    if (endpoint === undefined || addressType === -1 || given) {
      return Reflect.apply(original, this, args);
    }
    const asked = address as string | null | undefined;
    const instead = loopbackInstead(asked, addressType === 6 ? "IPv6" : "IPv4");
    if (instead !== undefined) {
      endpoint.guardNote = loopbackNote(asked, instead);
      args.splice(0, 3, instead, port, instead === "::1" ? 6 : 4);
      return Reflect.apply(original, this, args);
    }
    const refusal = guardDecision({
      operation: "listen",
      address: String(asked),
      port: port as number,
    });
    if (refusal === undefined) return Reflect.apply(original, this, args);
    // As Node reports a listen() that fails: an `error` event on the next tick.
    nextTick(emitError, this, new LoopbackGuardError(refusal));
  };
}

// ---- UDP -------------------------------------------------------------------------------

/** `handle.bind(address, port, flags)`: after bind()'s lookup, also the implicit bind of send(). */
function guardUdpBind(original: Method): Method {
  return function (this: Handle, ...args: unknown[]): unknown {
    const socket = ownerOf(this);
    const endpoint = guarding(socket);
    if (endpoint === undefined) return Reflect.apply(original, this, args);
    const asked = args[0] as string;
    const instead = loopbackInstead(asked, familyOf(socket));
    if (instead !== undefined) {
      endpoint.guardNote = loopbackNote(asked, instead);
      args[0] = instead;
    } else if (
      refusedForEvent(endpoint, { operation: "bind", address: asked, port: args[1] as number })
    ) {
      return UV_EACCES;
    }
    return Reflect.apply(original, this, args);
  };
}

/** `handle.connect(address, port)`: after connect()'s lookup. */
function guardUdpConnect(original: Method): Method {
  return function (this: Handle, ...args: unknown[]): unknown {
    const socket = ownerOf(this);
    const endpoint = guarding(socket);
    if (endpoint !== undefined) {
      const request = targetRequest(this, socket, "connect", args[0], args[1]);
      if (refusedForEvent(endpoint, request)) return UV_EACCES;
    }
    return Reflect.apply(original, this, args);
  };
}

/**
 * `handle.send(req, list, count, port, address, hasCallback)`, or
 * `(req, list, count, hasCallback)` on a connected socket: after send()'s
 * lookup. The last loopback target that passed is remembered, so that a
 * burst of datagrams is judged once.
 */
function guardUdpSend(original: Method): Method {
  return function (this: Handle, req: unknown): unknown {
    const socket = ownerOf(this);
    const endpoint = guarding(socket);
    if (endpoint === undefined) return Reflect.apply(original, this, arguments);
    let port: unknown, address: unknown;
    if (arguments.length >= 6) [port, address] = [arguments[3], arguments[4]];
    else {
      const peer: { address?: string; port?: number } = {};
      (this.getpeername as Method).call(this, peer);
      [port, address] = [peer.port, peer.address];
    }
    if (address !== endpoint.guardPassed || address === undefined) {
      const refusal = guardDecision(targetRequest(this, socket, "send", address, port));
      if (refusal !== undefined) return refuseSend(socket, req, new LoopbackGuardError(refusal));
      if (!isMulticastAddress(String(address))) endpoint.guardPassed = address as string;
    }
    return Reflect.apply(original, this, arguments);
  };
}

function targetRequest(
  handle: Handle,
  socket: unknown,
  operation: "connect" | "send",
  address: unknown,
  port: unknown,
): GuardRequest {
  return {
    operation,
    address: String(address),
    port: typeof port === "number" ? port : undefined,
    multicastInterface: MULTICAST_INTERFACE.get(handle),
    family: familyOf(socket),
  };
}

/**
 * A refused datagram is reported as Node reports a send whose lookup failed:
 * to the callback, or else as the socket's `error` event.
 */
function refuseSend(socket: unknown, req: unknown, error: LoopbackGuardError): number {
  const callback = (req as { callback?: unknown }).callback;
  if (typeof callback === "function") nextTick(callback as Method, error);
  else nextTick(emitError, socket, error);
  return 0;
}

/** `handle.addMembership(group, interface)` / `dropMembership(...)`: throws the refusal. */
function guardMembership(original: Method): Method {
  return function (this: Handle, group: unknown, iface: unknown): unknown {
    const socket = ownerOf(this);
    if (guarding(socket) !== undefined && isBound(this)) {
      throwIfRefused({
        operation: original.name === "dropMembership" ? "dropMembership" : "addMembership",
        address: String(group),
        multicastInterface: typeof iface === "string" ? iface : undefined,
        family: familyOf(socket),
      });
    }
    return Reflect.apply(original, this, arguments);
  };
}

/** `handle.addSourceSpecificMembership(source, group, interface)` / `drop...`: throws the refusal. */
function guardSourceMembership(original: Method): Method {
  return function (this: Handle, source: unknown, group: unknown, iface: unknown): unknown {
    const socket = ownerOf(this);
    const valid = isIP(String(source)) !== 0 && isIP(String(source)) === isIP(String(group));
    if (guarding(socket) !== undefined && valid && isBound(this)) {
      throwIfRefused({
        operation: original.name.startsWith("drop")
          ? "dropSourceSpecificMembership"
          : "addSourceSpecificMembership",
        address: String(group),
        source: String(source),
        multicastInterface: typeof iface === "string" ? iface : undefined,
        family: isIP(String(group)) === 6 ? "IPv6" : "IPv4",
      });
    }
    return Reflect.apply(original, this, arguments);
  };
}

/** `handle.setMulticastInterface(interface)`: throws the refusal; remembers what was set. */
function guardMulticastInterface(original: Method): Method {
  return function (this: Handle, iface: unknown): unknown {
    const socket = ownerOf(this);
    if (guarding(socket) !== undefined && isBound(this)) {
      throwIfRefused({
        operation: "setMulticastInterface",
        address: String(iface),
        family: familyOf(socket),
      });
    }
    const result = Reflect.apply(original, this, arguments);
    if (result === 0) MULTICAST_INTERFACE.set(this, String(iface));
    return result;
  };
}

function throwIfRefused(request: GuardRequest): void {
  const refusal = guardDecision(request);
  if (refusal !== undefined) throw new LoopbackGuardError(refusal);
}
