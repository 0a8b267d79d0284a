/**
 * The lab: one per notebook section. It hands out ports, watches sockets,
 * waits for events, and closes everything it watched.
 *
 * @module
 */

import type net from "node:net";
import type dgram from "node:dgram";
import type { TraceEvent } from "./event.ts";
import { EventLog } from "./event_log.ts";
import { type DatagramFlow, DatagramLedger } from "./datagram_ledger.ts";
import { renderDatagramHtml, renderDatagramText } from "./render/datagram_table.ts";
import type { NetworkScope } from "./guard.ts";
import { assertPort, checkNumber, describeValue, findFreePort, type Transport } from "./port.ts";
import type { EventDraft } from "./event_draft.ts";
import {
  endpointKindOf,
  instrument,
  type Watched,
  watchedLabelOf,
  type WatchSink,
} from "./watch.ts";
import { Trace } from "./trace.ts";
import { Figure } from "./display.ts";
import { type EndpointSummary, renderSummaryHtml, renderSummaryText } from "./render/summary.ts";
import { describeEvent } from "./render/event_text.ts";
import { renderBackpressureChart } from "./render/backpressure_chart.ts";
import { readKernelSockets } from "./kernel_sockets.ts";
import { renderSocketTableHtml, renderSocketTableText } from "./render/socket_table.ts";
import type { KernelSocketTable, ProcNetRow } from "./proc_net.ts";

/** Anything `watch()` accepts. */
export type Watchable = net.Server | net.Socket | dgram.Socket;

/**
 * Options for {@linkcode Lab.open}.
 *
 * @example Usage
 * ```ts
 * import type { LabOptions } from "socketlab";
 * const options: LabOptions = { network: "loopback", maxEvents: 10_000 };
 * ```
 */
export interface LabOptions {
  /**
   * `"loopback"` (default): watched sockets may only connect, bind and send
   * within 127.0.0.0/8 and ::1 (plus multicast through a loopback
   * interface). `"lan"`: no such limit, for a reader on a real network.
   */
  readonly network?: NetworkScope;
  /** How many events the trace keeps; older ones are dropped and counted. Default 100,000. */
  readonly maxEvents?: number;
  /** How long `close()` waits for every watched object to emit `close`, in ms. Default 3,000. */
  readonly closeTimeoutMs?: number;
}

/**
 * Options for {@linkcode Lab.port}.
 *
 * @example Usage
 * ```ts
 * import type { PortOptions } from "socketlab";
 * const options: PortOptions = { transport: "udp" };
 * ```
 */
export interface PortOptions {
  /** The transport the port must be free for. Default `"tcp"`. */
  readonly transport?: Transport;
}

/**
 * Options for {@linkcode Lab.sockets}.
 *
 * @example Usage
 * ```ts
 * import type { SocketsOptions } from "socketlab";
 * const options: SocketsOptions = {
 *   ports: [8080, 51234],
 *   until: (rows) => rows.some((r) => r.receiveQueue === 3),
 * };
 * ```
 */
export interface SocketsOptions {
  /** Only the sockets between these ports (both ends among them, or unconnected). */
  readonly ports?: Iterable<number>;
  /**
   * Reads the table again (every 20 ms) until this returns `true` for its
   * rows: the kernel's view lags the program's, e.g. bytes reach a receive
   * queue a moment after `write()` returned.
   */
  readonly until?: (rows: readonly ProcNetRow[]) => boolean;
  /** With `until`: how long to keep reading, in ms. Default 5,000. */
  readonly timeoutMs?: number;
}

/**
 * Options for {@linkcode Lab.until}.
 *
 * @example Usage
 * ```ts
 * import type { UntilOptions } from "socketlab";
 * const options: UntilOptions = { timeoutMs: 2000, count: 3, where: (e) => e.source === "event", after: 0 };
 * ```
 */
export interface UntilOptions {
  /** How long to wait, in ms. Default 5,000. */
  readonly timeoutMs?: number;
  /** Wait for the count-th matching event (default 1). Events already recorded count. */
  readonly count?: number;
  /** Only events for which this returns `true` match. */
  readonly where?: (event: TraceEvent) => boolean;
  /** Only events recorded after this sequence number match (see {@linkcode Lab.mark}). */
  readonly after?: number;
  /**
   * Only emitted events (`"event"`) or only method calls (`"call"`). Useful
   * where a name is both: `until("server", "close", { source: "event" })`
   * waits for the `close` event, not the `close()` call. Default: either.
   */
  readonly source?: TraceEvent["source"];
}

