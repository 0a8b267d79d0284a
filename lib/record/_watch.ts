/**
 * Instrumentation: turns what a `net.Server`, `net.Socket` or `dgram.Socket`
 * does into records, without changing what it does.
 *
 * How it stays out of the way:
 * - events are seen by wrapping the object's own `emit`, never by adding a
 *   listener (a `data` or `readable` listener would switch a paused stream to
 *   flowing);
 * - method calls are seen by wrapping the object's own methods
 *   (`_hooks.ts`, `_call_specs.ts`); the wrapper returns exactly what the
 *   original returns and rethrows exactly what it throws; calls the original
 *   makes on the same object are not recorded twice;
 * - payloads are measured and previewed (a few dozen bytes), never kept;
 * - work done only to record runs through `safely` (`_safe.ts`): recording
 *   must never break the socket.
 *
 * How it stays cheap: each object fills one reusable
 * {@linkcode EventDraft} that the sink copies, so no object is kept per
 * record.
 *
 * This file knows nothing of HTML or Jupyter.
 *
 * @module
 */

import net from "node:net";
import dgram from "node:dgram";
import type { Address, EndpointKind } from "./event.ts";
import { EventDraft } from "./_event_draft.ts";
import type { LoopbackGuardError, NetworkScope } from "./guard.ts";
import { assertInsideLoopback, guardTarget } from "./_guard_hooks.ts";
import { describeValue } from "../_validate.ts";
import { failureHint } from "./_failure_hint.ts";
import {
  type CallSpec,
  EMIT,
  type Hook,
  type Method,
  type PendingCall,
  SILENT,
  type Tagged,
  WATCHED,
} from "./_hooks.ts";
import { CALLS } from "./_call_specs.ts";
import { byteLength, type SendArgs, sentPayload, summarizeArgs } from "./_args.ts";
import { probe, safely } from "./_safe.ts";

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
  /**
   * When `port` is held by an object the lab is closing (a superseded UDP
   * socket whose port is not free yet), resolves once it is free.
   */
  whenReleased?(port: number): Promise<void> | undefined;
}

