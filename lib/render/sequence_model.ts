/**
 * The plain model of a sequence diagram, built from recorded events: one
 * lane per endpoint, time downwards, arrows for what crossed the wire and
 * marks for what happened locally. `sequence_diagram.ts` draws it.
 *
 * {@linkcode sequenceModel} collects the lanes (`_sequence_lanes.ts`), turns
 * each event into rows with the step tables of TCP (`_sequence_tcp.ts`) and
 * UDP (`_sequence_udp.ts`), merging as it goes (`_sequence_steps.ts`), and
 * keeps the first and last rows of a long trace.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { checkNumber, isPositiveInteger } from "../_validate.ts";
import { Lanes } from "./_sequence_lanes.ts";
import { Steps } from "./_sequence_steps.ts";
import { type StepTable, TCP_SERVER, TCP_SOCKET } from "./_sequence_tcp.ts";
import { Sends, udpSocket } from "./_sequence_udp.ts";
import { checkLabels, checkWindow, type FocusOptions, hasLabel, inWindow } from "./focus.ts";

/**
 * What a lane stands for: a watched endpoint, an unwatched peer, or a
 * broadcast / multicast address.
 */
export type LaneKind =
  | "tcp-server"
  | "tcp-socket"
  | "udp-socket"
  | "peer"
  | "broadcast"
  | "multicast";

/**
 * One vertical lane of a sequence diagram.
 */
export interface SequenceLane {
  /** Unique id: the watch label, or `address:port` for peers and groups. */
  readonly id: string;
  /** The name shown at the top of the lane. */
  readonly label: string;
  /** What the lane stands for. */
  readonly kind: LaneKind;
  /** A second line under the label, usually the local address. */
  readonly detail?: string;
}

/**
 * What an arrow shows crossing the wire.
 */
export type ArrowKind = "connect" | "data" | "fin" | "reset" | "datagram";

/**
 * An arrow between two lanes, possibly standing for several merged events.
 */
export interface SequenceArrow {
  /** Discriminant of {@linkcode SequenceStep}. */
  readonly type: "arrow";
  /** What crossed the wire. */
  readonly kind: ArrowKind;
  /** Lane id of the sender. */
  readonly from: string;
  /** Lane id of the receiver. */
  readonly to: string;
  /** Text drawn on the arrow, e.g. `5 B “hello”` or `37 chunks, 2.4 MB`. */
  readonly label: string;
  /** How many events the arrow stands for. */
  readonly count: number;
  /** Total payload bytes (data and datagrams). */
  readonly bytes: number;
  /** Sequence number of the first event. */
  readonly firstSeq: number;
  /** Sequence number of the last event. */
  readonly lastSeq: number;
  /** Time of the first event (ms since the lab opened). */
  readonly startTime: number;
  /** Time of the last event. */
  readonly endTime: number;
}

/**
 * How a mark is coloured: neutral, good (green), warning (orange), bad (red).
 */
export type MarkTone = "neutral" | "good" | "warn" | "bad";

/**
 * A local happening on one lane (listening, pause, drain, write returned
 * false, close, ...), possibly standing for several merged events.
 */
export interface SequenceMark {
  /** Discriminant of {@linkcode SequenceStep}. */
  readonly type: "mark";
  /** The event or call name, or `write-false` / `call-failed`. */
  readonly kind: string;
  /** Lane id. */
  readonly lane: string;
  /** Text drawn next to the mark (with `×N` when merged). */
  readonly label: string;
  /** Colour. */
  readonly tone: MarkTone;
  /** How many events the mark stands for. */
  readonly count: number;
  /** Sequence number of the first event. */
  readonly firstSeq: number;
  /** Sequence number of the last event. */
  readonly lastSeq: number;
  /** Time of the first event (ms since the lab opened). */
  readonly startTime: number;
  /** Time of the last event. */
  readonly endTime: number;
}

/**
 * One row of the diagram: an arrow or a mark.
 */
export type SequenceStep = SequenceArrow | SequenceMark;

/**
 * The steps left out of a long diagram.
 */
export interface ElidedSteps {
  /** How many steps were left out. */
  readonly steps: number;
  /** How many of them were arrows. */
  readonly arrows: number;
  /** How many of them were marks. */
  readonly marks: number;
  /** Time of the first step left out. */
  readonly startTime: number;
  /** Time of the last step left out. */
  readonly endTime: number;
}

/**
 * The plain model of a sequence diagram: what {@linkcode renderSequenceDiagram}
 * draws. `steps`, `arrows` and `marks` hold what is drawn; `elided` counts
 * what was left out of a long trace.
 */
export interface SequenceModel {
  /** Lanes, left to right. */
  readonly lanes: readonly SequenceLane[];
  /** Rows, top to bottom (arrows and marks in trace order). */
  readonly steps: readonly SequenceStep[];
  /** The arrows among `steps`. */
  readonly arrows: readonly SequenceArrow[];
  /** The marks among `steps`. */
  readonly marks: readonly SequenceMark[];
  /** Index in `steps` before which the elided steps belong, and how many there were. */
  readonly elided?: ElidedSteps & { readonly at: number };
  /** How many events the model was built from. */
  readonly events: number;
}

