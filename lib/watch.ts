/**
 * Instrumentation: turns what a `net.Server`, `net.Socket` or `dgram.Socket`
 * does into records, without changing what it does.
 *
 * How it stays out of the way:
 * - events are seen by wrapping the object's own `emit`, never by adding a
 *   listener (a `data` or `readable` listener would switch a paused stream to
 *   flowing);
 * - method calls are seen by wrapping the object's own methods; the wrapper
 *   returns exactly what the original returns and rethrows exactly what it
 *   throws; calls the original makes on the same object are not recorded
 *   twice;
 * - payloads are measured and previewed (a few dozen bytes), never kept;
 * - a failure inside the recorder is swallowed: recording must never break
 *   the socket.
 *
 * How it stays cheap (watching a socket should cost it a few percent):
 * - the wrappers and the accessors that install them are shared by every
 *   watched object of a kind, so watched objects keep sharing hidden classes
 *   and Node's own code stays fast on them; per-object state hangs off one
 *   symbol;
 * - each object fills one reusable {@linkcode EventDraft} that the sink
 *   copies, so no object is kept per record.
 *
 * This file knows nothing of HTML or Jupyter.
 *
 * @module
 */

import net from "node:net";
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import type { Address, EndpointKind } from "./event.ts";
import { EventDraft } from "./event_draft.ts";
import {
  guardDecision,
  type GuardRequest,
  LoopbackGuardError,
  type NetworkScope,
} from "./guard.ts";
import { describeValue } from "./port.ts";
import { failureHint } from "./failure_hint.ts";

/** Where instrumentation sends its records; implemented by the lab. */
export interface WatchSink {
  /** The lab's network scope, for the loopback guard. */
  readonly network: NetworkScope;
  /** Stores a complete record (the draft is copied) and returns its sequence number. */
  record(draft: EventDraft): number;
  /**
   * Stores the start of a call (the draft is copied) and returns its
   * sequence number; {@linkcode WatchSink.settle} completes it.
   */
  open(draft: EventDraft): number;
  /** Completes the call record `seq` with its result (`returned`, counters, or `code`). */
  settle(seq: number, draft: EventDraft): void;
  /** Called with every newly watched object (the ones passed in and accepted sockets). */
  adopt(watched: Watched): void;
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
  /**
   * Stops recording: from now on the object behaves as if it had never been
   * watched, and another lab may watch it. (Its methods stay wrapped, passing
   * straight through: taking the wrappers off would change the object's
   * shape and throw away the optimized code of every socket that shares it.)
   */
  detach(): void;
}

type Method = (...args: unknown[]) => unknown;
type Target = net.Server | net.Socket | dgram.Socket;
type Tagged = { [WATCHED]?: Endpoint };

const WATCHED = Symbol.for("socketlab.watched");

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
const EVENTS: Record<EndpointKind, ReadonlySet<string>> = {
  "tcp-server": SERVER_EVENTS,
  "tcp-socket": TCP_EVENTS,
  "udp-socket": UDP_EVENTS,
};

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
  const endpoint = (target as Tagged)[WATCHED];
  return endpoint === undefined || endpoint.detached ? undefined : endpoint.label;
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
  target: Target,
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
  const endpoint = new Endpoint(target, kind, label, sink, parent);
  endpoint.attach();
  sink.adopt(endpoint);
  return endpoint;
}

// ---- the wrappers, shared by every watched object of a kind -----------------------------

/** A wrapped method: the wrapper and the accessor that serves it. */
interface Hook {
  readonly wrapper: Method;
  readonly get: () => Method;
  readonly set: (fn: Method) => void;
}

/**
 * The accessor pair that stands in for a method. It keeps serving the
 * wrapper when the object assigns the method later (Node's `Socket#connect`
 * resets `this.write`; a socket that got a FIN without `allowHalfOpen` gets
 * `write = writeAfterFIN`): the wrapper stays, the method it calls changes.
 */
function hook(name: string, wrapper: Method): Hook {
  return {
    wrapper,
    get: () => wrapper,
    set(this: Tagged, fn: Method) {
      const endpoint = this[WATCHED];
      if (endpoint !== undefined && fn !== wrapper) endpoint.current[name] = fn;
    },
  };
}

