/**
 * The trace a lab shows: a snapshot of its events, focused on some endpoints
 * and a time window, displayed in Jupyter as a sequence diagram above a
 * table, and in a terminal as text.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { denoInspect, Figure, jupyterDisplay, type MimeBundle } from "./figure.ts";
import { renderTraceHtml, renderTraceText } from "../render/trace_table.ts";
import { renderSequenceDiagram, renderSequenceText } from "../render/sequence_diagram.ts";
import { sequenceModel } from "../render/sequence_model.ts";
import type { SequenceOptions } from "../render/sequence_model.ts";
import { renderSvgImageHtml } from "../render/svg_image.ts";
import {
  checkLabels,
  checkWindow,
  describeWindow,
  hasLabel,
  inWindow,
  narrowWindow,
  type TimeWindow,
} from "../render/focus.ts";

/** What a {@linkcode Trace} is made from. */
export interface TraceInit {
  /** The lab's title. */
  readonly title: string;
  /** The events, oldest first. */
  readonly events: readonly TraceEvent[];
  /** How many older events were dropped. */
  readonly dropped: number;
  /**
   * Show only the events in this window. The trace keeps the others so that
   * its diagram still knows every endpoint's addresses.
   *
   * @default {undefined} every event
   */
  readonly window?: TimeWindow;
}

/**
 * A snapshot of a lab's events, focused as a notebook cell needs:
 * `select()` some endpoints, `after()` a mark, `between()` two times; each
 * returns a new trace, so they chain.
 *
 * @example Usage
 * ```ts
 * import { Trace } from "socketlab";
 * const trace = new Trace({ title: "demo", events: [], dropped: 0 });
 * console.log(trace.text); // trace “demo”: 0 events ...
 * ```
 */
export class Trace {
  /** The lab's title, with the focus in brackets. */
  readonly title: string;
  /** The events shown, oldest first. */
  readonly events: readonly TraceEvent[];
  /** How many older events were dropped to stay within the lab's bound. */
  readonly dropped: number;
  /** Every event of the selected endpoints, also outside the window. */
  #context: readonly TraceEvent[];
  #window: TimeWindow;

  /**
   * Makes a snapshot.
   *
   * @param init Title, events, dropped count and an optional window.
   */
  constructor(init: TraceInit) {
    this.title = init.title;
    this.dropped = init.dropped;
    this.#context = init.events;
    this.#window = checkWindow(init.window ?? {}, "new Trace()");
    const window = this.#window;
    this.events = Object.keys(window).length === 0
      ? init.events
      : init.events.filter((e) => inWindow(e, window));
  }