/**
 * The error `until()` rejects with when the event does not come in time. Its
 * message lists the last events recorded for the label.
 *
 * @example Usage
 * ```ts
 * import { UntilTimeoutError } from "socketlab";
 * const error = new UntilTimeoutError("no close on client within 10 ms", []);
 * console.log(error.name); // "UntilTimeoutError"
 * ```
 */
export class UntilTimeoutError extends Error {
  /** The last events recorded for the label, newest last. */
  readonly lastEvents: readonly TraceEvent[];

  /**
   * Makes the error.
   *
   * @param message What was awaited and what was seen.
   * @param lastEvents The last events recorded for the label.
   */
  constructor(message: string, lastEvents: readonly TraceEvent[]) {
    super(message);
    this.name = "UntilTimeoutError";
    this.lastEvents = lastEvents;
  }
}

interface Waiter {
  label: string;
  name: string;
  where?: (event: TraceEvent) => boolean;
  after: number;
  source?: TraceEvent["source"];
  remaining: number;
  resolve: (event: TraceEvent) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

const REGISTRY_KEY = Symbol.for("socketlab.labs");

/** The event a draft holds, for a record the trace has already dropped. */
function rebuild(draft: EventDraft, seq: number, time: number): TraceEvent {
  const log = new EventLog({ maxEvents: 1 });
  log.append(draft, seq, time);
  return log.get(seq)!;
}
const registry: Map<string, Lab> =
  ((globalThis as Record<symbol, unknown>)[REGISTRY_KEY] ??= new Map<string, Lab>()) as Map<
    string,
    Lab
  >;

/**
 * A lab: the live-networking companion of one notebook section.
 *
 * - `port()` hands out ports that never clash, preferring the notes' port;
 * - `watch()` records every event and call of a server or socket;
 * - `until()` waits for an event, with a timeout that says what it saw;
 * - `trace`, `diagram()`, `chart()`, `sockets()`, `describe()` show it;
 * - `close()` (or `await using`) closes everything it watched.
 *
 * Re-opening a lab with the same title in the same process (re-running a
 * notebook cell) first closes the previous one, so its ports are free again.
 *
 * @example Usage
 * ```ts
 * import net from "node:net";
 * import { Lab } from "socketlab";
 *
 * await using lab = await Lab.open("1.1 TCP server");
 * const port = lab.port(8080);
 * const server = lab.watch(net.createServer((s) => s.end("bye")), "server");
 * server.listen(port, "127.0.0.1");
 * await lab.until("server", "listening");
 * lab.watch(net.connect(port, "127.0.0.1"), "client").resume(); // read, so the end arrives
 * await lab.until("client", "close");
 * console.log(lab.trace.events.length > 0);
 * ```
 */
export class Lab implements AsyncDisposable {
  /** The title it was opened with. */
  readonly title: string;
  /** The network scope of the loopback guard. */
  readonly network: NetworkScope;
  #log: EventLog;
  #seq = 0;
  #t0 = performance.now();
  #watched = new Map<string, Watched>();
  #ports = new Set<number>();
  #waiters = new Set<Waiter>();
  #closing: Promise<void> | undefined;
  #closeTimeoutMs: number;
  #sink: WatchSink;
  #ledger = new DatagramLedger();

  private constructor(title: string, options: LabOptions) {
    this.title = title;
    this.network = options.network ?? "loopback";
    this.#log = new EventLog({ maxEvents: options.maxEvents });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 3000;
    this.#sink = {
      network: this.network,
      record: (draft) => this.#append(draft, true),
      open: (draft) => this.#append(draft, false),
      settle: (seq, draft) => this.#settle(seq, draft),
      adopt: (watched) => void this.#watched.set(watched.label, watched),
    };
  }

