/**
 * Sequence diagrams of a recorded trace: one vertical lane per endpoint,
 * time downwards, arrows for what crossed the wire and marks for what
 * happened locally.
 *
 * {@linkcode sequenceModel} derives the plain model (lanes, arrows after
 * merging, marks); {@linkcode renderSequenceDiagram} draws it as SVG and
 * {@linkcode renderSequenceText} as plain text.
 *
 * How events become arrows:
 *
 * - connection opened: an arrow `connect` from the client's lane to the
 *   accepted socket's lane (or to the server / unwatched peer when the
 *   accepted socket is not watched), at the client's `connect` event, or at
 *   the server's `connection` event when the client is not watched;
 * - data and FIN come from the receiving end's `data` and `end` events when
 *   the receiver is watched, otherwise from the sender's `write` and `end`
 *   calls; consecutive data between the same two lanes, with nothing else
 *   on either lane in between, merge into one arrow ("37 chunks, 2.4 MB");
 * - a reset: the receiver's `error` with `ECONNRESET` or `ECONNREFUSED`, or
 *   the sender's `resetAndDestroy()` when the receiver is not watched;
 * - UDP: a datagram arrow from the sender's lane (the lane whose local port
 *   is the `rinfo` port) to each receiver; a send to a broadcast address or
 *   a multicast group is one arrow to that address's lane and one arrow from
 *   it to each receiver that got it.
 *
 * Long traces stay small: only the first and last `maxSteps / 2` steps are
 * drawn, with one line saying how many were left out in between.
 *
 * @module
 */

import type { Address, TraceEvent } from "../event.ts";
import { formatBytes } from "./event_text.ts";
import {
  ACCENT,
  escapeXml,
  formatCoordinate as c,
  formatMs,
  svgDocument,
  truncate,
} from "./svg.ts";

/**
 * What a lane stands for: a watched endpoint, an unwatched peer, or a
 * broadcast / multicast address.
 *
 * @example Usage
 * ```ts
 * import type { LaneKind } from "socketlab";
 * const k: LaneKind = "multicast";
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { SequenceLane } from "socketlab";
 * const lane: SequenceLane = { id: "client", label: "client", kind: "tcp-socket", detail: "127.0.0.1:50000" };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { ArrowKind } from "socketlab";
 * const k: ArrowKind = "fin";
 * ```
 */
export type ArrowKind = "connect" | "data" | "fin" | "reset" | "datagram";

/**
 * An arrow between two lanes, possibly standing for several merged events.
 *
 * @example Usage
 * ```ts
 * import type { SequenceArrow } from "socketlab";
 * const a: SequenceArrow = {
 *   type: "arrow", kind: "data", from: "client", to: "server#1", label: "5 B “hello”",
 *   count: 1, bytes: 5, firstSeq: 7, lastSeq: 7, startTime: 1.5, endTime: 1.5,
 * };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { MarkTone } from "socketlab";
 * const t: MarkTone = "warn";
 * ```
 */
export type MarkTone = "neutral" | "good" | "warn" | "bad";

/**
 * A local happening on one lane (listening, pause, drain, write returned
 * false, close, ...), possibly standing for several merged events.
 *
 * @example Usage
 * ```ts
 * import type { SequenceMark } from "socketlab";
 * const m: SequenceMark = {
 *   type: "mark", kind: "drain", lane: "client", label: "drain", tone: "good",
 *   count: 1, firstSeq: 9, lastSeq: 9, startTime: 3, endTime: 3,
 * };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import type { SequenceStep } from "socketlab";
 * const isArrow = (s: SequenceStep) => s.type === "arrow";
 * ```
 */
export type SequenceStep = SequenceArrow | SequenceMark;