  #narrow(suffix: string, events: readonly TraceEvent[], window: TimeWindow): Trace {
    return new Trace({ title: `${this.title} (${suffix})`, events, dropped: this.dropped, window });
  }

  /**
   * The events of one label: those of the object that holds it now (an
   * object whose label a re-run cell took over is left out).
   *
   * @param label A label.
   * @returns Its events, oldest first.
   */
  of(label: string): TraceEvent[] {
    return this.events.filter((e) => e.label === label && !e.superseded);
  }

  /**
   * A trace of only some endpoints: the given labels and the sockets their
   * servers accepted (`server` brings `server#1`, `server#2`, ...).
   *
   * @example Usage
   * ```ts
   * import { Trace } from "socketlab";
   * const trace = new Trace({ title: "t", events: [], dropped: 0 });
   * console.log(trace.select("server", "client").events.length); // 0
   * ```
   *
   * @param labels The labels to keep.
   * @returns A new trace with those events (its `dropped` is the original's).
   */
  select(...labels: string[]): Trace {
    const keep = new Set(checkLabels(labels, "trace.select()"));
    const events = this.#context.filter((e) => !e.superseded && hasLabel(e, keep));
    return this.#narrow(labels.join(", "), events, this.#window);
  }

  /**
   * A trace of what happened after a mark: the events whose `seq` is larger.
   * Its diagram still knows the addresses seen before.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("after");
   * const mark = lab.mark();
   * // ... the exchange this cell is about ...
   * console.log(lab.trace.after(mark).events.length); // 0
   * ```
   *
   * @param mark A sequence number from `lab.mark()`.
   * @returns A new trace.
   */
  after(mark: number): Trace {
    const window = narrowWindow(this.#window, checkWindow({ after: mark }, "trace.after()"));
    return this.#narrow(describeWindow({ after: mark }), this.#context, window);
  }

  /**
   * A trace of a time window: the events from `fromMs` to `toMs` (ms since
   * the lab opened, both included).
   *
   * @example Usage
   * ```ts
   * import { Trace } from "socketlab";
   * const base = { label: "c", kind: "tcp-socket", source: "event", name: "data" } as const;
   * const trace = new Trace({
   *   title: "t",
   *   events: [{ ...base, seq: 1, time: 5 }, { ...base, seq: 2, time: 50 }],
   *   dropped: 0,
   * });
   * console.log(trace.between(0, 10).events.length); // 1
   * ```
   *
   * @param fromMs The start, in ms since the lab opened.
   * @param toMs The end, in ms since the lab opened.
   * @returns A new trace.
   */
  between(fromMs: number, toMs: number): Trace {
    const asked = checkWindow({ fromMs, toMs }, "trace.between()");
    return this.#narrow(describeWindow(asked), this.#context, narrowWindow(this.#window, asked));
  }

  /**
   * The names of a label's events, in order: handy in assertions.
   *
   * @example Usage
   * ```ts
   * import { Trace } from "socketlab";
   * const trace = new Trace({ title: "t", events: [], dropped: 0 });
   * console.log(trace.names("client")); // []
   * ```
   *
   * @param label A label.
   * @param source Only events (`"event"`) or only calls (`"call"`).
   * @returns The names.
   */
  names(label: string, source?: TraceEvent["source"]): string[] {
    return this.of(label).filter((e) => source === undefined || e.source === source).map((e) =>
      e.name
    );
  }

  /**
   * The sequence diagram of these events.
   *
   * @example Usage
   * ```ts
   * import { Trace } from "socketlab";
   * const trace = new Trace({ title: "t", events: [], dropped: 0 });
   * console.log(trace.diagram({ maxSteps: 100 }).text); // (no events recorded yet)
   * ```
   *
   * @param options More focus (it narrows this trace's), row limit, preview length, title.
   * @returns A figure (an image of the SVG, with a text fallback).
   */
  diagram(options: SequenceOptions = {}): Figure {
    const window = narrowWindow(this.#window, checkWindow(options, "trace.diagram()"));
    const focused = { title: this.title, ...options, ...window };
    // One model for both forms (sequenceModel leaves superseded objects out).
    const model = sequenceModel(this.#context, focused);
    return Figure.fromSvg(
      renderSequenceDiagram(model, focused),
      renderSequenceText(model, focused),
    );
  }

  /** The trace as a text table. */
  get text(): string {
    return renderTraceText(this.events, { title: this.title, dropped: this.dropped });
  }

  /**
   * Shown in Jupyter: the sequence diagram (as an image every viewer shows)
   * above the table of events.
   *
   * @returns The MIME bundle.
   */
  [jupyterDisplay](): MimeBundle {
    const table = renderTraceHtml(this.events, { title: this.title, dropped: this.dropped });
    const diagram = this.events.length === 0 ? "" : renderSvgImageHtml(
      renderSequenceDiagram(this.#context, { ...this.#window, title: this.title }),
    );
    return { "text/html": `<div>${diagram}${table}</div>`, "text/plain": this.text };
  }

  /**
   * Printed in a terminal: the text table.
   *
   * @returns The text table.
   */
  [denoInspect](): string {
    return this.text;
  }
}
