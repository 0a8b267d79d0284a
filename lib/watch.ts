/**
 * Instrumentation: turns what a `net.Server`, `net.Socket` or `dgram.Socket`
 * does into {@linkcode TraceEvent}s, without changing what it does.
 *
 * How it stays out of the way:
 * - events are seen by wrapping the object's own `emit`, never by adding a
 *   listener (a `data` or `readable` listener would switch a paused stream to
 *   flowing);
 * - method calls are seen by wrapping the object's own methods; the wrapper
 *   returns exactly what the original returns and rethrows exactly what it
 *   throws; calls the original makes on the same object are not recorded
 *   twice;
 * - payloads are measured and previewed (a few dozen bytes), never copied;
 * - a failure inside the recorder is swallowed: recording must never break
 *   the socket.
 *
 * This file knows nothing of HTML or Jupyter.
 *
 * @module
 */

import net from "node:net";
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import type { Address, Counters, EndpointKind, TraceEvent } from "./event.ts";
import {
  guardDecision,
  type GuardRequest,
  LoopbackGuardError,
  type NetworkScope,
} from "./guard.ts";
import { describeValue } from "./port.ts";

/** A recorded event whose call results are filled in after the call returns. */
export type EventDraft = { -readonly [K in keyof TraceEvent]?: TraceEvent[K] };

/** Where instrumentation sends its records; implemented by the lab. */
export interface WatchSink {
  /** The lab's network scope, for the loopback guard. */
  readonly network: NetworkScope;
  /** Stamps `seq` and `time` on a draft, stores it and returns it (still writable). */
  record(draft: EventDraft): EventDraft;
  /** Called with every newly watched object (the ones passed in and accepted sockets). */
  adopt(watched: Watched): void;
  /** Called when a recorded call then threw (its draft now has `code` and `message`). */
  failed?(draft: EventDraft): void;
  /**
   * Called when a recorded call has returned or thrown, so its draft is
   * complete (`returned`, `counters`, or `code`). Events are complete when
   * recorded.
   */
  settled?(draft: EventDraft): void;
}

/** Everything the lab needs to know about one watched object. */
export interface Watched {
  /** The label its events carry. */
  readonly label: string;
  /** What it is. */
  readonly kind: EndpointKind;
  /** The object itself. */
  readonly target: net.Server | net.Socket | dgram.Socket;
  /** For an accepted socket, the label of its server. */
  readonly parent?: string;
  /** Whether its `close` event has been seen. */
  readonly closed: boolean;
  /** Resolves when its `close` event is seen. */
  readonly whenClosed: Promise<void>;
  /** Local ports it has used (for the kernel socket table). */
  readonly ports: ReadonlySet<number>;
  /** Puts the object's own methods back as they were before watching. */
  restore(): void;
}

const WATCHED = Symbol.for("socketlab.watched");
const PREVIEW_BYTES = 40;

const SERVER_EVENTS = new Set(["listening", "connection", "close", "error", "drop"]);
const TCP_EVENTS = new Set([
  "lookup",
  "connect",
  "ready",
  "data",
  "end",
  "close",
  "error",
  "timeout",
  "drain",
]);
const UDP_EVENTS = new Set(["listening", "connect", "message", "close", "error"]);

const SERVER_CALLS = ["listen", "close", "getConnections", "ref", "unref"] as const;
const TCP_CALLS = [
  "connect",
  "write",
  "end",
  "destroy",
  "resetAndDestroy",
  "pause",
  "resume",
  "setEncoding",
  "setTimeout",
  "setKeepAlive",
  "setNoDelay",
  "pipe",
  "unpipe",
  "ref",
  "unref",
] as const;
const UDP_CALLS = [
  "bind",
  "connect",
  "disconnect",
  "send",
  "close",
  "setBroadcast",
  "setTTL",
  "addMembership",
  "dropMembership",
  "setMulticastTTL",
  "setMulticastLoopback",
  "setMulticastInterface",
  "ref",
  "unref",
] as const;
/** Listener registration: not recorded, but what it does internally (`resume()` on `on("data")`) is not either. */
const SILENT_CALLS = ["on", "addListener", "once", "prependListener", "prependOnceListener"];