/**
 * The steps left out of a long diagram.
 *
 * @example Usage
 * ```ts
 * import type { ElidedSteps } from "socketlab";
 * const e: ElidedSteps = { steps: 10, arrows: 8, marks: 2, startTime: 5, endTime: 90 };
 * ```
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
 *
 * @example Usage
 * ```ts
 * import { sequenceModel } from "socketlab";
 * const model = sequenceModel([]);
 * console.log(model.lanes.length, model.arrows.length, model.marks.length);
 * ```
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

/** Options of {@linkcode sequenceModel} and {@linkcode renderSequenceDiagram}. */
export interface SequenceOptions {
  /** Most rows drawn; longer traces keep the first and last half. Default 600. */
  maxSteps?: number;
  /** Longest text preview on a data arrow, in characters. Default 24. */
  previewLength?: number;
  /** Draw only the endpoints with these labels (and their peers). Default all. */
  labels?: Iterable<string>;
  /** Title of the SVG. Default "Sequence diagram". */
  title?: string;
}

interface Endpoint {
  label: string;
  kind: TraceEvent["kind"];
  parent?: string;
  local?: Address;
  remote?: Address;
  remoteFromCall?: Address;
}

type MutableArrow = { -readonly [K in keyof SequenceArrow]: SequenceArrow[K] };
type MutableMark = { -readonly [K in keyof SequenceMark]: SequenceMark[K] };

const RESET_CODES = new Set(["ECONNRESET", "ECONNREFUSED"]);

function normAddress(address: string): string {
  const a = address.toLowerCase();
  if (a === "localhost") return "127.0.0.1";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1] : a;
}

function isWildcard(address: string): boolean {
  const a = normAddress(address);
  return a === "0.0.0.0" || a === "::" || a === "";
}

function addressKey(a: Address): string {
  const n = normAddress(a.address);
  return n.includes(":") ? `[${n}]:${a.port}` : `${n}:${a.port}`;
}

function groupKind(address: string): "broadcast" | "multicast" | undefined {
  const a = normAddress(address);
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  if (v4) {
    const first = Number(v4[1]);
    if (first >= 224 && first <= 239) return "multicast";
    if (v4[4] === "255") return "broadcast";
    return undefined;
  }
  return a.startsWith("ff") ? "multicast" : undefined;
}

/**
 * Builds the plain model of a sequence diagram from recorded events: lanes,
 * arrows (after merging) and marks. See the module documentation for how
 * events become arrows.
 *
 * @example Usage
 * ```ts
 * import { sequenceModel, type TraceEvent } from "socketlab";
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
 * @param events The recorded events, in any order (they are sorted by `seq`).
 * @param options Row limit, preview length, and which endpoints to draw.
 * @returns The model.
 */
