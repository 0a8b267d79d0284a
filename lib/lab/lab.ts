/**
 * The lab: one per notebook section. It hands out ports, watches sockets,
 * waits for events, shows what happened, and closes everything it watched.
 * It is a facade: recording, waiting, views and closing live in their own
 * modules beside it.
 *
 * @module
 */

import type net from "node:net";
import type dgram from "node:dgram";
import type { DatagramFlow, TraceEvent } from "../record/event.ts";
import type { NetworkScope } from "../record/guard.ts";
import { assertWatchable, instrument, type Watched, watchedLabelOf } from "../record/_watch.ts";
import type { SocketRow } from "../os/socket_row.ts";
import { System } from "../os/system.ts";
import type { SystemSource } from "../os/system_source.ts";
import { deadline, isTimeoutError } from "../_async.ts";
import { assertPort, findFreePort, releasePort } from "../os/_port.ts";
import { Trace } from "../jupyter/trace.ts";
import type { Figure } from "../jupyter/figure.ts";
import { SocketTableView } from "../jupyter/views.ts";
import { type LiveOptions, LiveView } from "../jupyter/live.ts";
import type { EndpointSummary } from "../render/summary.ts";
import { checkNumber, checkOneOf, describeValue, isMs, MS } from "../_validate.ts";
import { Recorder } from "./_recorder.ts";
import { claim, release } from "./_registry.ts";
import { closeAll } from "./_close.ts";
import { type Claim, Labels } from "./_labels.ts";
import { callSite, currentRun } from "./_runs.ts";
import { type UntilOptions, untilQuery } from "./until.ts";
import {
  backpressureFigure,
  datagramFigure,
  focusFlows,
  pollSockets,
  portsOf,
  socketsOf,
  summaryFigure,
} from "./_views.ts";
import { checkLabels, checkWindow, type FocusOptions, type TimeWindow } from "../render/focus.ts";
import type { SequenceOptions } from "../render/sequence_model.ts";

const TRANSPORTS = ["tcp", "udp"] as const;

/** Anything `watch()` accepts. */
export type Watchable = net.Server | net.Socket | dgram.Socket;

/** Options for {@linkcode Lab.open}. */
export interface LabOptions {
  /**
   * `"loopback"`: watched sockets may only connect, send, join groups and
   * listen within 127.0.0.0/8 and ::1 (multicast only through the loopback
   * interface), and a listen or bind on every interface binds loopback
   * instead. `"lan"`: no such limit, for a reader on a real network.
   *
   * @default {"loopback"}
   */
  readonly network?: NetworkScope;
  /**
   * How many events the trace keeps; older ones are dropped and counted.
   *
   * @default {100_000}
   */
  readonly maxEvents?: number;
  /**
   * How long `close()` waits for every watched object to emit `close`, in ms.
   *
   * @default {3_000}
   */
  readonly closeTimeoutMs?: number;
  /**
   * Where `lab.system` and `lab.sockets()` read the operating system's
   * facts: its platform, files, commands and socket options. Pass another
   * source to see what a notebook shows on another platform (e.g. macOS's
   * captured `netstat` output).
   *
   * @default {this machine (Deno.build.os, its files and commands)}
   */
  readonly system?: SystemSource;
}

/** Options for {@linkcode Lab.port}. */
export interface PortOptions {
  /**
   * The transport the port must be free for.
   *
   * @default {"tcp"}
   */
  readonly transport?: "tcp" | "udp";
}

/** Options for {@linkcode Lab.sockets}. */
export interface SocketsOptions {
  /**
   * Only the sockets between these ports (both ends among them, or
   * unconnected), e.g. one connection's two ports.
   *
   * @default {undefined} every socket with a local or remote port of the lab
   */
  readonly ports?: Iterable<number>;
  /**
   * Only the sockets of these endpoints (and of the sockets their servers
   * accepted): the rows between the ports they used, as with `ports`.
   *
   * @default {undefined} every socket with a local or remote port of the lab
   */
  readonly labels?: Iterable<string>;
  /**
   * Reads the table again (every 20 ms) until this returns `true` for its
   * rows: the kernel's view lags the program's, e.g. bytes reach a receive
   * queue a moment after `write()` returned.
   *
   * @default {undefined} read once
   */
  readonly until?: (rows: readonly SocketRow[]) => boolean;
  /**
   * With `until`: how long to keep reading, in ms.
   *
   * @default {5_000}
   */
  readonly timeoutMs?: number;
}