  /**
   * Opens a lab. If a lab with the same title is still open in this process
   * (the cell ran before), it is closed first.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * const lab = await Lab.open("2.1 UDP socket");
   * await lab.close();
   * ```
   *
   * @param title A title, usually the notes' section.
   * @param options Network scope, trace size, close timeout.
   * @returns The new lab.
   */
  static async open(title: string, options: LabOptions = {}): Promise<Lab> {
    if (typeof title !== "string" || title.trim() === "") {
      throw new TypeError(
        `Lab.open(): title must be a non-empty string, got ${describeValue(title)}`,
      );
    }
    if (
      options.network !== undefined && options.network !== "loopback" && options.network !== "lan"
    ) {
      throw new TypeError(
        `Lab.open(): options.network must be "loopback" or "lan", got ${
          describeValue(options.network)
        }`,
      );
    }
    if (options.closeTimeoutMs !== undefined) {
      checkNumber(options.closeTimeoutMs, "Lab.open(): options.closeTimeoutMs", MS, isMs);
    }
    await registry.get(title)?.close();
    const lab = new Lab(title, options);
    registry.set(title, lab);
    return lab;
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * A port that is free now and that this lab has not handed out before:
   * `preferred` (the notes' port) when possible, otherwise one the OS picks.
   * Uses `getAvailablePort` from `@std/net`.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("ports");
   * const a = lab.port(8080);
   * const b = lab.port(8080);
   * console.log(a !== b); // true: the second call does not hand out the same port
   * ```
   *
   * @param preferred The port to prefer, 0 for any. Default 0.
   * @param options The transport (`"tcp"` or `"udp"`).
   * @returns The port.
   */
  port(preferred = 0, options: PortOptions = {}): number {
    assertPort(preferred, "lab.port(): preferred");
    if (
      options.transport !== undefined && options.transport !== "tcp" && options.transport !== "udp"
    ) {
      throw new TypeError(
        `lab.port(): options.transport must be "tcp" or "udp", got ${
          describeValue(options.transport)
        }`,
      );
    }
    this.#assertOpen("port");
    const port = findFreePort(preferred, { transport: options.transport, avoid: this.#ports });
    this.#ports.add(port);
    return port;
  }

  /** Every port this lab handed out or saw its watched sockets use. */
  get ports(): ReadonlySet<number> {
    const all = new Set(this.#ports);
    for (const w of this.#watched.values()) for (const p of w.ports) all.add(p);
    return all;
  }

  /**
   * Starts recording a `net.Server`, `net.Socket` or `dgram.Socket` under
   * `label` and returns the same object. Sockets a watched server accepts are
   * watched too, as `label#1`, `label#2`, ...
   *
   * Recording never changes behaviour: no listener is added, methods return
   * and throw exactly what they did. The loopback guard refuses (throws a
   * `LoopbackGuardError`) connect, bind, listen and send to addresses outside
   * loopback unless the lab was opened with `{ network: "lan" }`.
   *
   * @example Usage
   * ```ts
   * import dgram from "node:dgram";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("watch");
   * const socket = lab.watch(dgram.createSocket("udp4"), "udp");
   * socket.bind(0, "127.0.0.1");
   * await lab.until("udp", "listening");
   * ```
   *
   * @typeParam T The object's type, returned unchanged.
   * @param target The object to watch.
   * @param label A short name for it (no `#`), unique in this lab.
   * @returns `target`.
   */
  watch<T extends Watchable>(target: T, label: string): T {
    if (endpointKindOf(target) === undefined) {
      throw new TypeError(
        `lab.watch(): target must be a net.Server, net.Socket or dgram.Socket, got ${
          describeValue(target)
        }`,
      );
    }
    if (typeof label !== "string" || label.trim() === "" || label.includes("#")) {
      throw new TypeError(
        `lab.watch(): label must be a non-empty string without "#", got ${describeValue(label)}`,
      );
    }
    this.#assertOpen("watch");
    const existing = watchedLabelOf(target);
    if (existing !== undefined) {
      if (this.#watched.get(existing)?.target === target && existing === label) return target;
      throw new Error(
        `lab.watch(): this object is already watched as "${existing}"; watch each object once`,
      );
    }
    if (this.#watched.has(label)) {
      throw new Error(
        `lab.watch(): label "${label}" is already used in lab "${this.title}"; pick another label`,
      );
    }
    instrument(target, label, this.#sink);
    return target;
  }

  /** Stores a record; `complete` is false for a call that has not returned yet. */
  #append(draft: EventDraft, complete: boolean): number {
    const seq = ++this.#seq;
    this.#log.append(draft, seq, this.#now());
    if (draft.kind === "udp-socket") {
      this.#ledger.add(draft);
      if (draft.name === "sent" && draft.code !== undefined && draft.remote !== undefined) {
        this.#ledger.unsend(draft.label, draft.remote.port);
      }
    }
    // A call is matched once it has returned (see #settle), with its result.
    if (complete && this.#waiters.size > 0) this.#notify(draft, seq);
    return seq;
  }

  /** Completes a call's record once it returned (or threw, or its callback ran). */
  #settle(seq: number, draft: EventDraft): void {
    this.#log.amend(seq, draft);
    if (
      draft.kind === "udp-socket" && draft.name === "send" && draft.code !== undefined &&
      draft.remote !== undefined
    ) {
      this.#ledger.unsend(draft.label, draft.remote.port); // it threw: nothing was sent
    }
    if (this.#waiters.size > 0) this.#notify(draft, seq);
  }

  #now(): number {
    return Math.round((performance.now() - this.#t0) * 1000) / 1000;
  }

  /** Resolves the `until()` calls that the (complete) record `seq` satisfies. */
  #notify(draft: EventDraft, seq: number): void {
    let event: TraceEvent | undefined;
    for (const waiter of this.#waiters) {
      if (waiter.label !== draft.label || waiter.name !== draft.name) continue;
      if (seq <= waiter.after) continue;
      if (waiter.source !== undefined && draft.source !== waiter.source) continue;
      // Built only for a waiter that may want it; a record already dropped from a
      // tiny trace is rebuilt from the draft.
      event ??= this.#log.get(seq) ?? rebuild(draft, seq, this.#now());
      if (waiter.where !== undefined && !safeTest(waiter.where, event)) continue;
      if (--waiter.remaining === 0) {
        this.#waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.resolve(event);
      }
    }
  }

  /**
   * Waits until `label` has recorded the event or call `name` (one that
   * already happened counts) and resolves with it.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("until");
   * const server = lab.watch(net.createServer(), "server");
   * server.listen(lab.port(), "127.0.0.1");
   * const listening = await lab.until("server", "listening", { timeoutMs: 2000 });
   * console.log(listening.local?.port);
   * ```
   *
   * @param label A watched label, or `server#N` for an accepted socket (which may not exist yet).
   * @param name An event or method name (`listening`, `data`, `close`, `write`, ...).
   * @param options Timeout, count and filter.
   * @returns The matching event.
   */
  until(label: string, name: string, options: UntilOptions = {}): Promise<TraceEvent> {
    if (typeof label !== "string" || !this.#knowsLabel(label)) {
      const known = [...this.#watched.keys()];
      return Promise.reject(
        new TypeError(
          `lab.until(): unknown label ${describeValue(label)}; watched labels are ${
            known.length
              ? known.map((k) => `"${k}"`).join(", ")
              : "none yet (call lab.watch() first)"
          }`,
        ),
      );
    }
    if (typeof name !== "string" || name === "") {
      return Promise.reject(
        new TypeError(
          `lab.until(): name must be an event or method name, got ${describeValue(name)}`,
        ),
      );
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    const count = options.count ?? 1;
    const after = options.after ?? 0;
    try {
      checkNumber(timeoutMs, "lab.until(): options.timeoutMs", MS, isMs);
      checkNumber(
        count,
        "lab.until(): options.count",
        "a positive integer",
        (n) => Number.isInteger(n) && n >= 1,
      );
      checkNumber(
        after,
        "lab.until(): options.after",
        "a sequence number (an integer >= 0)",
        (n) => Number.isInteger(n) && n >= 0,
      );
    } catch (error) {
      return Promise.reject(error);
    }
    if (options.source !== undefined && options.source !== "event" && options.source !== "call") {
      return Promise.reject(
        new TypeError(
          `lab.until(): options.source must be "event" or "call", got ${
            describeValue(options.source)
          }`,
        ),
      );
    }
    if (this.closed) {
      return Promise.reject(new Error(`lab.until(): lab "${this.title}" is closed`));
    }
    let seen = 0;
    for (const event of this.#log.toArray()) {
      if (
        event.label === label && event.name === name && event.seq > after &&
        (options.source === undefined || event.source === options.source)
      ) {
        if (options.where !== undefined && !safeTest(options.where, event)) continue;
        if (++seen === count) return Promise.resolve(event);
      }
    }
    const { promise, resolve, reject } = Promise.withResolvers<TraceEvent>();
    const waiter: Waiter = {
      label,
      name,
      where: options.where,
      after,
      source: options.source,
      remaining: count - seen,
      resolve,
      reject,
      timer: setTimeout(() => {
        this.#waiters.delete(waiter);
        const last = this.events(label).slice(-8);
        const wanted = count === 1
          ? `"${name}"`
          : `${count} × "${name}" (saw ${count - waiter.remaining})`;
        reject(
          new UntilTimeoutError(
            `lab.until(): no ${wanted} on "${label}" within ${timeoutMs} ms; ${
              last.length === 0
                ? `nothing was recorded for "${label}"`
                : `last events for "${label}": ${
                  last.map((e) => `#${e.seq} ${e.time.toFixed(1)} ms ${describeEvent(e)}`).join(
                    "; ",
                  )
                }`
            }`,
            last,
          ),
        );
      }, timeoutMs),
    };
    this.#waiters.add(waiter);
    return promise;
  }

  /**
   * The sequence number of the last record so far: pass it as `after` to
   * `until()` to wait only for what happens from now on.
   *
   * @example Usage
   * ```ts
   * import dgram from "node:dgram";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("mark");
   * const udp = lab.watch(dgram.createSocket("udp4"), "udp");
   * udp.bind(0, "127.0.0.1");
   * await lab.until("udp", "listening");
   * const mark = lab.mark();
   * udp.send("again", udp.address().port, "127.0.0.1");
   * const message = await lab.until("udp", "message", { after: mark });
   * console.log(message.seq > mark); // true
   * ```
   *
   * @returns The last sequence number handed out (0 before any record).
   */
  mark(): number {
    return this.#seq;
  }

  #knowsLabel(label: string): boolean {
    if (this.#watched.has(label)) return true;
    const match = /^(.+)#\d+$/.exec(label);
    return match !== null && this.#watched.get(match[1])?.kind === "tcp-server";
  }

  /**
   * The recorded events, oldest first, optionally of one label only.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("events");
   * console.log(lab.events().length); // 0
   * ```
   *
   * @param label Only this label's events.
   * @returns A new array.
   */
  events(label?: string): TraceEvent[] {
    const all = this.#log.toArray();
    return label === undefined ? all : all.filter((e) => e.label === label);
  }

  /**
   * The trace so far: shown in Jupyter as a sequence diagram and a table of
   * events, as text in a terminal.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("trace");
   * console.log(lab.trace.dropped); // 0
   * ```
   */
  get trace(): Trace {
    return new Trace({
      title: this.title,
      events: this.#log.toArray(),
      dropped: this.#log.dropped,
    });
  }

  /**
   * A sequence diagram of the trace: one lane per endpoint, arrows for what
   * crossed the wire.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("diagram");
   * const figure = lab.diagram();
   * console.log(figure.svg?.startsWith("<svg"));
   * ```
   *
   * @returns A figure (SVG with a text fallback).
   */
  diagram(): Figure {
    return this.trace.diagram();
  }

  /**
   * A back-pressure chart for one socket: `writableLength` and
   * `bytesWritten` over time, with markers where `write()` returned `false`
   * and where `drain` fired.
   *
   * @example Usage
   * ```ts ignore
   * const figure = lab.chart("server#1");
   * ```
   *
   * @param label A watched socket's label.
   * @returns A figure (SVG with a text fallback).
   */
  chart(label: string): Figure {
    if (typeof label !== "string" || !this.#knowsLabel(label)) {
      throw new TypeError(
        `lab.chart(): unknown label ${describeValue(label)}; watched labels are ${
          [...this.#watched.keys()].map((k) => `"${k}"`).join(", ") || "none"
        }`,
      );
    }
    const events = this.events(label);
    const writes = events.filter((e) => e.name === "write");
    const falses = writes.filter((e) => e.returned === false).length;
    const drains = events.filter((e) => e.name === "drain").length;
    const last = [...events].reverse().find((e) => e.counters?.bytesWritten !== undefined);
    return new Figure({
      "image/svg+xml": renderBackpressureChart(events, { label }),
      "text/plain":
        `back-pressure of "${label}": ${writes.length} writes, ${falses} returned false, ` +
        `${drains} drain events, ${last?.counters?.bytesWritten ?? 0} bytes written`,
    });
  }

  /**
   * The kernel's own view of the lab's sockets, read from `/proc/net/tcp`,
   * `tcp6`, `udp` and `udp6`: state, queues and the active timer. On a
   * system without `/proc/net` the table is empty and says why.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("sockets");
   * const table = await lab.sockets();
   * console.log(table.rows.length); // 0: nothing open yet
   * ```
   *
   * Waiting for the kernel to catch up:
   *
   * ```ts ignore
   * const table = await lab.sockets({ ports, until: (rows) => rows[0]?.receiveQueue === 3 });
   * ```
   *
   * @param options `ports`: show only the sockets between these ports (both
   *   ends among them, or unconnected), e.g. one connection's two ports;
   *   default: every row whose local or remote port belongs to the lab.
   *   `until`, `timeoutMs`: read again until the rows satisfy `until`.
   * @returns The rows, displayable. With `until`, the first table that
   *   satisfies it, or at once a table that could not be read (it says why).
   * @throws {Error} With `until`, when no table satisfied it within `timeoutMs`
   *   (the message shows the last one).
   */
  async sockets(options: SocketsOptions = {}): Promise<SocketTableView> {
    const { until, timeoutMs = 5_000 } = options;
    if (until !== undefined && typeof until !== "function") {
      throw new TypeError(
        `lab.sockets(): options.until must be a function, got ${describeValue(until)}`,
      );
    }
    checkNumber(timeoutMs, "lab.sockets(): options.timeoutMs", MS, isMs);
    const ports = options.ports === undefined ? undefined : [...options.ports];
    const deadline = performance.now() + timeoutMs;
    let view = await this.#readSockets(ports);
    if (until === undefined) return view;
    while (view.table.reason === undefined && !until(view.rows)) {
      if (performance.now() >= deadline) {
        throw new Error(
          `lab.sockets(): the kernel's table did not satisfy until() within ${timeoutMs} ms; ` +
            `the last one read:\n${view.text}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
      view = await this.#readSockets(ports);
    }
    return view;
  }

  /** The kernel's rows for the lab's ports, or only those between `only` (checked first). */
  async #readSockets(only: readonly number[] | undefined): Promise<SocketTableView> {
    const ports = only === undefined ? this.ports : new Set(only);
    for (const port of ports) assertPort(port, "lab.sockets(): options.ports[]");
    const table = await readKernelSockets({ ports });
    if (only === undefined) return new SocketTableView(table);
    // Only the sockets between the given ports: both ends in the set (or an unconnected end).
    const rows = table.rows.filter((r) =>
      ports.has(r.local.port) && (r.remote.port === 0 || ports.has(r.remote.port))
    );
    return new SocketTableView({ ...table, rows });
  }

  /**
   * UDP accounting between watched sockets: for each sender → receiver pair,
   * datagrams sent (sends that did not fail), received, and lost. Counted as
   * events are recorded, so the totals hold even when the trace has dropped
   * old events. Loss is reported, never hidden.
   *
   * @example Usage
   * ```ts
   * import dgram from "node:dgram";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("datagrams");
   * const a = lab.watch(dgram.createSocket("udp4"), "a");
   * a.bind(0, "127.0.0.1");
   * await lab.until("a", "listening");
   * a.send("ping", a.address().port, "127.0.0.1");
   * await lab.until("a", "message");
   * console.log(lab.datagrams().flows); // [{ from: "a", to: "a", sent: 1, received: 1, lost: 0 }]
   * ```
   *
   * @returns A figure (HTML table with a text fallback); `flows` holds the plain data.
   */
  datagrams(): Figure & { readonly flows: DatagramFlow[] } {
    const flows = this.#ledger.flows();
    const figure = new Figure({
      "text/html": renderDatagramHtml(flows),
      "text/plain": renderDatagramText(flows),
    });
    return Object.assign(figure, { flows });
  }

  /**
   * A one-object summary of a watched server or socket: state, addresses,
   * counters, how much was recorded and the last record.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("describe");
   * const server = lab.watch(net.createServer(), "server");
   * console.log(lab.describe(server).text.includes("not listening"));
   * ```
   *
   * @param target A watched object or its label.
   * @returns A figure (HTML with a text fallback); its `summary` holds the plain data.
   */
  describe(target: Watchable | string): Figure & { readonly summary: EndpointSummary } {
    const label = typeof target === "string" ? target : watchedLabelOf(target);
    const watched = label === undefined ? undefined : this.#watched.get(label);
    if (watched === undefined) {
      throw new TypeError(
        `lab.describe(): expected a watched object or the label of one, got ${
          describeValue(target)
        }; watched labels are ${
          [...this.#watched.keys()].map((k) => `"${k}"`).join(", ") || "none"
        }`,
      );
    }
    const summary = summarize(watched, this.events(watched.label));
    const figure = new Figure({
      "text/html": renderSummaryHtml(summary),
      "text/plain": renderSummaryText(summary),
    });
    return Object.assign(figure, { summary });
  }

  /**
   * Closes every watched server and socket (servers stop listening and their
   * accepted sockets are destroyed; sockets are destroyed; UDP sockets
   * closed), waits for their `close` events (up to `closeTimeoutMs`), rejects
   * pending `until()` calls, and puts the objects' methods back. Calling it
   * again returns the same promise.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * const lab = await Lab.open("close");
   * await lab.close();
   * console.log(lab.closed); // true
   * ```
   *
   * @returns Resolves when everything is closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  /** Same as {@linkcode Lab.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #closeAll(): Promise<void> {
    if (registry.get(this.title) === this) registry.delete(this.title);
    for (const waiter of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(
        new Error(
          `lab.until(): lab "${this.title}" closed before "${waiter.name}" on "${waiter.label}"`,
        ),
      );
    }
    this.#waiters.clear();
    const open = [...this.#watched.values()].filter((w) => !w.closed);
    // Sockets first, so that servers' close events are not held up by their connections.
    for (const w of open) {
      if (w.kind === "tcp-socket") (w.target as net.Socket).destroy();
    }
    for (const w of open) {
      try {
        if (w.kind === "tcp-server") (w.target as net.Server).close();
        else if (w.kind === "udp-socket") (w.target as dgram.Socket).close();
      } catch { /* already closed: its close event has been or will be emitted */ }
    }
    if (open.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#closeTimeoutMs);
      });
      try {
        await Promise.race([Promise.all(open.map((w) => w.whenClosed)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    for (const w of this.#watched.values()) w.detach();
  }

  #assertOpen(method: string): void {
    if (this.closed) {
      throw new Error(
        `lab.${method}(): lab "${this.title}" is closed; open a new one with Lab.open()`,
      );
    }
  }
}

/**
 * The kernel socket table, displayable.
 *
 * @example Usage
 * ```ts
 * import { Lab } from "socketlab";
 * await using lab = await Lab.open("table");
 * const view = await lab.sockets();
 * console.log(view.rows.length);
 * ```
 */
export class SocketTableView extends Figure {
  /** The table's plain data. */
  readonly table: KernelSocketTable;

  /**
   * Wraps a table.
   *
   * @param table The rows and, when empty for a reason, the reason.
   */
  constructor(table: KernelSocketTable) {
    super({
      "text/html": renderSocketTableHtml(table),
      "text/plain": renderSocketTableText(table),
    });
    this.table = table;
  }

  /** The rows. */
  get rows(): KernelSocketTable["rows"] {
    return this.table.rows;
  }
}

const MS = "a finite number of ms >= 0";
const isMs = (n: number) => Number.isFinite(n) && n >= 0;

function safeTest(where: (event: TraceEvent) => boolean, event: TraceEvent): boolean {
  try {
    return where(event) === true;
  } catch {
    return false;
  }
}

function summarize(watched: Watched, events: readonly TraceEvent[]): EndpointSummary {
  const last = events.at(-1);
  const latest = <K extends "local" | "remote">(key: K) =>
    [...events].reverse().find((e) => e[key] !== undefined)?.[key];
  let state: string;
  let counters: EndpointSummary["counters"];
  if (watched.kind === "tcp-server") {
    const server = watched.target as net.Server;
    state = watched.closed ? "closed" : server.listening ? "listening" : "not listening";
    counters = [...events].reverse().find((e) => e.counters)?.counters;
  } else if (watched.kind === "tcp-socket") {
    const socket = watched.target as net.Socket;
    state = watched.closed
      ? "closed"
      : socket.destroyed
      ? "destroyed"
      : socket.connecting
      ? "connecting"
      : socket.readyState + (socket.isPaused() ? ", paused" : "");
    counters = {
      bytesRead: socket.bytesRead,
      bytesWritten: socket.bytesWritten ?? 0,
      writableLength: socket.writableLength,
    };
  } else {
    state = watched.closed ? "closed" : latest("local") ? "bound" : "not bound";
  }
  const summary: EndpointSummary = {
    label: watched.label,
    kind: watched.kind,
    state,
    local: latest("local"),
    remote: latest("remote"),
    counters,
    events: events.filter((e) => e.source === "event").length,
    calls: events.filter((e) => e.source === "call").length,
    last,
  };
  return summary;
}