export function sequenceModel(
  events: readonly TraceEvent[],
  options: SequenceOptions = {},
): SequenceModel {
  const maxSteps = options.maxSteps ?? 600;
  if (!Number.isInteger(maxSteps) || maxSteps < 2) {
    throw new RangeError(`maxSteps must be an integer of at least 2, got ${maxSteps}`);
  }
  const previewLength = options.previewLength ?? 24;
  if (!Number.isInteger(previewLength) || previewLength < 1) {
    throw new RangeError(`previewLength must be a positive integer, got ${previewLength}`);
  }
  if (!Array.isArray(events)) {
    throw new TypeError("events must be an array of TraceEvent (e.g. lab.events)");
  }
  const only = options.labels ? new Set(options.labels) : undefined;
  const sorted = events.filter((e) => !only || only.has(e.label)).sort((a, b) => a.seq - b.seq);

  // Pass 1: what we know about each watched endpoint.
  const endpoints = new Map<string, Endpoint>();
  for (const e of sorted) {
    let ep = endpoints.get(e.label);
    if (!ep) {
      ep = { label: e.label, kind: e.kind, parent: e.parent };
      endpoints.set(e.label, ep);
    }
    if (e.local && !ep.local && !(ep.kind === "udp-socket" && e.local.port === 0)) {
      ep.local = e.local;
    }
    if (e.remote && ep.kind === "tcp-socket") {
      if (e.source === "event" && !ep.remote && e.name !== "lookup") ep.remote = e.remote;
      if (e.source === "call" && e.name === "connect" && !ep.remoteFromCall) {
        ep.remoteFromCall = e.remote;
      }
    }
  }
  const tcpByLocal = new Map<string, Endpoint>();
  const tcpByPorts = new Map<string, Endpoint>();
  const servers: Endpoint[] = [];
  const udp: Endpoint[] = [];
  for (const ep of endpoints.values()) {
    if (ep.kind === "tcp-socket" && ep.local) {
      tcpByLocal.set(addressKey(ep.local), ep);
      if (ep.remote) tcpByPorts.set(`${ep.local.port}>${ep.remote.port}`, ep);
    } else if (ep.kind === "tcp-server") servers.push(ep);
    else if (ep.kind === "udp-socket") udp.push(ep);
  }

  // Lanes, in order of first appearance; accepted sockets follow their server.
  const lanes = new Map<string, SequenceLane>();
  const lane = (id: string, make: () => SequenceLane): string => {
    if (!lanes.has(id)) lanes.set(id, make());
    return id;
  };
  const watchedLane = (ep: Endpoint): string =>
    lane(ep.label, () => ({
      id: ep.label,
      label: ep.label,
      kind: ep.kind,
      detail: ep.local ? addressKey(ep.local) : undefined,
    }));
  const addressLane = (a: Address, kind: LaneKind = "peer"): string => {
    const id = addressKey(a);
    return lane(id, () => ({
      id,
      label: id,
      kind,
      detail: kind === "peer" ? "not watched" : kind === "multicast" ? "multicast group" : kind,
    }));
  };

  const peerCache = new Map<string, string | undefined>();
  const tcpPeer = (ep: Endpoint): string | undefined => {
    if (peerCache.has(ep.label)) return peerCache.get(ep.label);
    let result: string | undefined;
    const remote = ep.remote ?? ep.remoteFromCall;
    if (remote) {
      let peer: Endpoint | undefined;
      if (ep.local && ep.remote) {
        const candidate = tcpByLocal.get(addressKey(ep.remote));
        if (
          candidate && candidate !== ep && candidate.remote &&
          addressKey(candidate.remote) === addressKey(ep.local)
        ) peer = candidate;
        peer ??= tcpByPorts.get(`${ep.remote.port}>${ep.local.port}`);
      }
      if (!peer && !ep.parent) {
        peer = servers.find((s) =>
          s.local && s.local.port === remote.port &&
          (isWildcard(s.local.address) ||
            normAddress(s.local.address) === normAddress(remote.address))
        );
      }
      result = peer ? watchedLane(peer) : addressLane(remote);
    }
    peerCache.set(ep.label, result);
    return result;
  };
  const isWatchedSocket = (id: string | undefined): boolean =>
    id !== undefined && endpoints.get(id)?.kind === "tcp-socket";
  const udpByPort = (a: Address): Endpoint[] =>
    udp.filter((u) =>
      u.local && u.local.port === a.port &&
      (isWildcard(u.local.address) || isWildcard(a.address) ||
        normAddress(u.local.address) === normAddress(a.address))
    );

  // Pass 2: steps, merging as we go.
  const steps: (MutableArrow | MutableMark)[] = [];
  const lastOnLane = new Map<string, MutableArrow | MutableMark>();
  const preview = (e: TraceEvent): string =>
    e.preview ? ` “${truncate(e.preview, previewLength)}”` : "";

  const arrow = (
    e: TraceEvent,
    kind: ArrowKind,
    from: string | undefined,
    to: string | undefined,
    label: string,
  ): void => {
    if (from === undefined || to === undefined) return;
    const bytes = kind === "data" || kind === "datagram" ? e.bytes ?? 0 : 0;
    const last = lastOnLane.get(from);
    if (
      (kind === "data" || kind === "datagram") && last && last === lastOnLane.get(to) &&
      last.type === "arrow" && last.kind === kind && last.from === from && last.to === to
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
      firstSeq: e.seq,
      lastSeq: e.seq,
      startTime: e.time,
      endTime: e.time,
    };
    steps.push(step);
    lastOnLane.set(from, step);
    lastOnLane.set(to, step);
  };

  // The label a mark had before "×N" was added: only marks that say the same thing merge.
  const markText = new WeakMap<MutableMark, string>();
  const mark = (e: TraceEvent, kind: string, label: string, tone: MarkTone): void => {
    const id = watchedLane(endpoints.get(e.label)!);
    const last = lastOnLane.get(id);
    if (
      last && last.type === "mark" && last.kind === kind && last.lane === id &&
      markText.get(last) === label
    ) {
      last.count++;
      last.lastSeq = e.seq;
      last.endTime = e.time;
      last.label = `${label} ×${last.count}`;
      return;
    }
    const step: MutableMark = {
      type: "mark",
      kind,
      lane: id,
      label,
      tone,
      count: 1,
      firstSeq: e.seq,
      lastSeq: e.seq,
      startTime: e.time,
      endTime: e.time,
    };
    markText.set(step, label);
    steps.push(step);
    lastOnLane.set(id, step);
  };

  const errorMark = (e: TraceEvent): void =>
    mark(e, "error", `error ${e.code ?? e.message ?? ""}`.trim(), "bad");

  // The latest send per sender, size and preview, to tell which of several
  // sockets sharing a port sent a datagram, and whether it went to a group.
  const lastSend = new Map<string, TraceEvent>();
  const sendKey = (label: string, e: TraceEvent) =>
    `${label}\u0000${e.bytes ?? 0}\u0000${e.preview ?? ""}`;

  for (const e of sorted) {
    const ep = endpoints.get(e.label)!;
    const self = watchedLane(ep);
    if (e.source === "call" && e.code) {
      mark(e, "call-failed", `${e.name}() threw ${e.code}`, "bad");
      continue;
    }
    if (ep.kind === "tcp-socket") {
      const peer = tcpPeer(ep);
      const peerWatched = isWatchedSocket(peer);
      if (e.source === "event") {
        switch (e.name) {
          case "connect":
            arrow(e, "connect", self, peer, "connect");
            break;
          case "data":
            arrow(e, "data", peer, self, `${formatBytes(e.bytes ?? 0)}${preview(e)}`);
            break;
          case "end":
            arrow(e, "fin", peer, self, "FIN");
            break;
          case "error":
            if (e.code && RESET_CODES.has(e.code)) arrow(e, "reset", peer, self, `RST (${e.code})`);
            else errorMark(e);
            break;
          case "close":
            if (e.hadError) mark(e, "close", "close (hadError)", "bad");
            else mark(e, "close", "close", "neutral");
            break;
          case "timeout":
            mark(e, "timeout", "timeout", "warn");
            break;
          case "drain":
            mark(e, "drain", "drain", "good");
            break;
        }
      } else {
        switch (e.name) {
          case "write":
            if (!peerWatched) {
              arrow(e, "data", self, peer, `${formatBytes(e.bytes ?? 0)}${preview(e)}`);
            }
            if (e.returned === false) mark(e, "write-false", "write() → false", "warn");
            break;
          case "end":
            if (!peerWatched) {
              if (e.bytes) arrow(e, "data", self, peer, `${formatBytes(e.bytes)}${preview(e)}`);
              arrow(e, "fin", self, peer, "FIN");
            }
            break;
          case "resetAndDestroy":
            mark(e, "resetAndDestroy", "resetAndDestroy()", "bad");
            if (!peerWatched) arrow(e, "reset", self, peer, "RST");
            break;
          case "destroy":
          case "pause":
          case "resume":
          case "setKeepAlive":
          case "setTimeout":
            mark(
              e,
              e.name,
              `${e.name}(${e.args ?? ""})`,
              e.name === "pause" ? "warn" : e.name === "resume" ? "good" : "neutral",
            );
            break;
        }
      }
    } else if (ep.kind === "tcp-server") {
      if (e.source === "event") {
        switch (e.name) {
          case "listening":
            mark(e, "listening", `listening${e.local ? ` :${e.local.port}` : ""}`, "good");
            break;
          case "connection": {
            mark(e, "connection", `connection${e.preview ? ` → ${e.preview}` : ""}`, "good");
            const child = e.preview ? endpoints.get(e.preview) : undefined;
            const childPeer = child ? tcpPeer(child) : undefined;
            if (child && e.remote && !isWatchedSocket(childPeer)) {
              arrow(
                e,
                "connect",
                childPeer ?? addressLane(e.remote),
                watchedLane(child),
                "connect",
              );
            }
            break;
          }
          case "close":
            mark(e, "close", "close", "neutral");
            break;
          case "error":
            errorMark(e);
            break;
          case "drop":
            mark(e, "drop", "drop (maxConnections)", "bad");
            break;
        }
      } else if (e.name === "close") {
        mark(e, "close()", "close(): stop accepting", "neutral");
      }
    } else if (ep.kind === "udp-socket") {
      if (e.source === "event") {
        switch (e.name) {
          case "listening":
            mark(e, "listening", `listening${e.local ? ` :${e.local.port}` : ""}`, "good");
            break;
          case "message": {
            if (!e.remote) break;
            // Several sockets may share the port (multicast receivers): prefer the
            // one whose latest send of this size and preview is the most recent.
            let sender: Endpoint | undefined;
            let send: TraceEvent | undefined;
            for (const u of udpByPort(e.remote)) {
              const s = lastSend.get(sendKey(u.label, e));
              const fits = s && (s.preview === undefined || e.preview === undefined ||
                s.preview === e.preview);
              if (!sender || (fits && (!send || s.seq > send.seq))) {
                sender = u;
                send = fits ? s : undefined;
              }
            }
            let from: string;
            if (sender) {
              const gk = send?.remote ? groupKind(send.remote.address) : undefined;
              from = send?.remote && gk ? addressLane(send.remote, gk) : watchedLane(sender);
            } else from = addressLane(e.remote);
            arrow(e, "datagram", from, self, `${formatBytes(e.bytes ?? 0)}${preview(e)}`);
            break;
          }
          case "sent":
            if (e.code) mark(e, "sent", `send failed ${e.code}`, "bad");
            break;
          case "connect":
            mark(e, "connect", `connect${e.remote ? ` → ${addressKey(e.remote)}` : ""}`, "good");
            break;
          case "close":
            mark(e, "close", "close", "neutral");
            break;
          case "error":
            errorMark(e);
            break;
        }
      } else {
        switch (e.name) {
          case "send": {
            const target = e.remote;
            if (!target) break;
            lastSend.set(sendKey(e.label, e), e);
            const gk = groupKind(target.address);
            const label = `${formatBytes(e.bytes ?? 0)}${preview(e)}`;
            if (gk) arrow(e, "datagram", self, addressLane(target, gk), label);
            else if (udpByPort(target).length === 0) {
              arrow(e, "datagram", self, addressLane(target), label);
            }
            break;
          }
          case "addMembership":
          case "dropMembership":
          case "setBroadcast":
            mark(e, e.name, `${e.name}(${e.args ?? ""})`, "neutral");
            break;
        }
      }
    }
  }

  // Order lanes: first appearance, accepted sockets right after their server.
  const ordered: SequenceLane[] = [];
  const placed = new Set<string>();
  const children = (id: string) =>
    [...lanes.values()].filter((l) => endpoints.get(l.id)?.parent === id);
  const place = (l: SequenceLane) => {
    if (placed.has(l.id)) return;
    placed.add(l.id);
    ordered.push(l);
    for (const child of children(l.id)) place(child);
  };
  for (const l of lanes.values()) {
    const parent = endpoints.get(l.id)?.parent;
    if (parent && lanes.has(parent) && !placed.has(parent)) continue;
    place(l);
  }
  for (const l of lanes.values()) place(l);

  let shown: SequenceStep[] = steps;
  let elided: SequenceModel["elided"];
  if (steps.length > maxSteps) {
    const head = Math.ceil(maxSteps / 2);
    const tail = maxSteps - head;
    const left = steps.slice(head, steps.length - tail);
    shown = [...steps.slice(0, head), ...steps.slice(steps.length - tail)];
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
    lanes: ordered,
    steps: shown,
    arrows: shown.filter((s): s is SequenceArrow => s.type === "arrow"),
    marks: shown.filter((s): s is SequenceMark => s.type === "mark"),
    elided,
    events: sorted.length,
  };
}