/**
 * A lab: the live-networking companion of one notebook section.
 *
 * - `port()` hands out ports that never clash, preferring the notes' port;
 * - `watch()` records every event and call of a server or socket;
 * - `until()` waits for an event, with a timeout that says what it saw;
 * - `trace`, `diagram()`, `chart()`, `sockets()`, `describe()`, `datagrams()` show it;
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
 * console.log(lab.trace.names("client", "event")); // ["connect", "ready", "data", "end", "close"]
 * ```
 */
export class Lab implements AsyncDisposable {
  /** The title it was opened with. */
  readonly title: string;
  /** The network scope of the loopback guard. */
  readonly network: NetworkScope;
  #recorder: Recorder;
  #labels = new Labels();
  /** Ports handed out, with the run that asked for each. */
  #ports = new Map<number, number>();
  /** Ports that superseded objects are still releasing (UDP closes on the next tick). */
  #releasing = new Map<number, Promise<void>>();
  #closing: Promise<void> | undefined;
  #closeTimeoutMs: number;
  #live = new Set<LiveView>();
  /** The claim of the `watch()` call being made, for the object it adopts. */
  #claim: Claim | undefined;
  #system: System;

  private constructor(title: string, options: LabOptions) {
    this.title = title;
    this.network = options.network ?? "loopback";
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 3000;
    this.#system = options.system === undefined ? new System() : new System(options.system);
    this.#recorder = new Recorder({
      network: this.network,
      maxEvents: options.maxEvents,
      adopt: (watched) =>
        this.#labels.adopt(watched, this.#claim ?? { run: currentRun(), site: "" }),
      whenReleased: (port) => this.#releasing.get(port),
    });
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
    if (options.network !== undefined) {
      checkOneOf(options.network, "Lab.open(): options.network", ["loopback", "lan"]);
    }
    if (options.closeTimeoutMs !== undefined) {
      checkNumber(options.closeTimeoutMs, "Lab.open(): options.closeTimeoutMs", MS, isMs);
    }
    const lab = new Lab(title, options);
    await claim(title, lab);
    return lab;
  }

  /**
   * The operating system, as this lab reads it: its platform (`os`), named
   * settings, a port's backlog, a socket's TTL, multicast memberships and
   * interface flags. What the platform cannot give comes back as a reading
   * that says why.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("system");
   * const somaxconn = await lab.system.setting("somaxconn");
   * console.log(somaxconn.value ?? somaxconn.reason); // e.g. 4096
   * ```
   */
  get system(): System {
    return this.#system;
  }

  /**
   * Waits for a promise at most `ms` milliseconds: it settles like
   * `promise`, or rejects with a `TimeoutError` (a `DOMException`) saying
   * "no WHAT within MS ms". For what the lab does not watch, such as
   * `Deno.DatagramConn.receive()`, so that a lost datagram fails the cell
   * instead of hanging it.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("within");
   * const never = new Promise<never>(() => {});
   * const error = await lab.within(never, 10, "datagram").catch((e) => e);
   * console.log(error.message); // "no datagram within 10 ms"
   * ```
   *
   * @typeParam T What the promise resolves to.
   * @param promise What to wait for.
   * @param ms The most time it may take, in ms.
   * @param what What is awaited, for the message.
   * @returns What `promise` resolves to.
   */
  within<T>(promise: Promise<T>, ms: number, what = "result"): Promise<T> {
    try {
      checkNumber(ms, "lab.within(): ms", MS, isMs);
      if (typeof what !== "string") {
        throw new TypeError(`lab.within(): what must be a string, got ${describeValue(what)}`);
      }
      if (!(promise instanceof Promise)) {
        throw new TypeError(
          `lab.within(): promise must be a Promise, got ${describeValue(promise)}`,
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    return deadline(promise, ms).catch((error) => {
      if (!isTimeoutError(error)) throw error;
      throw new DOMException(`no ${what} within ${ms} ms`, "TimeoutError");
    });
  }

  /** Whether `close()` has been called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * A port that is free now and that this lab has not handed out in this run
   * of cells: `preferred` (the notes' port) when possible, otherwise one the
   * OS picks. A re-run cell gets the port it had when that port is free
   * again (watch the new object first: taking a label over closes the old
   * object and frees its port).
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
   * @param preferred The port to prefer, 0 for any.
   * @param options The transport (`"tcp"` or `"udp"`).
   * @returns The port.
   */
  port(preferred = 0, options: PortOptions = {}): number {
    assertPort(preferred, "lab.port(): preferred");
    if (options.transport !== undefined) {
      checkOneOf(options.transport, "lab.port(): options.transport", ["tcp", "udp"]);
    }
    this.#assertOpen("port");
    const run = currentRun();
    const avoid = new Set([...this.#ports].filter(([, r]) => r === run).map(([p]) => p));
    const port = this.#releasing.has(preferred) && !avoid.has(preferred)
      ? preferred // a superseded socket of this lab is releasing it; bind() waits for it
      : findFreePort(preferred, { transport: options.transport, avoid });
    this.#ports.set(port, run);
    return port;
  }

  /** Every port this lab handed out or saw its watched sockets use. */
  get ports(): ReadonlySet<number> {
    const all = new Set(this.#ports.keys());
    for (const w of this.#labels.all()) for (const p of w.ports) all.add(p);
    return all;
  }

  /**
   * Starts recording a `net.Server`, `net.Socket` or `dgram.Socket` under
   * `label` and returns the same object. Sockets a watched server accepts are
   * watched too, as `label#1`, `label#2`, ...
   *
   * Recording never changes behaviour: no listener is added, methods return
   * and throw exactly what they did. Unless the lab was opened with
   * `{ network: "lan" }`, the loopback guard refuses, with a
   * `LoopbackGuardError` where Node reports that call's failures, to connect,
   * send, join a group or listen outside loopback, binds loopback for a
   * wildcard, and refuses to watch an object already outside loopback (see
   * README, "The loopback guard").
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
    assertWatchable(target);
    if (typeof label !== "string" || label.trim() === "" || label.includes("#")) {
      throw new TypeError(
        `lab.watch(): label must be a non-empty string without "#", got ${describeValue(label)}`,
      );
    }
    this.#assertOpen("watch");
    const existing = watchedLabelOf(target);
    if (existing !== undefined) {
      if (this.#labels.get(existing) !== undefined && existing === label) return target;
      throw new Error(
        `lab.watch(): this object is already watched as "${existing}"; watch each object once`,
      );
    }
    const claim = { run: currentRun(), site: callSite() };
    const previous = this.#labels.claim(label, claim);
    if (previous !== undefined) this.#supersede(previous);
    this.#claim = claim;
    try {
      instrument(target, label, this.#recorder.sink);
    } finally {
      this.#claim = undefined;
    }
    return target;
  }

  /**
   * A new object takes `old`'s label: `old` and the sockets it accepted are
   * closed (as `Lab.open` closes a whole lab), their events stay in the trace
   * marked as superseded, and the waits on them are rejected.
   */
  #supersede(old: Watched): void {
    const gone = this.#labels.release(old);
    for (const w of gone) {
      this.#recorder.supersede(w.instance, (label) =>
        new Error(
          `lab.until(): "${label}" was taken over by a new object before the awaited event; ` +
            `wait again (the new object's events count)`,
        ));
    }
    const closed = closeAll(gone, this.#closeTimeoutMs).catch(() => {});
    for (const w of gone) {
      if (w.kind !== "udp-socket" || w.closed) continue;
      for (const port of w.ports) this.#releasing.set(port, closed);
    }
    closed.then(() => {
      for (const [port, released] of this.#releasing) {
        if (released === closed) this.#releasing.delete(port);
      }
    });
  }

  /**
   * Waits until `label` has recorded the event or call `name` (one that
   * already happened counts) and resolves with it. A call matches once it
   * has returned, with its result.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("until");
   * const server = lab.watch(net.createServer(), "server");
   * server.listen(lab.port(), "127.0.0.1");
   * const listening = await lab.until("server", "listening", { timeoutMs: 2000 });
   * console.log(listening.local?.port === (server.address() as net.AddressInfo).port); // true
   * ```
   *
   * @param label A watched label, or `server#N` for an accepted socket (which may not exist yet).
   * @param name An event or method name (`listening`, `data`, `close`, `write`, ...).
   * @param options Timeout, count, filter, `after` and `source`.
   * @returns The matching event; rejects with an `UntilTimeoutError` listing the
   *   label's last events when it does not come in time.
   */
  until(label: string, name: string, options: UntilOptions = {}): Promise<TraceEvent> {
    try {
      this.#assertKnown("until", label);
      const query = { ...untilQuery(label, name, options), ...this.#labels.objectOf(label) };
      if (this.closed) throw new Error(`lab.until(): lab "${this.title}" is closed`);
      const events = this.events(label);
      return this.#recorder.waiters.wait(query, events, () => this.events(label).slice(-8));
    } catch (error) {
      return Promise.reject(error);
    }
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
    return this.#recorder.seq;
  }

  /**
   * The recorded events, oldest first, optionally of one label only: the
   * events of the object that holds the label now (not those of an object
   * it took the label from, which the full list marks as `superseded`).
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
    const all = this.#recorder.log.toArray();
    return label === undefined ? all : all.filter((e) => e.label === label && !e.superseded);
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
      events: this.#recorder.log.toArray(),
      dropped: this.#recorder.log.dropped,
    });
  }

  /**
   * A sequence diagram of the trace: one lane per endpoint, arrows for what
   * crossed the wire. Focus it on what a cell is about: some endpoints
   * (`labels`), what came `after` a mark, a time window (`fromMs`, `toMs`).
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("diagram");
   * const mark = lab.mark();
   * // ... the exchange this cell is about ...
   * const figure = lab.diagram({ after: mark });
   * console.log(figure.svg?.startsWith("<svg"));
   * ```
   *
   * @param options Which endpoints and which window, row limit, title.
   * @returns A figure (an image of the SVG, with a text fallback).
   */
  diagram(options: SequenceOptions = {}): Figure {
    const labels = this.#assertLabels("diagram", options.labels);
    return this.trace.diagram(labels ? { ...options, labels } : options);
  }

  /**
   * A back-pressure chart for one socket: `writableLength` and
   * `bytesWritten` over time, with markers where `write()` returned `false`
   * and where `drain` fired.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("chart");
   * const server = lab.watch(net.createServer((s) => s.resume()), "server");
   * server.listen(lab.port(), "127.0.0.1");
   * await lab.until("server", "listening");
   * const { port } = server.address() as net.AddressInfo;
   * const client = lab.watch(net.connect(port, "127.0.0.1"), "client");
   * await lab.until("client", "connect");
   * client.write("hello");
   * console.log(lab.chart("client").text); // back-pressure of "client": 1 writes, 0 returned false, ...
   * ```
   *
   * @param label A watched socket's label.
   * @param window Only what happened after a mark (`after`) or in a time window (`fromMs`, `toMs`).
   * @returns A figure (an image of the SVG, with a text fallback).
   */
  chart(label: string, window: TimeWindow = {}): Figure {
    this.#assertKnown("chart", label);
    return backpressureFigure(label, this.events(label), checkWindow(window, "lab.chart()"));
  }

  /**
   * The operating system's own view of the lab's sockets: state, queues and
   * the active timer, from the platform's own source (Linux: `/proc/net/tcp`,
   * `tcp6`, `udp` and `udp6`; macOS: `netstat -anW`, without timers; Windows:
   * `netstat -ano`, without queues or timers). The columns a platform cannot
   * give show `n/a` and are named in `table.unavailable`; a table that could
   * not be read is empty and says why.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("sockets");
   * const table = await lab.sockets();
   * console.log(table.rows.length); // 0: nothing open yet
   * ```
   *
   * @param options Which ports, and what to wait for.
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
    const labels = this.#assertLabels("sockets", options.labels);
    const between = options.ports !== undefined || labels !== undefined;
    const ports = between
      ? new Set([...options.ports ?? [], ...portsOf(this.#currentEvents(), new Set(labels))])
      : this.ports;
    for (const port of ports) assertPort(port, "lab.sockets(): options.ports[]");
    const read = () => socketsOf(this.#system, ports, between);
    return new SocketTableView(
      until === undefined ? await read() : await pollSockets(read, until, timeoutMs),
    );
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
   * @param focus Only the flows from or to these endpoints (`labels`); only
   *   the datagrams after a mark (`after`) or in a time window (`fromMs`,
   *   `toMs`), counted again from the trace's events.
   * @returns A figure (HTML table with a text fallback); `flows` holds the plain data.
   */
  datagrams(focus: FocusOptions = {}): Figure & { readonly flows: DatagramFlow[] } {
    const window = checkWindow(focus, "lab.datagrams()");
    const labels = this.#assertLabels("datagrams", focus.labels);
    const flows = focusFlows(this.#recorder.ledger, () => this.#currentEvents(), window, labels);
    return datagramFigure(flows);
  }

  /**
   * Shows a view that updates in place while the sockets run: in Jupyter, the
   * output appears in this cell and is re-rendered as the lab records events
   * (at most about ten times a second, and never so often that rendering
   * slows the sockets), also after the cell has finished, until the view is
   * stopped or the lab closes. The saved notebook keeps its final state.
   *
   * Pass a function that makes the view: any figure the lab returns
   * (`lab.trace.select("client")`, `lab.diagram(...)`, `lab.chart(label)`,
   * `lab.datagrams()`) or, with `everyMs`, `lab.sockets(...)`, which changes
   * without an event.
   *
   * @example Usage
   * ```ts
   * import dgram from "node:dgram";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("live");
   * const view = lab.live(() => lab.trace.select("udp"));
   * const udp = lab.watch(dgram.createSocket("udp4"), "udp");
   * udp.bind(0, "127.0.0.1");
   * await lab.until("udp", "listening");
   * await view.stop(); // renders the final state: the bind and the listening event
   * console.log(view.bundle?.["text/plain"].includes("listening")); // true
   * ```
   *
   * @param render Makes what the view shows (may be async): a figure, or any value.
   * @param options How often it may render, and a timer for views of the operating system.
   * @returns The live view: `stop()` it to freeze its output.
   */
  live(render: () => unknown, options: LiveOptions = {}): LiveView {
    if (typeof render !== "function") {
      throw new TypeError(
        `lab.live(): expected a function that makes the view (e.g. () => lab.trace), got ${
          describeValue(render)
        }`,
      );
    }
    this.#assertOpen("live");
    let stopListening = () => {};
    const view = new LiveView(render, options, {
      onStop: () => {
        stopListening();
        this.#live.delete(view);
      },
    });
    stopListening = this.#recorder.onRecord(() => view.changed());
    this.#live.add(view);
    return view;
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
   * console.log(lab.describe(server).summary.state); // "not listening"
   * ```
   *
   * @param target A watched object or its label.
   * @returns A figure (HTML with a text fallback); its `summary` holds the plain data.
   */
  describe(target: Watchable | string): Figure & { readonly summary: EndpointSummary } {
    const label = typeof target === "string" ? target : watchedLabelOf(target);
    const watched = label === undefined ? undefined : this.#labels.get(label);
    if (watched === undefined) {
      throw new TypeError(
        `lab.describe(): expected a watched object or the label of one, got ${
          describeValue(target)
        }; watched labels are ${this.#labels.list() || "none"}`,
      );
    }
    return summaryFigure(watched, this.events(watched.label));
  }

  /**
   * Closes every watched server and socket (servers stop listening and their
   * accepted sockets are destroyed; sockets are destroyed; UDP sockets
   * closed), waits for their `close` events (up to `closeTimeoutMs`), rejects
   * pending `until()` calls, and lets go of the objects. Calling it again
   * returns the same promise.
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
    release(this.title, this);
    this.#recorder.waiters.reject((query) =>
      new Error(
        `lab.until(): lab "${this.title}" closed before "${query.name}" on "${query.label}"`,
      )
    );
    try {
      await closeAll(this.#labels.all(), this.#closeTimeoutMs);
    } finally {
      // Other processes (notebooks run side by side) may have these ports now.
      for (const port of this.#ports.keys()) for (const t of TRANSPORTS) releasePort(port, t);
      // Live views render once more, so that they end showing the closing.
      await Promise.all([...this.#live].map((view) => view.stop()));
    }
  }

  #assertKnown(method: string, label: unknown): void {
    if (typeof label === "string" && this.#labels.knows(label)) return;
    throw new TypeError(
      `lab.${method}(): unknown label ${describeValue(label)}; watched labels are ${
        this.#labels.list() || "none yet (call lab.watch() first)"
      }`,
    );
  }

  /** Every event but those of superseded objects. */
  #currentEvents(): TraceEvent[] {
    return this.events().filter((e) => !e.superseded);
  }

  /** Checks a focus's labels: a list of watched labels (or none). */
  #assertLabels(method: string, labels: Iterable<string> | undefined): string[] | undefined {
    if (labels === undefined) return undefined;
    const list = checkLabels(labels, `lab.${method}()`);
    for (const label of list) this.#assertKnown(method, label);
    return list;
  }

  #assertOpen(method: string): void {
    if (this.closed) {
      throw new Error(
        `lab.${method}(): lab "${this.title}" is closed; open a new one with Lab.open()`,
      );
    }
  }
}