/**
 * The kind of a watchable object, or `undefined` if it is not one.
 *
 * @param target Anything.
 * @returns `"tcp-server"`, `"tcp-socket"`, `"udp-socket"` or `undefined`.
 */
export function endpointKindOf(target: unknown): EndpointKind | undefined {
  if (target instanceof net.Server) return "tcp-server";
  if (target instanceof net.Socket) return "tcp-socket";
  if (target instanceof dgram.Socket) return "udp-socket";
  return undefined;
}

/**
 * The label an object is already watched under, if any.
 *
 * @param target Anything.
 * @returns The label, or `undefined`.
 */
export function watchedLabelOf(target: unknown): string | undefined {
  if (target === null || typeof target !== "object") return undefined;
  return (target as { [WATCHED]?: Watched })[WATCHED]?.label;
}

/**
 * Instruments `target` so that its events and the calls made on it are
 * recorded into `sink` under `label`.
 *
 * @param target A `net.Server`, `net.Socket` or `dgram.Socket`.
 * @param label The label to record under.
 * @param sink Where records go.
 * @param parent For an accepted socket, its server's label.
 * @returns The bookkeeping handle (also passed to `sink.adopt`).
 */
export function instrument(
  target: net.Server | net.Socket | dgram.Socket,
  label: string,
  sink: WatchSink,
  parent?: string,
): Watched {
  const kind = endpointKindOf(target);
  if (kind === undefined) {
    throw new TypeError(
      `watch() expects a net.Server, net.Socket or dgram.Socket, got ${describeValue(target)}`,
    );
  }
  type Method = (...args: unknown[]) => unknown;
  /** What restore() puts back: the property as it was, and what the object assigned meanwhile. */
  const patches: Array<[string | symbol, PropertyDescriptor | undefined, (() => unknown)?]> = [];
  const obj = target as unknown as Record<string | symbol, unknown>;
  const define = (key: string | symbol, value: unknown) => {
    patches.push([key, Object.getOwnPropertyDescriptor(obj, key)]);
    Object.defineProperty(obj, key, { value, writable: true, configurable: true });
  };
  /**
   * Replaces a method by a wrapper that keeps wrapping whatever the object
   * assigns to it later: Node's `Socket#connect` resets `this.write` to the
   * prototype's, and a socket that got a FIN without `allowHalfOpen` gets
   * `write = writeAfterFIN`. The wrapper stays; the method it calls changes.
   */
  const defineMethod = (key: string, wrapperOf: (current: () => Method) => Method) => {
    const before = Object.getOwnPropertyDescriptor(obj, key);
    let current = obj[key] as Method;
    const wrapper = wrapperOf(() => current);
    patches.push([key, before, () => current]);
    Object.defineProperty(obj, key, {
      configurable: true,
      enumerable: before?.enumerable ?? false,
      get: () => wrapper,
      set: (fn: Method) => {
        if (fn !== wrapper) current = fn;
      },
    });
  };
  const closed = Promise.withResolvers<void>();
  const ports = new Set<number>();
  const state = {
    closed: false,
    depth: 0,
    accepted: 0,
    connections: 0,
    local: undefined as Address | undefined,
    remote: undefined as Address | undefined,
    multicastInterface: undefined as string | undefined,
    guardError: undefined as LoopbackGuardError | undefined,
    /** UDP sends Node queued until the implicit bind completes; it replays them. */
    queuedSends: 0,
  };
  const watched: Watched = {
    label,
    kind,
    target,
    parent,
    get closed() {
      return state.closed;
    },
    whenClosed: closed.promise,
    ports,
    restore() {
      for (const [key, before, current] of patches.reverse()) {
        if (before === undefined) delete obj[key];
        else Object.defineProperty(obj, key, before);
        // keep what the object assigned while watched (e.g. writeAfterFIN)
        const now = current?.();
        if (current !== undefined && obj[key] !== now) {
          Object.defineProperty(obj, key, { value: now, writable: true, configurable: true });
        }
      }
      patches.length = 0;
    },
  };
  define(WATCHED, watched);

  /** Starts a record with the fields every record of this object has (one object, no copies). */
  const start = (source: "event" | "call", name: string): EventDraft => {
    const draft: EventDraft = { label, kind, source, name };
    if (parent !== undefined) draft.parent = parent;
    addEndpoints(draft);
    return draft;
  };
  const record = (draft: EventDraft): EventDraft => sink.record(draft);

  // ---- addresses and counters -------------------------------------------
  const tcp = target as net.Socket;
  const refreshEndpoints = () => {
    if (kind !== "tcp-socket") return;
    if (state.local === undefined && typeof tcp.localPort === "number") {
      state.local = address(tcp.localAddress, tcp.localPort, tcp.localFamily);
      ports.add(tcp.localPort);
    }
    if (state.remote === undefined && typeof tcp.remotePort === "number") {
      state.remote = address(tcp.remoteAddress, tcp.remotePort, tcp.remoteFamily);
    }
  };
  const udpLocal = () => {
    try {
      const a = (target as dgram.Socket).address();
      ports.add(a.port);
      return address(a.address, a.port, a.family);
    } catch {
      return undefined;
    }
  };
  const counters = (withWritten: boolean): Counters | undefined => {
    if (kind === "tcp-server") return { connections: state.connections };
    if (kind !== "tcp-socket") return undefined;
    const c: { -readonly [K in keyof Counters]: Counters[K] } = {
      bytesRead: tcp.bytesRead,
      writableLength: tcp.writableLength,
    };
    if (withWritten) c.bytesWritten = tcp.bytesWritten;
    return c;
  };
  /** Adds the known local (and for TCP, remote) address to a record. */
  const addEndpoints = (draft: EventDraft): void => {
    if (kind === "tcp-socket" && (state.local === undefined || state.remote === undefined)) {
      refreshEndpoints();
    }
    if (state.local !== undefined) draft.local = state.local;
    if (kind === "tcp-socket" && state.remote !== undefined) draft.remote = state.remote;
  };

  // ---- events -------------------------------------------------------------
  const names = kind === "tcp-server"
    ? SERVER_EVENTS
    : kind === "tcp-socket"
    ? TCP_EVENTS
    : UDP_EVENTS;
  const onEvent = (name: string, args: unknown[]): void => {
    const draft = start("event", name);
    switch (name) {
      case "listening":
        if (kind === "tcp-server") {
          const a = (target as net.Server).address();
          if (a !== null && typeof a === "object") {
            state.local = address(a.address, a.port, a.family);
            ports.add(a.port);
          }
        } else {
          state.local = udpLocal();
        }
        if (state.local) draft.local = state.local;
        break;
      case "connection": {
        const socket = args[0] as net.Socket;
        state.connections++;
        const child = instrument(socket, `${label}#${++state.accepted}`, sink, label);
        child.whenClosed.then(() => state.connections--, () => {});
        draft.preview = child.label;
        if (typeof socket.remotePort === "number") {
          draft.remote = address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
        }
        break;
      }
      case "drop": {
        const d = args[0] as { remoteAddress?: string; remotePort?: number; remoteFamily?: string };
        if (d && typeof d.remotePort === "number") {
          draft.remote = address(d.remoteAddress, d.remotePort, d.remoteFamily);
        }
        break;
      }
      case "lookup": {
        const [err, ip, family, host] = args as [Error | null, string, unknown, string];
        if (err) Object.assign(draft, errorFields(err));
        draft.args = `${String(host)} → ${String(ip)} (IPv${String(family).replace("IPv", "")})`;
        break;
      }
      case "data": {
        const chunk = args[0];
        draft.bytes = byteLength(chunk, tcp.readableEncoding);
        draft.preview = preview(chunk);
        break;
      }
      case "message": {
        const [msg, rinfo] = args as [Uint8Array, dgram.RemoteInfo];
        draft.bytes = rinfo?.size ?? byteLength(msg);
        draft.preview = preview(msg);
        if (rinfo) draft.remote = address(rinfo.address, rinfo.port, rinfo.family);
        break;
      }
      case "connect":
        if (kind === "udp-socket") {
          state.local = udpLocal();
          if (state.local) draft.local = state.local;
          try {
            const r = (target as dgram.Socket).remoteAddress();
            draft.remote = address(r.address, r.port, r.family);
          } catch { /* not connected after all */ }
        }
        break;
      case "close":
        if (kind === "tcp-socket") draft.hadError = args[0] === true;
        break;
      case "error":
        Object.assign(draft, errorFields(args[0]));
        break;
    }
    if (name !== "data" && name !== "message") draft.counters = counters(true);
    else if (kind === "tcp-socket") draft.counters = counters(false);
    record(draft);
    if (name === "close") {
      state.closed = true;
      closed.resolve();
    }
  };
  defineMethod("emit", (emit) =>
    function (this: unknown, name: unknown): boolean {
      // Fast path: most emits (readable, resume, finish, ...) are not recorded.
      if (typeof name !== "string" || !names.has(name)) {
        return Reflect.apply(emit(), this, arguments) as boolean;
      }
      const args = Array.prototype.slice.call(arguments, 1) as unknown[];
      if (name === "error" && state.guardError !== undefined) {
        args[0] = state.guardError;
        state.guardError = undefined;
      }
      try {
        onEvent(name, args);
      } catch { /* recording must never break the socket */ }
      return Reflect.apply(emit(), this, [name, ...args]) as boolean;
    });

  // ---- calls ----------------------------------------------------------------
  type Describe = (args: unknown[]) => EventDraft;
  interface WrapOptions {
    /** What to record of the arguments; default: a short summary. */
    describe?: Describe;
    /** The loopback guard's question, if the call reaches an address. */
    guard?: (args: unknown[]) => GuardRequest | undefined;
    /** Runs after the original returned. */
    after?: (draft: EventDraft, args: unknown[]) => void;
    /**
     * Reports the result of the callback the program passed (its last
     * function argument). None is added when the program passed none, so
     * errors still go where Node sends them.
     */
    callbackResult?: (draft: EventDraft, results: unknown[]) => void;
    /**
     * Whether this call is Node replaying an earlier call it had queued (a
     * UDP `send` before the socket was bound is queued and made again after
     * `listening`): it passes through without a second record.
     */
    replay?: (args: unknown[]) => boolean;
  }
  const wrap = (name: string, options: WrapOptions = {}) => {
    if (typeof obj[name] !== "function") return;
    const { describe = summarizeArgs, guard, after, callbackResult, replay } = options;
    defineMethod(name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        const passThrough = () => {
          state.depth++;
          try {
            return Reflect.apply(original(), this, args);
          } finally {
            state.depth--;
          }
        };
        if (state.depth > 0) return Reflect.apply(original(), this, args);
        if (replay?.(args)) return passThrough();
        let draft = start("call", name);
        try {
          Object.assign(draft, describe(args));
        } catch { /* recording must never break the socket */ }
        const request = guard?.(args);
        const refusal = request && guardDecision({ ...request, network: sink.network });
        if (refusal !== undefined) {
          const error = new LoopbackGuardError(refusal);
          sink.settled?.(record({ ...draft, ...errorFields(error) }));
          throw error;
        }
        draft = record(draft);
        const i = callbackResult ? args.findLastIndex((a) => typeof a === "function") : -1;
        if (i !== -1) {
          const callback = args[i] as (...results: unknown[]) => unknown;
          args[i] = function (this: unknown, ...results: unknown[]): unknown {
            try {
              callbackResult!(draft, results);
            } catch { /* recording must never break the socket */ }
            return Reflect.apply(callback, this, results);
          };
        }
        state.depth++;
        let result: unknown;
        try {
          result = Reflect.apply(original(), this, args);
        } catch (error) {
          Object.assign(draft, errorFields(error));
          sink.failed?.(draft);
          sink.settled?.(draft);
          throw error;
        } finally {
          state.depth--;
        }
        try {
          if (isShown(result)) draft.returned = result;
          if (kind !== "udp-socket") draft.counters = counters(true);
          addEndpoints(draft);
          after?.(draft, args);
        } catch { /* recording must never break the socket */ }
        sink.settled?.(draft);
        return result;
      });
  };
  const silence = (name: string) => {
    if (typeof obj[name] !== "function") return;
    defineMethod(name, (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        state.depth++;
        try {
          return Reflect.apply(original(), this, args);
        } finally {
          state.depth--;
        }
      });
  };
  for (const name of SILENT_CALLS) silence(name);
  const isBound = () => {
    try {
      (target as dgram.Socket).address();
      return true;
    } catch {
      return false;
    }
  };

  if (kind === "tcp-server") {
    for (const name of SERVER_CALLS) {
      if (name === "listen") wrap(name, { guard: listenGuard });
      else if (name === "getConnections") {
        wrap(name, {
          callbackResult: (draft, [err, count]) => {
            if (err) Object.assign(draft, errorFields(err));
            else if (typeof count === "number") draft.returned = count;
          },
        });
      } else wrap(name);
    }
  } else if (kind === "tcp-socket") {
    for (const name of TCP_CALLS) {
      if (name === "connect") {
        wrap(name, { guard: tcpConnectGuard, after: () => guardHandle() });
      } else if (name === "write" || name === "end") {
        wrap(name, {
          describe: (args) =>
            payloadFields(args[0], typeof args[1] === "string" ? args[1] : undefined),
        });
      } else if (name === "pipe" || name === "unpipe") {
        wrap(name, { describe: (args) => ({ args: args.map(shortValue).join(", ") }) });
      } else wrap(name);
    }
    guardHandle();
  } else {
    for (const name of UDP_CALLS) {
      switch (name) {
        case "bind":
          wrap(name, { guard: (args) => ({ operation: "bind", address: udpBindAddress(args) }) });
          break;
        case "connect":
          wrap(name, {
            guard: (args) => ({
              operation: "connect",
              address: typeof args[1] === "string" ? args[1] : undefined,
              multicastInterface: state.multicastInterface,
            }),
          });
          break;
        case "send":
          wrap(name, {
            describe: sendFields,
            replay: (args) => {
              if (state.queuedSends === 0 || !Array.isArray(args[0]) || !isBound()) return false;
              state.queuedSends--;
              return true;
            },
            after: () => {
              if (!isBound()) state.queuedSends++;
            },
            guard: (args) => ({
              operation: "send",
              address: parseSend(args).address,
              multicastInterface: state.multicastInterface,
            }),
            callbackResult: (draft, [err, bytes]) => {
              const result = start("event", "sent");
              if (err) Object.assign(result, errorFields(err));
              else if (typeof bytes === "number") result.bytes = bytes;
              if (draft.remote) result.remote = draft.remote;
              record(result);
            },
          });
          break;
        case "addMembership":
        case "dropMembership":
          wrap(name, {
            guard: (args) => ({
              operation: name,
              address: String(args[0]),
              multicastInterface: typeof args[1] === "string" ? args[1] : undefined,
            }),
          });
          break;
        case "setMulticastInterface":
          wrap(name, {
            guard: (args) => ({ operation: name, address: String(args[0]) }),
            after: (_draft, args) => {
              state.multicastInterface = String(args[0]);
            },
          });
          break;
        default:
          wrap(name);
      }
    }
  }

  function listenGuard(args: unknown[]): GuardRequest | undefined {
    const first = args[0];
    if (first !== null && typeof first === "object") {
      const o = first as { host?: unknown };
      return { operation: "listen", address: typeof o.host === "string" ? o.host : undefined };
    }
    return { operation: "listen", address: typeof args[1] === "string" ? args[1] : undefined };
  }

  function tcpConnectGuard(args: unknown[]): GuardRequest | undefined {
    const first = args[0];
    if (first !== null && typeof first === "object") {
      const o = first as { host?: unknown; path?: unknown };
      if (typeof o.path === "string") return undefined;
      return { operation: "connect", address: typeof o.host === "string" ? o.host : undefined };
    }
    if (typeof first === "string" && !/^\d+$/.test(first)) return undefined; // IPC path
    return { operation: "connect", address: typeof args[1] === "string" ? args[1] : undefined };
  }

  /**
   * Backstop for `net.connect(port, host)`, which starts connecting before
   * `watch()` sees the socket: the address reaches the socket's handle only
   * after a tick, so the handle's own `connect` is checked. A refused
   * connection fails with the guard's error as the socket's `error` event.
   */
  function guardHandle(): void {
    if (kind !== "tcp-socket") return;
    const handle = (tcp as unknown as { _handle?: Record<string, unknown> })._handle;
    if (!handle || (handle as { [WATCHED]?: boolean })[WATCHED]) return;
    (handle as { [WATCHED]?: boolean })[WATCHED] = true;
    for (const method of ["connect", "connect6"]) {
      const original = handle[method];
      if (typeof original !== "function") continue;
      handle[method] = function (this: unknown, ...args: unknown[]): unknown {
        const refusal = guardDecision({
          operation: "connect",
          address: String(args[1]),
          network: sink.network,
        });
        if (refusal !== undefined) {
          state.guardError = new LoopbackGuardError(refusal);
          return -13; // UV_EACCES: the socket fails as if the OS refused; emit() substitutes the guard's error
        }
        return Reflect.apply(original, this, args);
      };
    }
  }

  function sendFields(args: unknown[]): EventDraft {
    const s = parseSend(args);
    const slice = s.length !== undefined && s.payload instanceof Uint8Array
      ? s.payload.subarray(s.offset, (s.offset ?? 0) + s.length)
      : s.payload;
    const fields: EventDraft = payloadFields(slice);
    if (s.length !== undefined) fields.bytes = s.length;
    if (s.port !== undefined) {
      fields.remote = address(s.address ?? "127.0.0.1", s.port, undefined);
    } else {
      try {
        const r = (target as dgram.Socket).remoteAddress();
        fields.remote = address(r.address, r.port, r.family);
      } catch { /* not connected: Node will report it */ }
    }
    return fields;
  }

  sink.adopt(watched);
  return watched;
}

