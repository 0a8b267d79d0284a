/**
 * Focusing a view on the part of a trace a reader is looking at: some
 * endpoints (labels), a time window, or what came after a mark.
 *
 * Every view takes the same words: `labels` (with the sockets their servers
 * accepted), `after` (a sequence number from `lab.mark()`), `fromMs` and
 * `toMs` (ms since the lab opened).
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { checkNumber, describeValue, isMs } from "../_validate.ts";
import { formatMs } from "./_svg.ts";

/**
 * A part of a trace in time: after a mark, and between two times. Every
 * bound is optional; a record is kept when it is inside all of them.
 */
export interface TimeWindow {
  /**
   * Only records after this mark: a sequence number from `lab.mark()` (or
   * any record's `seq`). Records with a larger `seq` are kept.
   *
   * @default {undefined} from the first record
   */
  readonly after?: number;
  /**
   * Only records at or after this time, in ms since the lab opened.
   *
   * @default {undefined} from the first record
   */
  readonly fromMs?: number;
  /**
   * Only records at or before this time, in ms since the lab opened.
   *
   * @default {undefined} to the last record
   */
  readonly toMs?: number;
}

/**
 * What a view shows: some endpoints, in a time window.
 */
export interface FocusOptions extends TimeWindow {
  /**
   * Only these endpoints, with the sockets their servers accepted
   * (`"server"` brings `"server#1"`, `"server#2"`, ...).
   *
   * @default {undefined} every endpoint
   */
  readonly labels?: Iterable<string>;
}

/**
 * Checks a time window: `after` an integer of at least 0, `fromMs` and
 * `toMs` finite numbers of ms of at least 0, `fromMs` not after `toMs`.
 *
 * @example Usage
 * ```ts
 * import { checkWindow } from "socketlab/render";
 * import { assertThrows } from "@std/assert";
 * checkWindow({ after: 12, fromMs: 0, toMs: 40 }, "lab.diagram()");
 * assertThrows(() => checkWindow({ fromMs: 50, toMs: 40 }, "lab.diagram()"), RangeError, "fromMs");
 * ```
 *
 * @param window The window to check.
 * @param where The function it was given to, for the message (e.g. `"lab.chart()"`).
 * @returns A copy holding only the bounds that are set.
 * @throws {TypeError} For a window that is not an object or a bound that is not a number.
 * @throws {RangeError} For a bound out of range, or `fromMs` after `toMs`.
 */
export function checkWindow(window: TimeWindow, where: string): TimeWindow {
  if (typeof window !== "object" || window === null) {
    throw new TypeError(
      `${where}: options must be an object such as { after: lab.mark() }, got ${
        describeValue(window)
      }`,
    );
  }
  const { after, fromMs, toMs } = window;
  const out: { after?: number; fromMs?: number; toMs?: number } = {};
  if (after !== undefined) {
    checkNumber(
      after,
      `${where}: after`,
      "a mark from lab.mark() (an integer >= 0)",
      (n) => Number.isInteger(n) && n >= 0,
    );
    out.after = after;
  }
  if (fromMs !== undefined) {
    checkNumber(fromMs, `${where}: fromMs`, "a time in ms since the lab opened (>= 0)", isMs);
    out.fromMs = fromMs;
  }
  if (toMs !== undefined) {
    checkNumber(toMs, `${where}: toMs`, "a time in ms since the lab opened (>= 0)", isMs);
    out.toMs = toMs;
  }
  if (out.fromMs !== undefined && out.toMs !== undefined && out.fromMs > out.toMs) {
    throw new RangeError(
      `${where}: fromMs must not be after toMs, got fromMs ${out.fromMs} and toMs ${out.toMs}`,
    );
  }
  return out;
}

/**
 * Checks a list of labels: an iterable (not a single string) of non-empty
 * strings.
 *
 * @example Usage
 * ```ts
 * import { checkLabels } from "socketlab/render";
 * import { assertEquals, assertThrows } from "@std/assert";
 * assertEquals(checkLabels(["server", "client"], "lab.diagram()"), ["server", "client"]);
 * assertThrows(() => checkLabels("server" as never, "lab.diagram()"), TypeError, '["server"]');
 * ```
 *
 * @param labels The labels.
 * @param where The function they were given to, for the message.
 * @returns The labels as an array.
 * @throws {TypeError} For a string, a non-iterable, or a label that is not a non-empty string.
 */
export function checkLabels(labels: Iterable<string>, where: string): string[] {
  if (
    typeof labels === "string" || typeof labels !== "object" || labels === null ||
    typeof (labels as Iterable<string>)[Symbol.iterator] !== "function"
  ) {
    const hint = typeof labels === "string" ? `, e.g. [${JSON.stringify(labels)}]` : "";
    throw new TypeError(
      `${where}: labels must be an array of watch labels${hint}, got ${describeValue(labels)}`,
    );
  }
  const list = [...labels];
  list.forEach((label, i) => {
    if (typeof label !== "string" || label === "") {
      throw new TypeError(
        `${where}: labels[${i}] must be a non-empty watch label, got ${describeValue(label)}`,
      );
    }
  });
  return list;
}