/** Everything the lab needs to know about one watched object. */
export interface Watched {
  /** The label its events carry. */
  readonly label: string;
  /** What it is. */
  readonly kind: EndpointKind;
  /** The object itself. */
  readonly target: Target;
  /** For an accepted socket, the label of its server. */
  readonly parent?: string;
  /** A number no other watched object of this process has. */
  readonly instance: number;
  /** For an accepted socket, its server's `instance`. */
  readonly parentInstance?: number;
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

/** Anything that can be watched. */
export type Target = net.Server | net.Socket | dgram.Socket;

const EVENTS: Record<EndpointKind, ReadonlySet<string>> = {
  "tcp-server": new Set(["listening", "connection", "close", "error", "drop"]),
  "tcp-socket": new Set([
    "lookup",
    "connect",
    "ready",
    "data",
    "end",
    "close",
    "error",
    "timeout",
    "drain",
  ]),
  "udp-socket": new Set(["listening", "connect", "message", "close", "error"]),
};

/** A recorded call that has returned, being completed. */
interface CallInProgress {
  readonly name: string;
  readonly seq: number;
  readonly remote: Address | undefined;
  readonly spec: CallSpec<unknown>;
  readonly args: unknown[];
  readonly settlesInCallback: boolean;
}

/** Where a detached object's stray records would go: nowhere. */
const DETACHED: WatchSink = {
  network: "lan",
  record: () => 0,
  open: () => 0,
  settle: () => {},
  adopt: () => {},
};

let instances = 0;

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

/** What a watchable object of each kind has of its own once its constructor ran. */
const OWN_STATE: Record<EndpointKind, string> = {
  "tcp-server": "_connections",
  "tcp-socket": "_readableState",
  "udp-socket": "type",
};

/**
 * Throws a `TypeError` naming the value unless it is a real `net.Server`,
 * `net.Socket` or `dgram.Socket`: one its constructor made, not merely an
 * object with one of their prototypes.
 *
 * @example Usage
 * ```ts
 * import net from "node:net";
 * import { assertThrows } from "@std/assert";
 * import { assertWatchable } from "./_watch.ts";
 * assertWatchable(new net.Socket());
 * assertThrows(() => assertWatchable(Object.create(net.Socket.prototype)), TypeError);
 * ```
 *
 * @param target Anything.
 */
export function assertWatchable(target: unknown): asserts target is Target {
  const kind = endpointKindOf(target);
  if (kind !== undefined && Object.hasOwn(target as object, OWN_STATE[kind])) return;
  const what = kind === undefined
    ? describeValue(target)
    : `an object with the prototype of a ${kind} that its constructor did not make`;
  throw new TypeError(
    `lab.watch(): target must be a net.Server, net.Socket or dgram.Socket made by ` +
      `net.createServer(), net.connect() / new net.Socket() or dgram.createSocket(), got ${what}`,
  );
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
 * @param parent For an accepted socket, its server.
 * @returns The bookkeeping handle (also passed to `sink.adopt`).
 */
export function instrument(
  target: Target,
  label: string,
  sink: WatchSink,
  parent?: Watched,
): Watched {
  const kind = endpointKindOf(target);
  if (kind === undefined) {
    throw new TypeError(
      `watch() expects a net.Server, net.Socket or dgram.Socket, got ${describeValue(target)}`,
    );
  }
  if (parent === undefined) assertInsideLoopback(target, sink.network);
  const endpoint = new Endpoint(target, kind, label, sink, parent);
  endpoint.attach();
  sink.adopt(endpoint);
  return endpoint;
}

/** The state of one watched object; its methods are what the shared wrappers call. */
export class Endpoint implements Watched {
  readonly label: string;
  readonly kind: EndpointKind;
  readonly target: Target;
  readonly parent?: string;
  readonly instance: number = ++instances;
  readonly parentInstance?: number;
  sink: WatchSink;
  readonly names: ReadonlySet<string>;
  /** The one record this object fills, again and again. */
  readonly draft: EventDraft;
  readonly ports: Set<number> = new Set<number>();
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
  /** The loopback guard's refusal, for the `error` event (or callback) Node reports it with. */
  guardError: LoopbackGuardError | undefined = undefined;
  /** What the guard bound instead of a wildcard, for the next `listening` record. */
  guardNote: string | undefined = undefined;
  /** The last UDP target the guard let through (a burst is judged once). */
  guardPassed: string | undefined = undefined;
  /** UDP sends Node queued until the implicit bind completes; it replays them. */
  queuedSends = 0;
  #closed: () => void;
  #lastSender: Address | undefined = undefined;
  #lastTarget: Address | undefined = undefined;

  constructor(
    target: Target,
    kind: EndpointKind,
    label: string,
    sink: WatchSink,
    parent?: Watched,
  ) {
    this.target = target;
    this.kind = kind;
    this.label = label;
    this.sink = sink;
    if (parent !== undefined) {
      this.parent = parent.label;
      this.parentInstance = parent.instance;
    }
    this.names = EVENTS[kind];
    this.draft = new EventDraft({
      label,
      kind,
      parent: this.parent,
      instance: this.instance,
      parentInstance: this.parentInstance,
    });
    const { promise, resolve } = Promise.withResolvers<void>();
    this.whenClosed = promise;
    this.#closed = resolve;
    if (closeEmitted(target)) this.#markClosed();
  }

  #markClosed(): void {
    this.closed = true;
    this.#closed();
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
      this.#install(obj, "emit", EMIT);
      for (const [name, h] of SILENT) this.#install(obj, name, h);
      for (const [name, h] of CALLS[this.kind]) this.#install(obj, name, h);
    }
    guardTarget(this); // the loopback guard sees every address it will hand to the OS
  }

