/**
 * A bounded, ordered log of {@linkcode TraceEvent}s.
 *
 * @module
 */

import type { TraceEvent } from "./event.ts";

/** The number of events a trace keeps by default. */
export const DEFAULT_MAX_EVENTS = 100_000;

/**
 * A ring buffer of events: it keeps the newest `maxEvents` and counts the
 * ones it dropped, so a long transfer cannot exhaust memory.
 *
 * @example Usage
 * ```ts
 * import { EventLog } from "socketlab";
 * import { assertEquals } from "@std/assert";
 * const log = new EventLog({ maxEvents: 2 });
 * for (const name of ["connect", "data", "end"]) {
 *   log.push({ seq: 0, time: 0, label: "client", kind: "tcp-socket", source: "event", name });
 * }
 * assertEquals(log.toArray().map((e) => e.name), ["data", "end"]);
 * assertEquals(log.dropped, 1);
 * ```
 */
export class EventLog {
  /** The most events kept. */
  readonly maxEvents: number;
  #ring: TraceEvent[] = [];
  #start = 0;
  #dropped = 0;

  /**
   * Makes an empty log.
   *
   * @param options `maxEvents`: how many events to keep (a positive integer).
   */
  constructor(options: { maxEvents?: number } = {}) {
    const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`maxEvents must be a positive integer, got ${max}`);
    }
    this.maxEvents = max;
  }

  /** How many events are kept now. */
  get size(): number {
    return this.#ring.length;
  }

  /** How many older events were dropped to stay within `maxEvents`. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Appends an event, dropping the oldest when full.
   *
   * @param event The event.
   */
  push(event: TraceEvent): void {
    if (this.#ring.length < this.maxEvents) {
      this.#ring.push(event);
      return;
    }
    this.#ring[this.#start] = event;
    this.#start = (this.#start + 1) % this.maxEvents;
    this.#dropped++;
  }

  /**
   * The kept events, oldest first, as a new array.
   *
   * @returns A copy of the kept events.
   */
  toArray(): TraceEvent[] {
    if (this.#start === 0) return this.#ring.slice();
    return this.#ring.slice(this.#start).concat(this.#ring.slice(0, this.#start));
  }

  /**
   * Visits kept events from newest to oldest until `visit` returns `false`.
   *
   * @param visit Called per event; return `false` to stop.
   */
  visitNewestFirst(visit: (event: TraceEvent) => boolean | void): void {
    const n = this.#ring.length;
    for (let i = n - 1; i >= 0; i--) {
      if (visit(this.#ring[(this.#start + i) % n]) === false) return;
    }
  }

  /** Forgets every event. */
  clear(): void {
    this.#ring = [];
    this.#start = 0;
    this.#dropped = 0;
  }
}
