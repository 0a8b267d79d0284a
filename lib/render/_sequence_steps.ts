/**
 * The rows of a sequence diagram as they are built: arrows and marks, with
 * the merge rules that keep long exchanges short.
 *
 * - Data (or datagram) arrows between the same two lanes merge while
 *   nothing else happened on either lane in between: "37 chunks, 2.4 MiB".
 * - Marks of the same kind and text on the same lane merge while nothing
 *   else happened on it: "drain ×12".
 * - Connect, FIN and reset arrows never merge.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { formatBytes } from "./event_text.ts";
import { truncate } from "./_svg.ts";
import type { Lanes } from "./_sequence_lanes.ts";
import type { ArrowKind, MarkTone, SequenceArrow, SequenceMark } from "./sequence_model.ts";

type MutableArrow = { -readonly [K in keyof SequenceArrow]: SequenceArrow[K] };
type MutableMark = { -readonly [K in keyof SequenceMark]: SequenceMark[K] };

/**
 * Builds the rows of one diagram.
 *
 * @example Usage
 * ```ts
 * import { Lanes } from "./_sequence_lanes.ts";
 * import { Steps } from "./_sequence_steps.ts";
 * const e = { seq: 1, time: 0, label: "c", kind: "tcp-socket", source: "event", name: "drain" } as const;
 * const steps = new Steps(new Lanes([e]), 24);
 * steps.mark(e, "drain", "drain", "good");
 * steps.mark({ ...e, seq: 2 }, "drain", "drain", "good");
 * console.log(steps.rows[0].label); // "drain ×2"
 * ```
 */
export class Steps {
  /** The rows so far, top to bottom. */
  readonly rows: (MutableArrow | MutableMark)[] = [];
  /** The lanes the rows are drawn on. */
  readonly lanes: Lanes;
  #previewLength: number;
  #lastOnLane = new Map<string, MutableArrow | MutableMark>();
  /** The text a mark had before "×N" was added: only marks that say the same thing merge. */
  #markText = new WeakMap<MutableMark, string>();

  /**
   * Starts an empty diagram.
   *
   * @param lanes The lanes.
   * @param previewLength Longest text preview on a data arrow, in characters.
   */
  constructor(lanes: Lanes, previewLength: number) {
    this.lanes = lanes;
    this.#previewLength = previewLength;
  }

  /**
   * The label of a data or datagram arrow: its size and a short preview.
   *
   * @param e The event.
   * @param bytes The size (default: the event's).
   * @returns The label.
   */
  payloadLabel(e: TraceEvent, bytes: number = e.bytes ?? 0): string {
    const preview = e.preview ? ` “${truncate(e.preview, this.#previewLength)}”` : "";
    return `${formatBytes(bytes)}${preview}`;
  }

  /**
   * Adds an arrow, or merges it into the previous one (see the module
   * documentation). Nothing is drawn when either end is unknown.
   *
   * @param e The event the arrow comes from.
   * @param kind What crossed the wire.
   * @param from The sender's lane.
   * @param to The receiver's lane.
   * @param label The arrow's text.
   */
  arrow(
    e: TraceEvent,
    kind: ArrowKind,
    from: string | undefined,
    to: string | undefined,
    label: string,
  ): void {
    if (from === undefined || to === undefined) return;
    const payload = kind === "data" || kind === "datagram";
    const bytes = payload ? e.bytes ?? 0 : 0;
    const last = this.#lastOnLane.get(from);
    if (
      payload && last && last === this.#lastOnLane.get(to) && last.type === "arrow" &&
      last.kind === kind && last.from === from && last.to === to
    ) {
      last.count++;
      last.bytes += bytes;
      last.lastSeq = e.seq;
      last.endTime = e.time;
      last.label = `${last.count} ${kind === "data" ? "chunks" : "datagrams"}, ${
        formatBytes(last.bytes)
      }`;
      return;
    }
    const step: MutableArrow = {
      type: "arrow",
      kind,
      from,
      to,
      label,
      count: 1,
      bytes,
      ...span(e),
    };
    this.rows.push(step);
    this.#lastOnLane.set(from, step);
    this.#lastOnLane.set(to, step);
  }

  /**
   * Adds a mark on the event's own lane, or merges it into the previous one.
   *
   * @param e The event.
   * @param kind The event or call name, or `write-false` / `call-failed`.
   * @param label The mark's text.
   * @param tone Its colour.
   */
  mark(e: TraceEvent, kind: string, label: string, tone: MarkTone): void {
    const id = this.lanes.watched(this.lanes.endpoint(e.label));
    const last = this.#lastOnLane.get(id);
    if (
      last && last.type === "mark" && last.kind === kind && last.lane === id &&
      this.#markText.get(last) === label
    ) {
      last.count++;
      last.lastSeq = e.seq;
      last.endTime = e.time;
      last.label = `${label} ×${last.count}`;
      return;
    }
    const step: MutableMark = { type: "mark", kind, lane: id, label, tone, count: 1, ...span(e) };
    this.#markText.set(step, label);
    this.rows.push(step);
    this.#lastOnLane.set(id, step);
  }

  /**
   * Marks an `error` event (red, with its code).
   *
   * @param e The event.
   */
  errorMark(e: TraceEvent): void {
    this.mark(e, "error", `error ${e.code ?? e.message ?? ""}`.trim(), "bad");
  }
}

// ---- rules every kind of endpoint shares (step tables: _sequence_tcp.ts, _sequence_udp.ts) ----

/** `listening :port`. */
export function markListening(steps: Steps, e: TraceEvent): void {
  steps.mark(e, "listening", `listening${e.local ? ` :${e.local.port}` : ""}`, "good");
}

/** `close`, red when a TCP socket closed because of an error. */
export function markClose(steps: Steps, e: TraceEvent): void {
  if (e.hadError) steps.mark(e, "close", "close (hadError)", "bad");
  else steps.mark(e, "close", "close", "neutral");
}

/** An `error` event that is not drawn as an arrow. */
export function markError(steps: Steps, e: TraceEvent): void {
  steps.errorMark(e);
}

/** A call shown as `name(args)` on its lane: `pause` warns, `resume` is good. */
export function markCall(steps: Steps, e: TraceEvent): void {
  const tone = e.name === "pause" ? "warn" : e.name === "resume" ? "good" : "neutral";
  steps.mark(e, e.name, `${e.name}(${e.args ?? ""})`, tone);
}

function span(e: TraceEvent) {
  return { firstSeq: e.seq, lastSeq: e.seq, startTime: e.time, endTime: e.time };
}