const LANE_WIDTH = 170;
const GUTTER = 62;
const HEADER = 52;
const ROW = 22;

const STYLE = `.sl-seq text{fill:currentColor;stroke:none}` +
  `.sl-seq .lane rect{fill:none;stroke:currentColor}` +
  `.sl-seq .lane.peer rect{stroke-dasharray:4 3}` +
  `.sl-seq .lane.multicast rect,.sl-seq .lane.broadcast rect{stroke:${ACCENT.purple}}` +
  `.sl-seq .life{stroke:currentColor;stroke-opacity:.35;stroke-dasharray:3 4}` +
  `.sl-seq .d{font-size:10px;opacity:.75}.sl-seq .t{font-size:10px;opacity:.7}` +
  `.sl-seq .arrow path{stroke-width:1.5}` +
  `.sl-seq .data{stroke:${ACCENT.blue};fill:${ACCENT.blue}}` +
  `.sl-seq .datagram{stroke:${ACCENT.blue};fill:${ACCENT.blue};stroke-dasharray:6 3}` +
  `.sl-seq .connect{stroke:${ACCENT.green};fill:${ACCENT.green}}` +
  `.sl-seq .fin{stroke:${ACCENT.orange};fill:${ACCENT.orange}}` +
  `.sl-seq .reset{stroke:${ACCENT.red};fill:${ACCENT.red}}` +
  `.sl-seq .mark{stroke:currentColor;fill:currentColor}` +
  `.sl-seq .mark.good{stroke:${ACCENT.green};fill:${ACCENT.green}}` +
  `.sl-seq .mark.warn{stroke:${ACCENT.orange};fill:${ACCENT.orange}}` +
  `.sl-seq .mark.bad{stroke:${ACCENT.red};fill:${ACCENT.red}}` +
  `.sl-seq .arrow text,.sl-seq .mark text{font-size:11px}` +
  `.sl-seq .elided text{font-style:italic}`;

