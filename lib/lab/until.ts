/**
 * `lab.until()`: waiting for an event or call, with a timeout that says what
 * was seen instead. The waiters are resolved by the recorder as records
 * complete; nothing here polls.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import {
  checkNumber,
  checkOneOf,
  describeValue,
  isMs,
  isPositiveInteger,
  MS,
} from "../_validate.ts";
import { deadline, isTimeoutError } from "../_async.ts";
import { describeEvent } from "../render/event_text.ts";

/** Options for {@linkcode Lab.until}. */
export interface UntilOptions {
  /**
   * How long to wait, in ms.
   *
   * @default {5_000}
   */
  readonly timeoutMs?: number;
  /**
   * Wait for the count-th matching event. Events already recorded count.
   *
   * @default {1}
   */
  readonly count?: number;
  /**
   * Only events for which this returns `true` match.
   *
   * @default {undefined} every event
   */
  readonly where?: (event: TraceEvent) => boolean;
  /**
   * Only events recorded after this sequence number match (see {@linkcode Lab.mark}).
   *
   * @default {0}
   */
  readonly after?: number;
  /**
   * Only emitted events (`"event"`) or only method calls (`"call"`). Useful
   * where a name is both: `until("server", "close", { source: "event" })`
   * waits for the `close` event, not the `close()` call.
   *
   * @default {undefined} either
   */
  readonly source?: TraceEvent["source"];
}

/**
 * The error `until()` rejects with when the event does not come in time. Its
 * message lists the last events recorded for the label.
 *
 * @example Catching a timeout
 * ```ts
 * import net from "node:net";
 * import { Lab, UntilTimeoutError } from "socketlab";
 * await using lab = await Lab.open("until timeout");
 * lab.watch(net.createServer(), "server"); // never listens
 * try {
 *   await lab.until("server", "listening", { timeoutMs: 10 });
 * } catch (error) {
 *   console.log(error instanceof UntilTimeoutError); // true
 * }
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

/**
 * An `until()` call's arguments, checked and with defaults filled in, and the
 * object it waits on: the one holding the label when `until()` was called
 * (`instance`), or, for an accepted socket that does not exist yet, the
 * server holding its parent label (`parentInstance`).
 */
export interface UntilQuery {
  readonly label: string;
  readonly instance?: number;
  readonly parentInstance?: number;
  readonly name: string;
  readonly timeoutMs: number;
  readonly count: number;
  readonly after: number;
  readonly where: ((event: TraceEvent) => boolean) | undefined;
  readonly source: TraceEvent["source"] | undefined;
}

/**
 * Checks `until()`'s arguments and fills in the defaults.
 *
 * @param label The label asked for.
 * @param name The event or method name asked for.
 * @param options The options given.
 * @returns The query.
 */
export function untilQuery(label: string, name: string, options: UntilOptions): UntilQuery {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(
      `lab.until(): name must be an event or method name, got ${describeValue(name)}`,
    );
  }
  const { timeoutMs = 5000, count = 1, after = 0, where, source } = options;
  checkNumber(timeoutMs, "lab.until(): options.timeoutMs", MS, isMs);
  checkNumber(count, "lab.until(): options.count", "a positive integer", isPositiveInteger);
  checkNumber(
    after,
    "lab.until(): options.after",
    "a sequence number (an integer >= 0)",
    (n) => Number.isInteger(n) && n >= 0,
  );
  if (source !== undefined) checkOneOf(source, "lab.until(): options.source", ["event", "call"]);
  if (where !== undefined && typeof where !== "function") {
    throw new TypeError(
      `lab.until(): options.where must be a function, got ${describeValue(where)}`,
    );
  }
  return { label, name, timeoutMs, count, after, where, source };
}

/** What a waiter reads of a record as it is recorded (the recorder's draft). */
export interface LiveRecord {
  readonly label: string;
  readonly name: string;
  readonly source: string;
  readonly instance: number;
  readonly parentInstance: number | undefined;
}

/** Whether a record matches a query, `where` and the object aside. */
function matches(
  query: UntilQuery,
  record: { label: string; name: string; source: string },
  seq: number,
): boolean {
  return record.label === query.label && record.name === query.name && seq > query.after &&
    (query.source === undefined || record.source === query.source);
}

/** Whether a record is of the object a query waits on. */
function isOfObject(query: UntilQuery, record: LiveRecord): boolean {
  if (query.instance !== undefined) return record.instance === query.instance;
  return query.parentInstance === undefined || record.parentInstance === query.parentInstance;
}

