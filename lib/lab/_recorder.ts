/**
 * The lab's side of recording: the sink the watched objects write to. It
 * stamps each record with its sequence number and time, stores it in the
 * bounded log, counts datagrams in the ledger and wakes the `until()`
 * waiters a complete record satisfies.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { EventLog } from "../record/_event_log.ts";
import type { EventDraft } from "../record/_event_draft.ts";
import { DatagramLedger } from "../record/_datagram_ledger.ts";
import type { Watched, WatchSink } from "../record/_watch.ts";
import type { NetworkScope } from "../record/guard.ts";
import { Waiters } from "./until.ts";

/** What a {@linkcode Recorder} is made with. */
export interface RecorderInit {
  /** The lab's network scope. */
  readonly network: NetworkScope;
  /** How many events the log keeps. */
  readonly maxEvents: number | undefined;
  /** Called with every newly watched object. */
  readonly adopt: (watched: Watched) => void;
  /** When a port is still being released by a superseded object, resolves once it is free. */
  readonly whenReleased: (port: number) => Promise<void> | undefined;
}

/**
 * The records of one lab.
 *
 * @example Usage
 * ```ts
 * import { Recorder } from "./_recorder.ts";
 * import { EventDraft } from "../record/_event_draft.ts";
 * const recorder = new Recorder({
 *   network: "loopback",
 *   maxEvents: 10,
 *   adopt: () => {},
 *   whenReleased: () => undefined,
 * });
 * recorder.sink.record(new EventDraft({ label: "udp", kind: "udp-socket" }).begin("event", "close"));
 * console.log(recorder.log.toArray().map((e) => `${e.label} ${e.name}`)); // ["udp close"]
 * ```
 */
export class Recorder {
  /** The bounded log of records. */
  readonly log: EventLog;
  /** UDP accounting, counted as records arrive. */
  readonly ledger: DatagramLedger = new DatagramLedger();
  /** The pending `until()` calls. */
  readonly waiters: Waiters = new Waiters();
  /** What the watched objects write to. */
  readonly sink: WatchSink;
  #seq = 0;
  #t0 = performance.now();
  #listeners = new Set<() => void>();

  /**
   * Makes an empty recorder.
   *
   * @param init The network scope, the log's bound and the adopt callback.
   */
  constructor(init: RecorderInit) {
    this.log = new EventLog({ maxEvents: init.maxEvents });
    this.sink = {
      network: init.network,
      record: (draft) => this.#append(draft, true),
      open: (draft) => this.#append(draft, false),
      settle: (seq, draft) => this.#settle(seq, draft),
      adopt: init.adopt,
      whenReleased: init.whenReleased,
    };
  }

  /** The last sequence number handed out (0 before any record). */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Marks a watched object's events as superseded (a later object took its
   * label over) and rejects the `until()` calls waiting on it.
   *
   * @param instance The object's instance number.
   * @param why The error for a waiter.
   */
  supersede(instance: number, why: (label: string) => Error): void {
    this.log.supersede(instance);
    this.waiters.reject(
      (query) => why(query.label),
      (query) => query.instance === instance || query.parentInstance === instance,
    );
  }

  /**
   * Calls `listener` after every record (keep it cheap: it runs on the
   * sockets' own path); returns a function that stops it.
   *
   * @param listener Called with no arguments.
   * @returns Stops the calls.
   */
  onRecord(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Stores a record; `complete` is false for a call that has not returned yet. */
  #append(draft: EventDraft, complete: boolean): number {
    const seq = ++this.#seq;
    this.log.append(draft, seq, this.#now());
    this.ledger.add(draft);
    // A call is matched once it has returned (see #settle), with its result.
    if (complete && this.waiters.size > 0) this.#notify(draft, seq);
    if (this.#listeners.size > 0) { for (const listener of this.#listeners) listener(); }
    return seq;
  }

  /** Completes a call's record once it returned (or threw, or its callback ran). */
  #settle(seq: number, draft: EventDraft): void {
    this.log.amend(seq, draft);
    this.ledger.settle(draft);
    if (this.waiters.size > 0) this.#notify(draft, seq);
    if (this.#listeners.size > 0) { for (const listener of this.#listeners) listener(); }
  }

  #notify(draft: EventDraft, seq: number): void {
    // A record already dropped from a tiny trace is rebuilt from the draft.
    this.waiters.notify(draft, seq, () => this.log.get(seq) ?? rebuild(draft, seq, this.#now()));
  }

  #now(): number {
    return Math.round((performance.now() - this.#t0) * 1000) / 1000;
  }
}

/** The event a draft holds, for a record the trace has already dropped. */
function rebuild(draft: EventDraft, seq: number, time: number): TraceEvent {
  const log = new EventLog({ maxEvents: 1 });
  log.append(draft, seq, time);
  return log.get(seq)!;
}