/** The method an object that is not watched (any more) would call. */
function unwatched(self: unknown, name: string, wrapper: Method): Method {
  for (let o = Object.getPrototypeOf(self); o !== null; o = Object.getPrototypeOf(o)) {
    const fn = Object.getOwnPropertyDescriptor(o, name)?.value;
    if (typeof fn === "function" && fn !== wrapper) return fn as Method;
  }
  throw new TypeError(`${name} is not a function`);
}

function emitHook(): Hook {
  const wrapper = function (this: Tagged, name: unknown): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) {
      return Reflect.apply(unwatched(this, "emit", wrapper), this, arguments);
    }
    const emit = endpoint.current.emit;
    // Fast path: most emits (readable, resume, finish, ...) are not recorded.
    if (typeof name !== "string" || !endpoint.names.has(name) || endpoint.detached) {
      return Reflect.apply(emit, this, arguments);
    }
    if (name === "error" && endpoint.guardError !== undefined) {
      const args = Array.prototype.slice.call(arguments);
      args[1] = endpoint.guardError;
      endpoint.guardError = undefined;
      endpoint.onEvent(name, args[1], undefined, undefined, undefined);
      return Reflect.apply(emit, this, args);
    }
    endpoint.onEvent(name, arguments[1], arguments[2], arguments[3], arguments[4]);
    return Reflect.apply(emit, this, arguments);
  };
  return hook("emit", wrapper);
}

/** Listener registration: not recorded, and what it does internally (`resume()` on `on("data")`) is not either. */
function silentHook(name: string): Hook {
  const wrapper = function (this: Tagged): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) {
      return Reflect.apply(unwatched(this, name, wrapper), this, arguments);
    }
    endpoint.depth++;
    try {
      return Reflect.apply(endpoint.current[name], this, arguments);
    } finally {
      endpoint.depth--;
    }
  };
  return hook(name, wrapper);
}

/** How one method is recorded. */
interface CallSpec {
  /** Fills the draft from the arguments; default: a short summary in `args`. */
  describe?(endpoint: Endpoint, draft: EventDraft, args: unknown[]): void;
  /** The loopback guard's question, if the call reaches an address. */
  guard?(endpoint: Endpoint, args: unknown[]): GuardRequest | undefined;
  /** Runs after the original returned. */
  after?(endpoint: Endpoint, args: unknown[]): void;
  /**
   * Reports the result of the callback the program passed (its last
   * function argument). None is added when the program passed none, so
   * errors still go where Node sends them.
   */
  callbackResult?(endpoint: Endpoint, call: PendingCall, results: unknown[]): void;
  /** The call's record is completed by `callbackResult` (when there is a callback). */
  settlesInCallback?: boolean;
  /**
   * Whether this call is Node replaying an earlier call it had queued (a
   * UDP `send` before the socket was bound is queued and made again after
   * `listening`): it passes through without a second record.
   */
  replay?(endpoint: Endpoint, args: unknown[]): boolean;
}

/** A recorded call whose callback has not run yet. */
interface PendingCall {
  readonly name: string;
  readonly seq: number;
  /** The target the call was given (a UDP send's), if any. */
  readonly remote: Address | undefined;
  /** The payload size the call was given (a UDP send's), or `NaN`. */
  readonly bytes: number;
}

function callHook(name: string, spec: CallSpec): Hook {
  const wrapper = function (this: Tagged, ...args: unknown[]): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) return Reflect.apply(unwatched(this, name, wrapper), this, args);
    const original = endpoint.current[name];
    if (endpoint.depth > 0 || endpoint.detached) return Reflect.apply(original, this, args);
    return endpoint.call(name, spec, original, this, args);
  };
  return hook(name, wrapper);
}

const payload: CallSpec = {
  describe: (_e, draft, args) =>
    payloadFields(draft, args[0], typeof args[1] === "string" ? args[1] : undefined),
};
const listed: CallSpec = {
  describe: (_e, draft, args) => {
    draft.args = args.map(shortValue).join(", ");
  },
};