/**
 * Options of {@linkcode sequenceModel} and `renderSequenceDiagram`: the
 * focus (`labels`, `after`, `fromMs`, `toMs`), the row limit, the preview
 * length and the title.
 */
export interface SequenceOptions extends FocusOptions {
  /**
   * Most rows drawn; longer traces keep the first and last half.
   *
   * @default {600}
   */
  readonly maxSteps?: number;
  /**
   * Longest text preview on a data arrow, in characters.
   *
   * @default {24}
   */
  readonly previewLength?: number;
  /**
   * Title of the SVG.
   *
   * @default {"Sequence diagram"}
   */
  readonly title?: string;
}

/**
 * Builds the plain model of a sequence diagram from recorded events: lanes,
 * arrows (after merging) and marks. See the module documentation for how
 * events become arrows.
 *
 * @example Usage
 * ```ts
 * import { sequenceModel } from "socketlab/render";
 * import type { TraceEvent } from "socketlab";
 * import { assertEquals } from "@std/assert";
 * const s = { address: "127.0.0.1", port: 8080 };
 * const c = { address: "127.0.0.1", port: 50000 };
 * const events: TraceEvent[] = [
 *   { seq: 1, time: 0, label: "client", kind: "tcp-socket", source: "event", name: "connect", local: c, remote: s },
 *   { seq: 2, time: 1, label: "client", kind: "tcp-socket", source: "call", name: "write", bytes: 5, preview: "hello", returned: true, local: c, remote: s },
 * ];
 * const model = sequenceModel(events);
 * assertEquals(model.lanes.map((l) => l.id), ["client", "127.0.0.1:8080"]);
 * assertEquals(model.arrows.map((a) => a.kind), ["connect", "data"]);
 * ```
 *
 * @param events The recorded events, in any order (they are sorted by `seq`; those of
 *   superseded objects are left out).
 * @param options Which endpoints and which window to draw (the lanes still
 *   learn addresses from earlier events), row limit, preview length.
 * @returns The model.
 */
export function sequenceModel(
  events: readonly TraceEvent[],
  options: SequenceOptions = {},
): SequenceModel {
  const { maxSteps = 600, previewLength = 24 } = options;
  checkNumber(
    maxSteps,
    "maxSteps",
    "an integer of at least 2",
    (n) => Number.isInteger(n) && n >= 2,
  );
  checkNumber(previewLength, "previewLength", "a positive integer", isPositiveInteger);
  if (!Array.isArray(events as unknown)) {
    throw new TypeError("events must be an array of TraceEvent (e.g. lab.events())");
  }
  // The lanes learn addresses from every event of the endpoints drawn, also
  // from before the window; only the events inside it become rows.
  const window = checkWindow(options, "sequenceModel()");
  const only = options.labels && new Set(checkLabels(options.labels, "sequenceModel()"));
  // An object a re-run cell superseded shares its label with the one that took it over: left out.
  const sorted = events.filter((e) => !e.superseded && (!only || hasLabel(e, only)))
    .sort((a, b) => a.seq - b.seq);
  const shown = sorted.filter((e) => inWindow(e, window));
  const lanes = new Lanes(sorted);
  const steps = new Steps(lanes, previewLength);
  const tables: Record<TraceEvent["kind"], StepTable> = {
    "tcp-socket": TCP_SOCKET,
    "tcp-server": TCP_SERVER,
    "udp-socket": udpSocket(new Sends()),
  };
  for (const e of shown) step(steps, tables[e.kind], e);
  return { lanes: lanes.ordered(), ...elide(steps.rows, maxSteps), events: shown.length };
}

/** Turns one event into rows: a failed call is a red mark; anything else follows its table. */
function step(steps: Steps, table: StepTable, e: TraceEvent): void {
  const ep = steps.lanes.endpoint(e.label);
  steps.lanes.watched(ep); // every endpoint gets its lane at its first event
  if (e.source === "call" && e.code) {
    steps.mark(e, "call-failed", `${e.name}() threw ${e.code}`, "bad");
    return;
  }
  if (ep.kind === "tcp-socket") steps.lanes.tcpPeer(ep); // and its peer, right after it
  table[e.source][e.name]?.(steps, e, ep);
}

/** Keeps the first and last rows of a long diagram and counts the rest. */
function elide(
  all: readonly SequenceStep[],
  maxSteps: number,
): Pick<SequenceModel, "steps" | "arrows" | "marks" | "elided"> {
  let steps = all;
  let elided: SequenceModel["elided"];
  if (all.length > maxSteps) {
    const head = Math.ceil(maxSteps / 2);
    const tail = maxSteps - head;
    const left = all.slice(head, all.length - tail);
    steps = [...all.slice(0, head), ...all.slice(all.length - tail)];
    const arrows = left.filter((s) => s.type === "arrow").length;
    elided = {
      at: head,
      steps: left.length,
      arrows,
      marks: left.length - arrows,
      startTime: left[0].startTime,
      endTime: left[left.length - 1].endTime,
    };
  }
  return {
    steps,
    arrows: steps.filter((s): s is SequenceArrow => s.type === "arrow"),
    marks: steps.filter((s): s is SequenceMark => s.type === "mark"),
    elided,
  };
}