  #install(obj: Record<string | symbol, unknown>, name: string, h: Hook): void {
    if (typeof obj[name] !== "function") return;
    const before = Object.getOwnPropertyDescriptor(obj, name);
    this.current[name] = obj[name] as Method;
    Object.defineProperty(obj, name, {
      configurable: true,
      enumerable: before?.enumerable ?? false,
      get: h.get,
      set: h.set,
    });
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
    const a = probe(() => (this.target as dgram.Socket).address());
    if (a === undefined) return undefined;
    this.ports.add(a.port);
    return address(a.address, a.port, a.family);
  }

  #udpRemote(): Address | undefined {
    const r = probe(() => (this.target as dgram.Socket).remoteAddress());
    return r === undefined ? undefined : this.#target(r.address, r.port, r.family);
  }

  /** Where a datagram goes, reusing the last target's address object (and so its context). */
  #target(addr: string, port: number, family: unknown): Address {
    const last = this.#lastTarget;
    if (isAddress(last, addr, port, family)) return last;
    return this.#lastTarget = address(addr, port, family);
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
    if (isAddress(last, rinfo.address, rinfo.port, rinfo.family)) return last;
    return this.#lastSender = address(rinfo.address, rinfo.port, rinfo.family);
  }

  // ---- events -------------------------------------------------------------------------

  /**
   * The arguments `emit` passes on: an `error` the loopback guard caused (see
   * `_guard_hooks.ts`) carries the guard's error instead of the refusal Node
   * made of it. A `connect` or `listening` means the refusal was passed over
   * (another happy-eyeballs address connected), and forgets it. A TCP
   * `lookup` may be followed at once by a connection attempt: the guard
   * learns the socket's handle first.
   */
  withGuardError(name: string, args: ArrayLike<unknown>): ArrayLike<unknown> {
    if (name === "lookup") guardTarget(this);
    if (this.guardError === undefined) return args;
    if (name === "connect" || name === "listening") this.guardError = undefined;
    if (name !== "error") return args;
    const replaced = Array.from(args);
    replaced[1] = this.takeGuardError(args[1]);
    return replaced;
  }

  /** The guard's pending refusal in place of the error Node made of it, or `error` itself. */
  takeGuardError(error: unknown): unknown {
    const guardError = this.guardError;
    if (guardError === undefined || !error) return error;
    this.guardError = undefined;
    return guardError;
  }

  /** Records an emitted event (`args` as `emit` got them: the name, then the event's arguments). */
  onEvent(name: string, args: ArrayLike<unknown>): void {
    safely(this, this.#recordEvent, name, args);
    if (name === "close") this.#markClosed();
  }

  #recordEvent(name: string, args: ArrayLike<unknown>): void {
    const draft = this.begin("event", name);
    if (name === "data" || name === "message") {
      this.#payloadEvent(draft, args[1], args[2] as dgram.RemoteInfo | undefined);
      return;
    }
    this.#eventFields(draft, name, args);
    this.fillCounters(draft, true);
    this.sink.record(draft);
  }

  /** `data` (TCP) and `message` (UDP): the payload's size and preview; no `bytesWritten`. */
  #payloadEvent(draft: EventDraft, chunk: unknown, rinfo: dgram.RemoteInfo | undefined): void {
    if (this.kind === "udp-socket") {
      draft.bytes = rinfo?.size ?? byteLength(chunk);
      if (rinfo) draft.remote = this.#sender(rinfo);
    } else {
      draft.bytes = byteLength(chunk, (this.target as net.Socket).readableEncoding);
      this.fillCounters(draft, false);
    }
    draft.payload = chunk;
    this.sink.record(draft);
    draft.payload = undefined;
  }

  /** The fields an event other than `data` / `message` adds to its record. */
  #eventFields(draft: EventDraft, name: string, args: ArrayLike<unknown>): void {
    switch (name) {
      case "listening":
        this.local = this.kind === "tcp-server" ? this.#serverLocal() : this.#udpLocal();
        draft.local = this.local;
        draft.hint = this.guardNote;
        this.guardNote = undefined;
        return;
      case "connection":
        return this.#accept(draft, args[1] as net.Socket);
      case "drop": {
        const d = args[1] as { remoteAddress?: string; remotePort?: number; remoteFamily?: string };
        if (d && typeof d.remotePort === "number") {
          draft.remote = address(d.remoteAddress, d.remotePort, d.remoteFamily);
        }
        return;
      }
      case "lookup":
        if (args[1]) draft.setError(args[1]);
        draft.args = `${String(args[4])} → ${String(args[2])} (IPv${
          String(args[3]).replace("IPv", "")
        })`;
        return;
      case "connect":
        if (this.kind === "udp-socket") {
          this.local = this.#udpLocal();
          draft.local = this.local;
          draft.remote = this.#udpRemote();
        }
        return;
      case "close":
        if (this.kind === "tcp-socket") draft.hadError = args[1] === true;
        return;
      case "error":
        draft.setError(args[1]);
        return;
    }
  }

  #serverLocal(): Address | undefined {
    const a = (this.target as net.Server).address();
    if (a === null || typeof a !== "object") return this.local;
    this.ports.add(a.port);
    return address(a.address, a.port, a.family);
  }

  /** A `connection`: the accepted socket is watched as `label#N`. */
  #accept(draft: EventDraft, socket: net.Socket): void {
    this.connections++;
    const child = instrument(socket, `${this.label}#${++this.accepted}`, this.sink, this);
    child.whenClosed.then(() => this.connections--, () => {});
    draft.preview = child.label;
    if (typeof socket.remotePort === "number") {
      draft.remote = address(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
    }
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

  /**
   * Records a call of a watched method and makes it: the record is opened
   * (or the guard refuses), the original runs, and the record is completed
   * with what it returned or threw.
   */
  call(
    name: string,
    spec: CallSpec<unknown>,
    original: Method,
    self: unknown,
    args: unknown[],
  ): unknown {
    if (spec.replay?.(this, args)) return this.#passThrough(original, self, args);
    const parsed = spec.normalize ? spec.normalize(args) : args;
    const draft = this.begin("call", name);
    safely(this, this.#describe, spec, parsed);
    const remote = draft.remote;
    const bytes = draft.bytes;
    const seq = this.sink.open(draft);
    draft.payload = undefined;
    const settlesInCallback = spec.callbackResult !== undefined &&
      this.#reportCallback(spec, { name, seq, remote, bytes }, args);
    const released = spec.deferUntil?.(this, parsed);
    if (released !== undefined) {
      return this.#deferred(released, { name, seq, remote, spec, args, settlesInCallback }, self);
    }
    let result: unknown;
    try {
      result = this.#passThrough(original, self, args);
    } catch (error) {
      this.#callFailed(name, seq, remote, args, error);
      throw error;
    }
    const call: CallInProgress = { name, seq, remote, spec, args, settlesInCallback };
    safely(this, this.#callReturned, call, result);
    return result;
  }

  /**
   * Makes a call once `released` resolves, for a method that returns its
   * object and reports its outcome by events (`bind`): the program gets the
   * object at once, and a synchronous throw of the original becomes an
   * `error` event.
   */
  #deferred(released: Promise<void>, call: CallInProgress, self: unknown): unknown {
    released.then(() => {
      if (this.detached) return Reflect.apply(this.current[call.name], self, call.args);
      try {
        const result = this.#passThrough(this.current[call.name], self, call.args);
        safely(this, this.#callReturned, call, result);
      } catch (error) {
        this.#callFailed(call.name, call.seq, call.remote, call.args, error);
        (self as { emit(name: string, error: unknown): void }).emit("error", error);
      }
    });
    return self;
  }

  #describe(spec: CallSpec<unknown>, parsed: unknown): void {
    if (spec.describe) spec.describe(this, this.draft, parsed);
    else {
      const summary = summarizeArgs(parsed as unknown[]);
      if (summary !== "") this.draft.args = summary;
    }
  }

  /**
   * Wraps the program's callback (its last function argument) so that its
   * results are recorded; returns whether the callback completes the record.
   */
  #reportCallback(spec: CallSpec<unknown>, pending: PendingCall, args: unknown[]): boolean {
    const i = args.findLastIndex((a) => typeof a === "function");
    if (i === -1) return false;
    const callback = args[i] as Method;
    const record = (call: PendingCall, results: unknown[]) =>
      spec.callbackResult!(this, call, results);
    const report = (results: unknown[]) => {
      // A refusal of the loopback guard reaches the callback as the guard's error.
      if (this.guardError !== undefined) results[0] = this.takeGuardError(results[0]);
      safely(this, record, pending, results);
    };
    args[i] = function (this: unknown, ...results: unknown[]): unknown {
      report(results);
      return Reflect.apply(callback, this, results);
    };
    return spec.settlesInCallback === true;
  }

  #callFailed(
    name: string,
    seq: number,
    remote: Address | undefined,
    args: unknown[],
    error: unknown,
  ): void {
    const failed = this.draft.begin("call", name).setError(error);
    failed.remote = remote;
    failed.hint = failureHint({ name, args, code: failed.code });
    this.sink.settle(seq, failed);
  }

  #callReturned(call: CallInProgress, result: unknown): void {
    const draft = this.begin("call", call.name);
    if (this.kind === "udp-socket") draft.remote = call.remote;
    if (isShown(result)) draft.returned = result;
    this.fillCounters(draft, true);
    call.spec.after?.(this);
    if (!call.settlesInCallback) this.sink.settle(call.seq, draft);
  }

  isBound(): boolean {
    return probe(() => (this.target as dgram.Socket).address()) !== undefined;
  }

  /** A UDP `send`'s size, preview and target (the connected peer when none is given). */
  sendFields(draft: EventDraft, send: SendArgs): void {
    const data = sentPayload(send);
    if (data !== undefined && typeof data !== "function") {
      draft.bytes = byteLength(data);
      draft.payload = data;
    }
    if (send.length !== undefined) draft.bytes = send.length;
    draft.remote = send.port !== undefined
      ? this.#target(send.address ?? "127.0.0.1", send.port, undefined)
      : this.#udpRemote();
  }
}

function address(addr: string | undefined, port: number, family: unknown): Address {
  const a: { address: string; port: number; family?: string } = { address: addr ?? "", port };
  const name = familyName(family);
  if (name !== undefined) a.family = name;
  return Object.freeze(a);
}

/** `"IPv4"` / `"IPv6"` from Node's string or number form, if given. */
function familyName(family: unknown): string | undefined {
  if (typeof family === "string") return family;
  return family === 4 || family === 6 ? `IPv${family}` : undefined;
}

/** Whether `a` is the address {@linkcode address} would make of the rest. */
function isAddress(
  a: Address | undefined,
  addr: string,
  port: number,
  family: unknown,
): a is Address {
  return a !== undefined && a.port === port && a.address === addr &&
    a.family === familyName(family);
}

/** Whether a socket emitted `close` before it was watched (its stream state says so). */
function closeEmitted(target: Target): boolean {
  const state = (target as { _readableState?: { closeEmitted?: unknown } })._readableState;
  return state?.closeEmitted === true;
}

function isShown(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === "boolean" || typeof value === "number" ||
    typeof value === "string";
}