/**
 * Draws a sequence diagram of recorded events as an SVG string: lanes with
 * their names and addresses, one row per arrow or mark, the time of each
 * row in the left margin. Every arrow is a `<g class="arrow KIND">` and
 * every mark a `<g class="mark TONE">`, so a page can count them.
 *
 * @example Usage
 * ```ts
 * import { renderSequenceDiagram } from "socketlab";
 * import { assert } from "@std/assert";
 * const svg = renderSequenceDiagram([
 *   { seq: 1, time: 0, label: "server", kind: "tcp-server", source: "event", name: "listening",
 *     local: { address: "127.0.0.1", port: 8080 } },
 * ]);
 * assert(svg.includes('class="mark good"'));
 * ```
 *
 * @param events The recorded events, or a model from {@linkcode sequenceModel}.
 * @param options Row limit, preview length, endpoints, title.
 * @returns The SVG document.
 */
export function renderSequenceDiagram(
  events: readonly TraceEvent[] | SequenceModel,
  options: SequenceOptions = {},
): string {
  const model = Array.isArray(events)
    ? sequenceModel(events as readonly TraceEvent[], options)
    : events as SequenceModel;
  const x = new Map<string, number>();
  model.lanes.forEach((l, i) => x.set(l.id, GUTTER + LANE_WIDTH * i + LANE_WIDTH / 2));
  const rows = model.steps.length + (model.elided ? 1 : 0);
  const width = GUTTER + LANE_WIDTH * Math.max(1, model.lanes.length) + 10;
  const height = HEADER + ROW * Math.max(1, rows) + 16;
  const parts: string[] = [];
  for (const l of model.lanes) {
    const lx = x.get(l.id)!;
    parts.push(
      `<g class="lane ${l.kind}"><rect x="${c(lx - 76)}" y="4" width="152" height="36" rx="4"/>` +
        `<text x="${c(lx)}" y="19" text-anchor="middle" font-weight="bold">${
          escapeXml(truncate(l.label, 22))
        }</text>` +
        (l.detail
          ? `<text class="d" x="${c(lx)}" y="33" text-anchor="middle">${
            escapeXml(truncate(l.detail, 28))
          }</text>`
          : "") +
        `</g><path class="life" d="M${c(lx)} 40V${height - 8}"/>`,
    );
  }
  if (model.steps.length === 0) {
    parts.push(
      `<text x="${GUTTER}" y="${HEADER + 14}">${
        model.events === 0 ? "no events recorded yet" : "no arrows or marks to draw"
      }</text>`,
    );
  }
  let row = 0;
  let lastTime = "";
  const rowY = () => HEADER + ROW * row + 15;
  model.steps.forEach((step, i) => {
    if (model.elided && i === model.elided.at) {
      const e = model.elided;
      parts.push(
        `<g class="elided"><text x="${c(width / 2)}" y="${rowY()}" text-anchor="middle">` +
          `⋯ ${e.steps.toLocaleString("en-US")} more rows (${e.arrows} arrows, ${e.marks} marks) ` +
          `from ${formatMs(e.startTime)} to ${formatMs(e.endTime)} not drawn ⋯</text></g>`,
      );
      row++;
    }
    const y = rowY();
    const time = formatMs(step.startTime);
    if (time !== lastTime) {
      parts.push(`<text class="t" x="4" y="${y}">${time}</text>`);
      lastTime = time;
    }
    if (step.type === "arrow") {
      const x1 = x.get(step.from)!;
      const x2 = x.get(step.to)!;
      const label = escapeXml(step.label);
      if (x1 === x2) {
        parts.push(
          `<g class="arrow ${step.kind}"><path fill="none" d="M${c(x1)} ${y - 6}h30v10h-26"/>` +
            `<path d="M${c(x1 + 1)} ${y + 4}l7 -4v8z"/>` +
            `<text x="${c(x1 + 36)}" y="${y + 3}">${label}</text></g>`,
        );
      } else {
        const dir = x2 > x1 ? 1 : -1;
        const tip = x2 - dir * 2;
        parts.push(
          `<g class="arrow ${step.kind}"><path d="M${c(x1)} ${y}H${c(tip - dir * 7)}M${
            c(tip)
          } ${y}` +
            `l${-dir * 8} -4v8z"/><text x="${c((x1 + x2) / 2)}" y="${
              y - 4
            }" text-anchor="middle">` +
            `${label}</text></g>`,
        );
      }
    } else {
      const mx = x.get(step.lane)!;
      parts.push(
        `<g class="mark ${step.tone}"><rect x="${c(mx - 4)}" y="${y - 4}" width="8" height="8" ` +
          `transform="rotate(45 ${c(mx)} ${y})"/><text x="${c(mx + 9)}" y="${y + 4}">${
            escapeXml(truncate(step.label, 30))
          }</text></g>`,
      );
    }
    row++;
  });
  return svgDocument({
    width,
    height,
    title: options.title ?? "Sequence diagram",
    className: "sl-seq",
    style: STYLE,
    body: parts.join(""),
  });
}