const HOOKS: Record<EndpointKind, ReadonlyMap<string, Hook>> = {
  "tcp-server": new Map([
    ["listen", callHook("listen", { guard: (_e, args) => listenGuard(args) })],
    ["close", callHook("close", {})],
    [
      "getConnections",
      callHook("getConnections", {
        settlesInCallback: true,
        callbackResult: (endpoint, call, [err, count]) => {
          const draft = endpoint.draft.begin("call", call.name);
          if (err) draft.setError(err);
          else if (typeof count === "number") draft.returned = count;
          endpoint.fillCounters(draft, true);
          endpoint.sink.settle(call.seq, draft);
        },
      }),
    ],
    ["ref", callHook("ref", {})],
    ["unref", callHook("unref", {})],
  ]),
  "tcp-socket": new Map([
    [
      "connect",
      callHook("connect", {
        guard: (_e, args) => tcpConnectGuard(args),
        after: (endpoint) => endpoint.guardHandle(),
      }),
    ],
    ["write", callHook("write", payload)],
    ["end", callHook("end", payload)],
    ...["destroy", "resetAndDestroy", "pause", "resume", "setEncoding", "setTimeout"].map(
      (name) => [name, callHook(name, {})] as const,
    ),
    ...["setKeepAlive", "setNoDelay", "ref", "unref"].map(
      (name) => [name, callHook(name, {})] as const,
    ),
    ["pipe", callHook("pipe", listed)],
    ["unpipe", callHook("unpipe", listed)],
  ]),
  "udp-socket": new Map([
    [
      "bind",
      callHook("bind", {
        guard: (_e, args) => ({ operation: "bind", address: udpBindAddress(args) }),
      }),
    ],
    [
      "connect",
      callHook("connect", {
        guard: (endpoint, args) => ({
          operation: "connect",
          address: typeof args[1] === "string" ? args[1] : undefined,
          multicastInterface: endpoint.multicastInterface,
        }),
      }),
    ],
    ["disconnect", callHook("disconnect", {})],
    [
      "send",
      callHook("send", {
        describe: (endpoint, draft, args) => endpoint.sendFields(draft, args),
        replay: (endpoint, args) => {
          if (endpoint.queuedSends === 0 || !Array.isArray(args[0]) || !endpoint.isBound()) {
            return false;
          }
          endpoint.queuedSends--;
          return true;
        },
        after: (endpoint) => {
          if (!endpoint.isBound()) endpoint.queuedSends++;
        },
        guard: (endpoint, args) => ({
          operation: "send",
          address: parseSend(args).address,
          multicastInterface: endpoint.multicastInterface,
        }),
        callbackResult: (endpoint, call, [err, bytes]) => {
          const draft = endpoint.begin("event", "sent");
          if (err) {
            draft.setError(err);
            draft.hint = failureHint({
              name: "sent",
              args: [],
              code: draft.code,
              bytes: call.bytes,
              socketType: (endpoint.target as unknown as { type?: string }).type, // "udp4" | "udp6"
            });
          } else if (typeof bytes === "number") draft.bytes = bytes;
          if (call.remote) draft.remote = call.remote;
          endpoint.sink.record(draft);
        },
      }),
    ],
    ["close", callHook("close", {})],
    ...["setBroadcast", "setTTL", "setMulticastTTL", "setMulticastLoopback", "ref", "unref"].map(
      (name) => [name, callHook(name, {})] as const,
    ),
    ...(["addMembership", "dropMembership"] as const).map((name) =>
      [
        name,
        callHook(name, {
          guard: (_e, args) => ({
            operation: name,
            address: String(args[0]),
            multicastInterface: typeof args[1] === "string" ? args[1] : undefined,
          }),
        }),
      ] as const
    ),
    [
      "setMulticastInterface",
      callHook("setMulticastInterface", {
        guard: (_e, args) => ({ operation: "setMulticastInterface", address: String(args[0]) }),
        after: (endpoint, args) => {
          endpoint.multicastInterface = String(args[0]);
        },
      }),
    ],
  ]),
};
const EMIT = emitHook();
/** Where a detached object's stray records would go: nowhere. */
const DETACHED: WatchSink = {
  network: "lan",
  record: () => 0,
  open: () => 0,
  settle: () => {},
  adopt: () => {},
};
const SILENT = ["on", "addListener", "once", "prependListener", "prependOnceListener"].map(
  (name) => [name, silentHook(name)] as const,
);

// ---- one watched object -----------------------------------------------------------------

