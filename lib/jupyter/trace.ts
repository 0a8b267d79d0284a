/**
 * The trace a lab shows: a snapshot of its events, displayed in Jupyter as a
 * sequence diagram above a table, and in a terminal as text.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { denoInspect, Figure, jupyterDisplay, type MimeBundle } from "./figure.ts";
import { renderTraceHtml, renderTraceText } from "../render/trace_table.ts";
import { renderSequenceDiagram, renderSequenceText } from "../render/sequence_diagram.ts";

/** What a {@linkcode Trace} is made from. */
export interface TraceInit {
  /** The lab's title. */
  readonly title: string;
  /** The events, oldest first. */
  readonly events: readonly TraceEvent[];
  /** How many older events were dropped. */
  readonly dropped: number;
}

/**
 * A snapshot of a lab's events.
 *
 * @example Usage
 * ```ts
 * import { Trace } from "socketlab";
 * const trace = new Trace({ title: "demo", events: [], dropped: 0 });
 * console.log(trace.text); // trace “demo”: 0 events ...
 * ```
 */
export class Trace {
  /** The lab's title. */
  readonly title: string;
  /** The events, oldest first. */
  readonly events: readonly TraceEvent[];
  /** How many older events were dropped to stay within the lab's bound. */
  readonly dropped: number;

  /**
   * Makes a snapshot.
   *
   * @param init Title, events and dropped count.
   */
  constructor(init: TraceInit) {
    this.title = init.title;
    this.events = init.events;
    this.dropped = init.dropped;
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
    const keep = new Set(labels);
    return new Trace({
      title: `${this.title} (${labels.join(", ")})`,
      events: this.events.filter((e) =>
        !e.superseded && (keep.has(e.label) || (e.parent !== undefined && keep.has(e.parent)))
      ),
      dropped: this.dropped,
    });
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
   * @returns A figure (SVG with a text fallback).
   */
  diagram(): Figure {
    return Figure.fromSvg(renderSequenceDiagram(this.events), renderSequenceText(this.events));
  }

  /** The trace as a text table. */
  get text(): string {
    return renderTraceText(this.events, { title: this.title, dropped: this.dropped });
  }

  /**
   * Shown in Jupyter: the sequence diagram above the table of events.
   *
   * @returns The MIME bundle.
   */
  [jupyterDisplay](): MimeBundle {
    const table = renderTraceHtml(this.events, { title: this.title, dropped: this.dropped });
    const svg = this.events.length === 0 ? "" : renderSequenceDiagram(this.events);
    return { "text/html": `<div>${svg}${table}</div>`, "text/plain": this.text };
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