/**
 * Writes a sequence diagram as plain text, one line per arrow or mark,
 * for `text/plain` output.
 *
 * @example Usage
 * ```ts
 * import { renderSequenceText } from "socketlab";
 * import { assertStringIncludes } from "@std/assert";
 * const text = renderSequenceText([
 *   { seq: 1, time: 0, label: "server", kind: "tcp-server", source: "event", name: "listening",
 *     local: { address: "127.0.0.1", port: 8080 } },
 * ]);
 * assertStringIncludes(text, "server: listening :8080");
 * ```
 *
 * @param events The recorded events, or a model from {@linkcode sequenceModel}.
 * @param options Row limit, preview length, endpoints.
 * @returns The text.
 */
export function renderSequenceText(
  events: readonly TraceEvent[] | SequenceModel,
  options: SequenceOptions = {},
): string {
  const model = Array.isArray(events)
    ? sequenceModel(events as readonly TraceEvent[], options)
    : events as SequenceModel;
  if (model.steps.length === 0) {
    return model.events === 0 ? "(no events recorded yet)" : "(no arrows or marks to draw)";
  }
  const lines: string[] = [];
  model.steps.forEach((step, i) => {
    if (model.elided && i === model.elided.at) {
      lines.push(`  ⋯ ${model.elided.steps} more rows not shown ⋯`);
    }
    const time = formatMs(step.startTime).padStart(9);
    lines.push(
      step.type === "arrow"
        ? `${time}  ${step.from} → ${step.to}: ${step.label}`
        : `${time}  ${step.lane}: ${step.label}`,
    );
  });
  return lines.join("\n");
}