/** The state of one watched object; its methods are what the shared wrappers call. */
class Endpoint implements Watched {
  readonly label: string;
  readonly kind: EndpointKind;
  readonly target: Target;
  readonly parent?: string;
  sink: WatchSink;
  readonly names: ReadonlySet<string>;
  /** The one record this object fills, again and again. */
  readonly draft: EventDraft;
  readonly ports = new Set<number>();
  readonly whenClosed: Promise<void>;
  /** The methods the wrappers call: what the object would call unwatched. */
  readonly current: Record<string | symbol, Method> = {};
  closed = false;
  /** Set by detach(): the wrappers pass straight through. */
  detached = false;
  /** How many wrapped calls are running (calls they make are not recorded). */
  depth = 0;
  accepted = 0;
  connections = 0;
  local: Address | undefined = undefined;
  remote: Address | undefined = undefined;
  multicastInterface: string | undefined = undefined;
  guardError: LoopbackGuardError | undefined = undefined;
  /** UDP sends Node queued until the implicit bind completes; it replays them. */
  queuedSends = 0;
  #closed: () => void;
  #lastSender: Address | undefined = undefined;

  constructor(target: Target, kind: EndpointKind, label: string, sink: WatchSink, parent?: string) {
    this.target = target;
    this.kind = kind;
    this.label = label;
    this.sink = sink;
    if (parent !== undefined) this.parent = parent;
    this.names = EVENTS[kind];
    this.draft = new EventDraft({ label, kind, parent });
    const { promise, resolve } = Promise.withResolvers<void>();
    this.whenClosed = promise;
    this.#closed = resolve;
  }

  /**
   * Takes the object over: installs the shared accessors the first time it is
   * watched, or, for an object a closed lab had watched, only takes over the
   * methods that lab's wrappers were calling.
   */
  attach(): void {
    const obj = this.target as unknown as Record<string | symbol, unknown> & Tagged;
    const previous = obj[WATCHED];
    if (previous !== undefined) {
      Object.assign(this.current, previous.current);
      obj[WATCHED] = this;
    } else {
      Object.defineProperty(obj, WATCHED, { value: this, writable: true, configurable: true });
      const install = (name: string, h: Hook) => {
        if (typeof obj[name] !== "function") return;
        const before = Object.getOwnPropertyDescriptor(obj, name);
        this.current[name] = obj[name] as Method;
        Object.defineProperty(obj, name, {
          configurable: true,
          enumerable: before?.enumerable ?? false,
          get: h.get,
          set: h.set,
        });
      };
      install("emit", EMIT);
      for (const [name, h] of SILENT) install(name, h);
      for (const [name, h] of HOOKS[this.kind]) install(name, h);
    }
    this.guardHandle();
  }

  detach(): void {
    this.detached = true;
    this.sink = DETACHED; // let the lab and its trace go
  }

  /** Starts this object's next record, with the addresses known so far. */
  begin(source: "event" | "call", name: string): EventDraft {
    const draft = this.draft.begin(source, name);
    this.addEndpoints(draft);
    return draft;
  }

  // ---- addresses and counters -------------------------------------------------------