interface ParsedSend {
  payload: unknown;
  offset?: number;
  length?: number;
  port?: number;
  address?: string;
}

/** Parses `send(msg[, offset, length][, port][, address][, callback])`. */
function parseSend(args: unknown[]): ParsedSend {
  const a = args.filter((x) => typeof x !== "function");
  if (typeof a[1] === "number" && typeof a[2] === "number" && a.length >= 3) {
    // send(msg, offset, length[, port][, address])
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

function udpBindAddress(args: unknown[]): string | undefined {
  const first = args[0];
  if (first !== null && typeof first === "object") {
    const o = first as { address?: unknown };
    return typeof o.address === "string" ? o.address : undefined;
  }
  return typeof args[1] === "string" ? args[1] : undefined;
}

function address(addr: string | undefined, port: number, family: unknown): Address {
  const a: { address: string; port: number; family?: string } = { address: addr ?? "", port };
  if (typeof family === "string") a.family = family;
  else if (family === 4 || family === 6) a.family = `IPv${family}`;
  return Object.freeze(a);
}

function errorFields(error: unknown): EventDraft {
  if (error !== null && typeof error === "object") {
    const e = error as { code?: unknown; message?: unknown };
    const fields: EventDraft = { message: String(e.message ?? error) };
    if (typeof e.code === "string") fields.code = e.code;
    return fields;
  }
  return { message: String(error) };
}

function isShown(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "boolean" || typeof value === "number" ||
    typeof value === "string";
}

function byteLength(chunk: unknown, encoding?: string | null): number {
  if (typeof chunk === "string") {
    return Buffer.byteLength(chunk, (encoding ?? "utf8") as BufferEncoding);
  }
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (Array.isArray(chunk)) return chunk.reduce((n, c) => n + byteLength(c, encoding), 0);
  return 0;
}

export function preview(chunk: unknown): string | undefined {
  let text: string;
  let more: boolean;
  if (typeof chunk === "string") {
    text = chunk.length > PREVIEW_BYTES ? chunk.slice(0, PREVIEW_BYTES) : chunk;
    more = chunk.length > PREVIEW_BYTES;
  } else if (chunk instanceof Uint8Array) {
    more = chunk.byteLength > PREVIEW_BYTES;
    return bytesPreview(chunk, more);
  } else if (Array.isArray(chunk) && chunk.length > 0) {
    return preview(chunk[0]);
  } else {
    return undefined;
  }
  if (UNPRINTABLE.test(text)) {
    text = text.replace(/\n/g, "↵").replace(UNPRINTABLE_ALL, "·");
  }
  return more ? text + "…" : text;
}

// deno-lint-ignore no-control-regex
const UNPRINTABLE = /[\x00-\x1f\x7f\ufffd]/;
// deno-lint-ignore no-control-regex
const UNPRINTABLE_ALL = /[\x00-\x08\x0b-\x1f\x7f\ufffd]/g;

function payloadFields(payload: unknown, encoding?: string): EventDraft {
  if (payload === undefined || typeof payload === "function") return {};
  const fields: EventDraft = { bytes: byteLength(payload, encoding) };
  const p = preview(payload);
  if (p !== undefined) fields.preview = p;
  return fields;
}

function summarizeArgs(args: unknown[]): EventDraft {
  const shown = args.filter((a) => typeof a !== "function").map(shortValue);
  return shown.length === 0 ? {} : { args: shown.join(", ") };
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

/**
 * Decodes at most {@linkcode PREVIEW_BYTES} bytes as UTF-8 by hand (no
 * decoder call, no regular expression: this runs for every chunk), with line
 * breaks as `↵` and control characters and invalid bytes as `·`.
 */
function bytesPreview(bytes: Uint8Array, more: boolean): string {
  const n = Math.min(bytes.byteLength, PREVIEW_BYTES);
  const units = PREVIEW_UNITS;
  units.length = 0;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      units.push(b === 0x0a ? 0x21b5 : b !== 0x09 && (b < 0x20 || b === 0x7f) ? 0xb7 : b);
      i++;
      continue;
    }
    const length = b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    let code = length === 4 ? b & 0x07 : length === 3 ? b & 0x0f : b & 0x1f;
    let valid = length !== 0 && i + length <= n;
    for (let k = 1; valid && k < length; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) valid = false;
      else code = (code << 6) | (c & 0x3f);
    }
    if (
      valid &&
      ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ||
        (length === 3 && code < 0x800) || (length === 4 && code < 0x10000))
    ) valid = false;
    if (!valid) {
      units.push(0xb7);
      i++;
    } else if (code > 0xffff) {
      units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
      i += length;
    } else {
      units.push(code);
      i += length;
    }
  }
  if (more) units.push(0x2026); // …
  // One flat string from the code units (no rope of concatenations kept alive in the trace).
  return String.fromCharCode.apply(null, units);
}

/** Scratch space for {@linkcode bytesPreview}: at most two code units per byte. */
const PREVIEW_UNITS: number[] = [];