/**
 * Whether an event belongs to one of some endpoints: its own label, or the
 * server that accepted it.
 *
 * @example Usage
 * ```ts
 * import { hasLabel } from "socketlab/render";
 * const e = { seq: 1, time: 0, label: "server#1", parent: "server", kind: "tcp-socket", source: "event", name: "data" } as const;
 * console.log(hasLabel(e, new Set(["server"]))); // true
 * ```
 *
 * @param event A recorded event.
 * @param labels The endpoints.
 * @returns `true` when it belongs to one of them.
 */
export function hasLabel(event: TraceEvent, labels: ReadonlySet<string>): boolean {
  return labels.has(event.label) || (event.parent !== undefined && labels.has(event.parent));
}

/**
 * Whether an event is inside a time window.
 *
 * @example Usage
 * ```ts
 * import { inWindow } from "socketlab/render";
 * const e = { seq: 5, time: 12, label: "c", kind: "tcp-socket", source: "event", name: "data" } as const;
 * console.log(inWindow(e, { after: 4, toMs: 20 })); // true
 * ```
 *
 * @param event A recorded event.
 * @param window The window (already checked).
 * @returns `true` when it is inside.
 */
export function inWindow(event: TraceEvent, window: TimeWindow): boolean {
  return (window.after === undefined || event.seq > window.after) &&
    (window.fromMs === undefined || event.time >= window.fromMs) &&
    (window.toMs === undefined || event.time <= window.toMs);
}

/**
 * The events a focus keeps, in their order: of the given endpoints (with
 * their accepted sockets), inside the window. Checks the focus first.
 *
 * @example Usage
 * ```ts
 * import { focusEvents } from "socketlab/render";
 * import { assertEquals } from "@std/assert";
 * const base = { kind: "tcp-socket", source: "event", name: "data" } as const;
 * const events = [
 *   { ...base, seq: 1, time: 0, label: "client" },
 *   { ...base, seq: 2, time: 5, label: "server#1", parent: "server" },
 *   { ...base, seq: 3, time: 9, label: "other" },
 * ];
 * assertEquals(focusEvents(events, { labels: ["server", "other"], after: 1 }).map((e) => e.seq), [2, 3]);
 * ```
 *
 * @param events Recorded events.
 * @param focus Which endpoints, which window.
 * @param where The function it was given to, for error messages.
 * @returns A new array of the events kept.
 */
export function focusEvents(
  events: readonly TraceEvent[],
  focus: FocusOptions,
  where = "focusEvents()",
): TraceEvent[] {
  const window = checkWindow(focus, where);
  const labels = focus.labels === undefined ? undefined : new Set(checkLabels(focus.labels, where));
  return events.filter((e) => (!labels || hasLabel(e, labels)) && inWindow(e, window));
}

/**
 * The window inside two windows: the later mark, the later start, the
 * earlier end.
 *
 * @example Usage
 * ```ts
 * import { narrowWindow } from "socketlab/render";
 * import { assertEquals } from "@std/assert";
 * assertEquals(narrowWindow({ after: 3, toMs: 50 }, { after: 7, fromMs: 10 }), { after: 7, fromMs: 10, toMs: 50 });
 * ```
 *
 * @param a A window.
 * @param b Another.
 * @returns Their intersection (it may be empty: `fromMs` after `toMs`).
 */
export function narrowWindow(a: TimeWindow, b: TimeWindow): TimeWindow {
  const pick = (x: number | undefined, y: number | undefined, f: (...n: number[]) => number) =>
    x === undefined ? y : y === undefined ? x : f(x, y);
  const out: { after?: number; fromMs?: number; toMs?: number } = {};
  const after = pick(a.after, b.after, Math.max);
  const fromMs = pick(a.fromMs, b.fromMs, Math.max);
  const toMs = pick(a.toMs, b.toMs, Math.min);
  if (after !== undefined) out.after = after;
  if (fromMs !== undefined) out.fromMs = fromMs;
  if (toMs !== undefined) out.toMs = toMs;
  return out;
}

/**
 * A window in words, for titles: `after #12`, `10–40 ms`, `from 10 ms`.
 *
 * @example Usage
 * ```ts
 * import { describeWindow } from "socketlab/render";
 * import { assertEquals } from "@std/assert";
 * assertEquals(describeWindow({ after: 12, fromMs: 10, toMs: 40 }), "after #12, 10 ms–40 ms");
 * assertEquals(describeWindow({}), "");
 * ```
 *
 * @param window The window.
 * @returns The words, empty for no bound.
 */
export function describeWindow(window: TimeWindow): string {
  const parts: string[] = [];
  if (window.after !== undefined) parts.push(`after #${window.after}`);
  const { fromMs, toMs } = window;
  if (fromMs !== undefined && toMs !== undefined) {
    parts.push(`${formatMs(fromMs)}–${formatMs(toMs)}`);
  } else if (fromMs !== undefined) parts.push(`from ${formatMs(fromMs)}`);
  else if (toMs !== undefined) parts.push(`to ${formatMs(toMs)}`);
  return parts.join(", ");
}