  #refreshEndpoints(): void {
    const tcp = this.target as net.Socket;
    if (this.local === undefined && typeof tcp.localPort === "number") {
      this.local = address(tcp.localAddress, tcp.localPort, tcp.localFamily);
      this.ports.add(tcp.localPort);
    }
    if (this.remote === undefined && typeof tcp.remotePort === "number") {
      this.remote = address(tcp.remoteAddress, tcp.remotePort, tcp.remoteFamily);
    }
  }

  #udpLocal(): Address | undefined {
    try {
      const a = (this.target as dgram.Socket).address();
      this.ports.add(a.port);
      return address(a.address, a.port, a.family);
    } catch {
      return undefined;
    }
  }

  /** Adds the known local (and for TCP, remote) address to a record. */
  addEndpoints(draft: EventDraft): void {
    if (this.kind === "tcp-socket") {
      if (this.local === undefined || this.remote === undefined) this.#refreshEndpoints();
      draft.remote = this.remote;
    }
    draft.local = this.local;
  }

  fillCounters(draft: EventDraft, withWritten: boolean): void {
    if (this.kind === "tcp-server") {
      draft.connections = this.connections;
    } else if (this.kind === "tcp-socket") {
      const tcp = this.target as net.Socket;
      draft.bytesRead = tcp.bytesRead;
      draft.writableLength = tcp.writableLength;
      if (withWritten) draft.bytesWritten = tcp.bytesWritten;
    }
  }

  /** The sender of a datagram, reusing the last one's address object. */
  #sender(rinfo: dgram.RemoteInfo): Address {
    const last = this.#lastSender;
    if (last !== undefined && last.port === rinfo.port && last.address === rinfo.address) {
      return last;
    }
    return this.#lastSender = address(rinfo.address, rinfo.port, rinfo.family);
  }

  // ---- events -------------------------------------------------------------------------

  onEvent(name: string, a1: unknown, a2: unknown, a3: unknown, a4: unknown): void {
    try {
      this.#onEvent(name, a1, a2, a3, a4);
    } catch { /* recording must never break the socket */ }
    if (name === "close") {
      this.closed = true;
      this.#closed();
    }
  }

  #onEvent(name: string, a1: unknown, a2: unknown, a3: unknown, a4: unknown): void {
    const draft = this.begin("event", name);
    switch (name) {
      case "data": {
        const tcp = this.target as net.Socket;
        draft.bytes = byteLength(a1, tcp.readableEncoding);
        draft.payload = a1;
        this.fillCounters(draft, false);
        this.sink.record(draft);
        draft.payload = undefined;
        return;
      }
      case "message": {
        const rinfo = a2 as dgram.RemoteInfo | undefined;
        draft.bytes = rinfo?.size ?? byteLength(a1);
        draft.payload = a1;
        if (rinfo) draft.remote = this.#sender(rinfo);
        this.sink.record(draft);
        draft.payload = undefined;
        return;
      }
      case "listening":
        if (this.kind === "tcp-server") {
          const a = (this.target as net.Server).address();
          if (a !== null && typeof a === "object") {
            this.local = address(a.address, a.port, a.family);
            this.ports.add(a.port);
          }
        } else {
          this.local = this.#udpLocal();
        }
        draft.local = this.local;
        break;
      case "connection": {
        const socket = a1 as net.Socket;
        this.connections++;
        const child = instrument(socket, `${this.label}#${++this.accepted}`, this.sink, this.label);
        child.whenClosed.then(() => this.connections--, () => {});
        draft.preview = child.label;
        if (typeof socket.remotePort === "number") {
          draft.remote = address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
        }
        break;
      }
      case "drop": {
        const d = a1 as { remoteAddress?: string; remotePort?: number; remoteFamily?: string };
        if (d && typeof d.remotePort === "number") {
          draft.remote = address(d.remoteAddress, d.remotePort, d.remoteFamily);
        }
        break;
      }
      case "lookup":
        if (a1) draft.setError(a1);
        draft.args = `${String(a4)} → ${String(a2)} (IPv${String(a3).replace("IPv", "")})`;
        break;
      case "connect":
        if (this.kind === "udp-socket") {
          this.local = this.#udpLocal();
          draft.local = this.local;
          try {
            const r = (this.target as dgram.Socket).remoteAddress();
            draft.remote = address(r.address, r.port, r.family);
          } catch { /* not connected after all */ }
        }
        break;
      case "close":
        if (this.kind === "tcp-socket") draft.hadError = a1 === true;
        break;
      case "error":
        draft.setError(a1);
        break;
    }
    this.fillCounters(draft, true);
    this.sink.record(draft);
  }

  // ---- calls --------------------------------------------------------------------------

  #passThrough(original: Method, self: unknown, args: unknown[]): unknown {
    this.depth++;
    try {
      return Reflect.apply(original, self, args);
    } finally {
      this.depth--;
    }
  }

  call(name: string, spec: CallSpec, original: Method, self: unknown, args: unknown[]): unknown {
    if (spec.replay?.(this, args)) return this.#passThrough(original, self, args);
    const draft = this.begin("call", name);
    try {
      if (spec.describe) spec.describe(this, draft, args);
      else summarizeArgs(draft, args);
    } catch { /* recording must never break the socket */ }
    const target = draft.remote;
    const bytes = draft.bytes;
    const request = spec.guard?.(this, args);
    const refusal = request && guardDecision({ ...request, network: this.sink.network });
    if (refusal !== undefined) {
      const error = new LoopbackGuardError(refusal);
      this.sink.record(draft.setError(error));
      throw error;
    }
    const seq = this.sink.open(draft);
    draft.payload = undefined;
    let callbackSettles = false;
    if (spec.callbackResult) {
      const i = args.findLastIndex((a) => typeof a === "function");
      if (i !== -1) {
        const pending: PendingCall = { name, seq, remote: target, bytes };
        const callback = args[i] as Method;
        const report = spec.callbackResult;
        callbackSettles = spec.settlesInCallback === true;
        const reportTo = (results: unknown[]) => report(this, pending, results);
        args[i] = function (this: unknown, ...results: unknown[]): unknown {
          try {
            reportTo(results);
          } catch { /* recording must never break the socket */ }
          return Reflect.apply(callback, this, results);
        };
      }
    }
    this.depth++;
    let result: unknown;
    try {
      result = Reflect.apply(original, self, args);
    } catch (error) {
      this.depth--;
      const failed = this.draft.begin("call", name).setError(error);
      failed.remote = target;
      failed.hint = failureHint({ name, args, code: failed.code });
      this.sink.settle(seq, failed);
      throw error;
    }
    this.depth--;
    try {
      const done = this.begin("call", name);
      if (this.kind === "udp-socket") done.remote = target;
      if (isShown(result)) done.returned = result;
      this.fillCounters(done, true);
      spec.after?.(this, args);
      if (!callbackSettles) this.sink.settle(seq, done);
    } catch { /* recording must never break the socket */ }
    return result;
  }

  isBound(): boolean {
    try {
      (this.target as dgram.Socket).address();
      return true;
    } catch {
      return false;
    }
  }

  sendFields(draft: EventDraft, args: unknown[]): void {
    const s = parseSend(args);
    const slice = s.length !== undefined && s.payload instanceof Uint8Array
      ? s.payload.subarray(s.offset, (s.offset ?? 0) + s.length)
      : s.payload;
    payloadFields(draft, slice);
    if (s.length !== undefined) draft.bytes = s.length;
    if (s.port !== undefined) {
      draft.remote = address(s.address ?? "127.0.0.1", s.port, undefined);
    } else {
      try {
        const r = (this.target as dgram.Socket).remoteAddress();
        draft.remote = address(r.address, r.port, r.family);
      } catch { /* not connected: Node will report it */ }
    }
  }

  /**
   * Backstop for `net.connect(port, host)`, which starts connecting before
   * `watch()` sees the socket: the address reaches the socket's handle only
   * after a tick, so the handle's own `connect` is checked. A refused
   * connection fails with the guard's error as the socket's `error` event.
   */
  guardHandle(): void {
    if (this.kind !== "tcp-socket") return;
    const socket = this.target as unknown as Tagged;
    const handle = (socket as { _handle?: Record<string | symbol, unknown> })._handle;
    if (!handle || handle[WATCHED]) return;
    handle[WATCHED] = true;
    for (const method of ["connect", "connect6"]) {
      const original = handle[method];
      if (typeof original !== "function") continue;
      handle[method] = (...args: unknown[]): unknown => {
        const endpoint = socket[WATCHED];
        const refusal = endpoint === undefined || endpoint.detached ? undefined : guardDecision({
          operation: "connect",
          address: String(args[1]),
          network: endpoint.sink.network,
        });
        if (refusal !== undefined) {
          endpoint!.guardError = new LoopbackGuardError(refusal);
          return -13; // UV_EACCES: the socket fails as if the OS refused; emit() substitutes the guard's error
        }
        return Reflect.apply(original, handle, args);
      };
    }
  }
}

// ---- arguments ----------------------------------------------------------------------------

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

function isShown(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "boolean" || typeof value === "number" ||
    typeof value === "string";
}

function byteLength(chunk: unknown, encoding?: string | null): number {
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  if (typeof chunk === "string") {
    return Buffer.byteLength(chunk, (encoding ?? "utf8") as BufferEncoding);
  }
  if (ArrayBuffer.isView(chunk)) return chunk.byteLength;
  if (Array.isArray(chunk)) return chunk.reduce((n, c) => n + byteLength(c, encoding), 0);
  return 0;
}

function payloadFields(draft: EventDraft, payload: unknown, encoding?: string): void {
  if (payload === undefined || typeof payload === "function") return;
  draft.bytes = byteLength(payload, encoding);
  draft.payload = payload;
}

function summarizeArgs(draft: EventDraft, args: unknown[]): void {
  const shown = args.filter((a) => typeof a !== "function").map(shortValue);
  if (shown.length > 0) draft.args = shown.join(", ");
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