/** `where` that throws counts as no match: a bad filter must not break recording. */
function passes(query: UntilQuery, event: TraceEvent): boolean {
  if (query.where === undefined) return true;
  try {
    return query.where(event) === true;
  } catch {
    return false;
  }
}

interface Waiter {
  readonly query: UntilQuery;
  remaining: number;
  resolve(event: TraceEvent): void;
  reject(error: Error): void;
}

/**
 * The pending `until()` calls of one lab.
 *
 * @example Usage
 * ```ts
 * import { untilQuery, Waiters } from "./until.ts";
 * const waiters = new Waiters();
 * const query = untilQuery("udp", "close", { timeoutMs: 1000 });
 * const closed = waiters.wait(query, [], () => []);
 * const event = { seq: 1, time: 0, label: "udp", kind: "udp-socket", source: "event", name: "close" } as const;
 * waiters.notify({ ...event, instance: 1, parentInstance: undefined }, 1, () => event);
 * console.log((await closed).seq); // 1
 * ```
 */
export class Waiters {
  #waiting = new Set<Waiter>();

  /** How many calls are waiting. */
  get size(): number {
    return this.#waiting.size;
  }

  /**
   * Resolves with the `count`-th match among `recorded` and what comes,
   * or rejects with an {@linkcode UntilTimeoutError} after `timeoutMs`.
   * The promise never becomes an unhandled rejection when nobody awaits it.
   *
   * @param query What to wait for.
   * @param recorded The object's events recorded so far, oldest first.
   * @param lastEvents The label's latest events, for the timeout message.
   * @returns The matching event.
   */
  wait(
    query: UntilQuery,
    recorded: readonly TraceEvent[],
    lastEvents: () => TraceEvent[],
  ): Promise<TraceEvent> {
    let seen = 0;
    for (const event of recorded) {
      if (!matches(query, event, event.seq) || !passes(query, event)) continue;
      if (++seen === query.count) return Promise.resolve(event);
    }
    const { promise, resolve, reject } = Promise.withResolvers<TraceEvent>();
    const waiter: Waiter = { query, remaining: query.count - seen, resolve, reject };
    this.#waiting.add(waiter);
    const bounded = deadline(promise, query.timeoutMs).catch((error) => {
      this.#waiting.delete(waiter);
      throw isTimeoutError(error) ? timedOut(query, waiter.remaining, lastEvents()) : error;
    });
    bounded.catch(() => {}); // an abandoned wait is not an unhandled rejection
    return bounded;
  }

  /**
   * Counts a complete record toward the waiters it matches, resolving those
   * that have seen enough.
   *
   * @param record The record (the recorder's draft, or an event).
   * @param seq Its sequence number.
   * @param eventOf Builds the record as an event (only called when a waiter needs it).
   */
  notify(record: LiveRecord, seq: number, eventOf: () => TraceEvent): void {
    let event: TraceEvent | undefined;
    for (const waiter of this.#waiting) {
      if (!matches(waiter.query, record, seq) || !isOfObject(waiter.query, record)) continue;
      event ??= eventOf();
      if (!passes(waiter.query, event)) continue;
      if (--waiter.remaining === 0) {
        this.#waiting.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  /**
   * Rejects the waiting calls `which` selects (every one by default: the lab
   * is closing).
   *
   * @param why The error for one waiter's query.
   * @param which Which waiters; default all.
   */
  reject(
    why: (query: UntilQuery) => Error,
    which: (query: UntilQuery) => boolean = () => true,
  ): void {
    for (const waiter of this.#waiting) {
      if (!which(waiter.query)) continue;
      this.#waiting.delete(waiter);
      waiter.reject(why(waiter.query));
    }
  }
}

function timedOut(query: UntilQuery, remaining: number, last: TraceEvent[]): UntilTimeoutError {
  const { label, name, count, timeoutMs } = query;
  const wanted = count === 1 ? `"${name}"` : `${count} × "${name}" (saw ${count - remaining})`;
  const seen = last.length === 0
    ? `nothing was recorded for "${label}"`
    : `last events for "${label}": ${
      last.map((e) => `#${e.seq} ${e.time.toFixed(1)} ms ${describeEvent(e)}`).join("; ")
    }`;
  return new UntilTimeoutError(
    `lab.until(): no ${wanted} on "${label}" within ${timeoutMs} ms; ${seen}`,
    last,
  );
}
