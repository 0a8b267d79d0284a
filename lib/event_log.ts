/**
 * A bounded, ordered log of {@linkcode TraceEvent}s, stored by column.
 *
 * Watching a busy socket records tens of thousands of events a second. Kept
 * as objects, every one of them would be copied by the garbage collector
 * until it is old enough, which is most of what watching would cost. So the
 * log keeps numbers in typed arrays, names and labels as small integers, the
 * first {@linkcode PREVIEW_BYTES} bytes of each payload in one byte array,
 * and builds `TraceEvent` objects only when they are read.
 *
 * @module
 */

import type { Address, EndpointKind, EventSource, TraceEvent } from "./event.ts";
import { EventDraft } from "./event_draft.ts";
import { bytesPreview, PREVIEW_BYTES, textPreview } from "./preview.ts";

/** The number of events a trace keeps by default. */
export const DEFAULT_MAX_EVENTS = 100_000;

// Numbers, 8 per slot.
const F = 8;
const F_SEQ = 0;
const F_TIME = 1;
const F_BYTES = 2;
const F_READ = 3;
const F_WRITTEN = 4;
const F_QUEUED = 5;
const F_CONNECTIONS = 6;
const F_RETURNED = 7;
// Small integers, 3 per slot: endpoint id, name id (× 2, + 1 for a call), flags.
const I = 3;
const I_ENDPOINT = 0;
const I_NAME = 1;
const I_FLAGS = 2;
// References, 3 per slot: local address, remote address, rare fields.
const R = 3;
const R_LOCAL = 0;
const R_REMOTE = 1;
const R_EXTRA = 2;

// Flags.
const PREVIEW_LENGTH = 0x3f; // bytes kept in the preview column
const PREVIEW_MORE = 0x40; // the payload was longer
const PREVIEW_IN_BYTES = 0x80; // the preview is in the byte column
const RETURNED_SHIFT = 8; // 3 bits: RETURNED_*
const RETURNED_MASK = 0x7 << RETURNED_SHIFT;
const RETURNED_FALSE = 1;
const RETURNED_TRUE = 2;
const RETURNED_NULL = 3;
const RETURNED_NUMBER = 4;
const RETURNED_STRING = 5;
const HAD_ERROR_SHIFT = 11; // 2 bits: 0 absent, 1 false, 2 true
const HAD_ERROR_MASK = 0x3 << HAD_ERROR_SHIFT;

/** The fields that are rarely present, kept as one object per event that has any. */
interface Extra {
  preview?: string;
  returned?: string;
  code?: string;
  message?: string;
  args?: string;
}

interface EndpointEntry {
  readonly label: string;
  readonly kind: EndpointKind;
  readonly parent: string | undefined;
}

/**
 * A ring buffer of events: it keeps the newest `maxEvents` and counts the
 * ones it dropped, so a long transfer cannot exhaust memory. Events go in as
 * {@linkcode TraceEvent}s ({@linkcode EventLog.push}) or, from the recorder,
 * as a reused {@linkcode EventDraft} ({@linkcode EventLog.append}); they come
 * out as new `TraceEvent` objects.
 *
 * @example Usage
 * ```ts
 * import { EventLog } from "socketlab";
 * import { assertEquals } from "@std/assert";
 * const log = new EventLog({ maxEvents: 2 });
 * for (const [i, name] of ["connect", "data", "end"].entries()) {
 *   log.push({ seq: i + 1, time: 0, label: "client", kind: "tcp-socket", source: "event", name });
 * }
 * assertEquals(log.toArray().map((e) => e.name), ["data", "end"]);
 * assertEquals(log.dropped, 1);
 * ```
 */
export class EventLog {
  /** The most events kept. */
  readonly maxEvents: number;
  #capacity = 0;
  #count = 0;
  #start = 0;
  #dropped = 0;
  #numbers = new Float64Array(0);
  #ints = new Int32Array(0);
  #refs: unknown[] = [];
  #previews = new Uint8Array(0);
  #endpoints: EndpointEntry[] = [];
  #endpointIds = new Map<string, number>();
  #names: string[] = [];
  #nameIds = new Map<string, number>();

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
    return this.#count;
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
    this.append(EventDraft.from(event), event.seq, event.time);
  }

  /**
   * Appends the record a draft holds, dropping the oldest when full. The
   * draft is copied (at most {@linkcode PREVIEW_BYTES} bytes of its
   * payload), so the caller may reuse it at once.
   *
   * @example Usage
   * ```ts
   * import { EventDraft, EventLog } from "socketlab";
   * const log = new EventLog();
   * const draft = new EventDraft({ label: "server", kind: "tcp-server" });
   * log.append(draft.begin("event", "listening"), 1, 0.5);
   * console.log(log.get(1)?.name); // "listening"
   * ```
   *
   * @param draft The record.
   * @param seq Its sequence number (increasing from one record to the next).
   * @param time Its time in milliseconds.
   */
  append(draft: EventDraft, seq: number, time: number): void {
    const slot = this.#nextSlot();
    const f = slot * F;
    const numbers = this.#numbers;
    numbers[f + F_SEQ] = seq;
    numbers[f + F_TIME] = time;
    numbers[f + F_BYTES] = draft.bytes;
    const i = slot * I;
    const ints = this.#ints;
    if (draft.endpointLog !== this) {
      draft.endpoint = this.#endpointId(draft);
      draft.endpointLog = this;
    }
    ints[i + I_ENDPOINT] = draft.endpoint;
    ints[i + I_NAME] = this.#nameId(draft.name) * 2 + (draft.source === "call" ? 1 : 0);
    let flags = 0;
    let extra: Extra | undefined;
    if (draft.preview !== undefined) {
      extra = { preview: draft.preview };
    } else if (draft.payload !== undefined) {
      let payload = draft.payload;
      if (Array.isArray(payload)) payload = payload[0];
      if (payload instanceof Uint8Array) {
        const n = payload.byteLength < PREVIEW_BYTES ? payload.byteLength : PREVIEW_BYTES;
        const previews = this.#previews;
        const at = slot * PREVIEW_BYTES;
        for (let k = 0; k < n; k++) previews[at + k] = payload[k];
        flags = n | PREVIEW_IN_BYTES | (payload.byteLength > PREVIEW_BYTES ? PREVIEW_MORE : 0);
      } else if (typeof payload === "string") {
        extra = { preview: textPreview(payload) };
      }
    }
    if (draft.args !== undefined) (extra ??= {}).args = draft.args;
    const r = slot * R;
    this.#refs[r + R_LOCAL] = draft.local;
    this.#refs[r + R_REMOTE] = draft.remote;
    this.#refs[r + R_EXTRA] = extra;
    ints[i + I_FLAGS] = flags;
    this.#setResult(slot, draft);
  }

  /**
   * Completes a kept record with what a draft now holds: a call's result
   * (`returned`, `code`, `message`, counters) and any address it did not have.
   *
   * @example Usage
   * ```ts
   * import { EventDraft, EventLog } from "socketlab";
   * const log = new EventLog();
   * const draft = new EventDraft({ label: "client", kind: "tcp-socket" });
   * log.append(draft.begin("call", "write"), 1, 0);
   * draft.clearResult().returned = false;
   * log.amend(1, draft);
   * console.log(log.get(1)?.returned); // false
   * ```
   *
   * @param seq The record's sequence number.
   * @param draft Holds the result.
   * @returns Whether the record was still kept.
   */
  amend(seq: number, draft: EventDraft): boolean {
    const slot = this.#slotOf(seq);
    if (slot === -1) return false;
    const r = slot * R;
    if (draft.local !== undefined) this.#refs[r + R_LOCAL] = draft.local;
    if (draft.remote !== undefined) this.#refs[r + R_REMOTE] = draft.remote;
    this.#setResult(slot, draft);
    return true;
  }

  #setResult(slot: number, draft: EventDraft): void {
    const f = slot * F;
    const numbers = this.#numbers;
    numbers[f + F_READ] = draft.bytesRead;
    numbers[f + F_WRITTEN] = draft.bytesWritten;
    numbers[f + F_QUEUED] = draft.writableLength;
    numbers[f + F_CONNECTIONS] = draft.connections;
    const i = slot * I + I_FLAGS;
    let flags = this.#ints[i] & ~(RETURNED_MASK | HAD_ERROR_MASK);
    const returned = draft.returned;
    let extra = this.#refs[slot * R + R_EXTRA] as Extra | undefined;
    if (returned !== undefined) {
      let kind = RETURNED_NULL;
      if (returned === true) kind = RETURNED_TRUE;
      else if (returned === false) kind = RETURNED_FALSE;
      else if (typeof returned === "number") {
        kind = RETURNED_NUMBER;
        numbers[f + F_RETURNED] = returned;
      } else if (typeof returned === "string") {
        kind = RETURNED_STRING;
        extra = { ...extra, returned };
      }
      flags |= kind << RETURNED_SHIFT;
    }
    if (draft.hadError !== undefined) flags |= (draft.hadError ? 2 : 1) << HAD_ERROR_SHIFT;
    if (draft.code !== undefined || draft.message !== undefined) {
      extra = { ...extra };
      if (draft.code !== undefined) extra.code = draft.code;
      if (draft.message !== undefined) extra.message = draft.message;
    }
    this.#refs[slot * R + R_EXTRA] = extra;
    this.#ints[i] = flags;
  }

  /**
   * The kept event with this sequence number, as a new object.
   *
   * @example Usage
   * ```ts
   * import { EventLog } from "socketlab";
   * const log = new EventLog();
   * log.push({ seq: 7, time: 1, label: "udp", kind: "udp-socket", source: "event", name: "close" });
   * console.log(log.get(7)?.name, log.get(8)); // "close" undefined
   * ```
   *
   * @param seq A sequence number.
   * @returns The event, or `undefined` if it is not (or no longer) kept.
   */
  get(seq: number): TraceEvent | undefined {
    const slot = this.#slotOf(seq);
    return slot === -1 ? undefined : this.#event(slot);
  }

  /**
   * The kept events, oldest first, as a new array.
   *
   * @returns New event objects.
   */
  toArray(): TraceEvent[] {
    const events: TraceEvent[] = new Array(this.#count);
    for (let k = 0; k < this.#count; k++) events[k] = this.#event(this.#slotAt(k));
    return events;
  }

  /**
   * Visits kept events from newest to oldest until `visit` returns `false`.
   *
   * @param visit Called per event; return `false` to stop.
   */
  visitNewestFirst(visit: (event: TraceEvent) => boolean | void): void {
    for (let k = this.#count - 1; k >= 0; k--) {
      if (visit(this.#event(this.#slotAt(k))) === false) return;
    }
  }

  /** Forgets every event (and gives their memory back). */
  clear(): void {
    this.#capacity = 0;
    this.#count = 0;
    this.#start = 0;
    this.#dropped = 0;
    this.#numbers = new Float64Array(0);
    this.#ints = new Int32Array(0);
    this.#refs = [];
    this.#previews = new Uint8Array(0);
  }

  /** The slot of the k-th kept event, oldest first. */
  #slotAt(k: number): number {
    const n = this.#start + k;
    return n < this.#count ? n : n - this.#count;
  }

  #nextSlot(): number {
    if (this.#count < this.maxEvents) {
      if (this.#capacity === 0) this.#grow();
      const slot = this.#count++;
      this.#refs.push(undefined, undefined, undefined);
      return slot;
    }
    const slot = this.#start;
    this.#start = slot + 1 === this.#count ? 0 : slot + 1;
    this.#dropped++;
    return slot;
  }

  /**
   * Allocates the columns. The typed arrays are sized for `maxEvents` at
   * once: the OS maps their pages when first written, so an unused tail
   * costs no memory, and nothing is ever copied. Only the references grow.
   */
  #grow(): void {
    if (this.#capacity === 0) {
      const max = this.maxEvents;
      this.#numbers = new Float64Array(max * F);
      this.#ints = new Int32Array(max * I);
      this.#previews = new Uint8Array(max * PREVIEW_BYTES);
      this.#capacity = max;
    }
  }

  #slotOf(seq: number): number {
    if (this.#count === 0) return -1;
    // Records are appended in sequence, so the slot follows from the newest one's.
    const newest = this.#slotAt(this.#count - 1);
    const back = this.#numbers[newest * F + F_SEQ] - seq;
    if (back >= 0 && back < this.#count && Number.isInteger(back)) {
      const slot = this.#slotAt(this.#count - 1 - back);
      if (this.#numbers[slot * F + F_SEQ] === seq) return slot;
    }
    for (let k = this.#count - 1; k >= 0; k--) { // sequence numbers with gaps (push)
      const slot = this.#slotAt(k);
      if (this.#numbers[slot * F + F_SEQ] === seq) return slot;
    }
    return -1;
  }

  #endpointId(draft: EventDraft): number {
    const key = draft.label;
    let id = this.#endpointIds.get(key);
    const entry = id === undefined ? undefined : this.#endpoints[id];
    if (entry !== undefined && entry.kind === draft.kind && entry.parent === draft.parent) {
      return id!;
    }
    // A new label, or one reused for another kind of endpoint.
    const full = `${draft.label}\u0000${draft.kind}\u0000${draft.parent ?? ""}`;
    id = this.#endpointIds.get(full);
    if (id !== undefined) return id;
    id = this.#endpoints.length;
    this.#endpoints.push({ label: draft.label, kind: draft.kind, parent: draft.parent });
    if (entry === undefined) this.#endpointIds.set(key, id);
    this.#endpointIds.set(full, id);
    return id;
  }

  #nameId(name: string): number {
    let id = this.#nameIds.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#names.push(name);
      this.#nameIds.set(name, id);
    }
    return id;
  }

  #event(slot: number): TraceEvent {
    const f = slot * F;
    const i = slot * I;
    const r = slot * R;
    const numbers = this.#numbers;
    const endpoint = this.#endpoints[this.#ints[i + I_ENDPOINT]];
    const nameWord = this.#ints[i + I_NAME];
    const flags = this.#ints[i + I_FLAGS];
    const extra = this.#refs[r + R_EXTRA] as Extra | undefined;
    const e: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
      seq: numbers[f + F_SEQ],
      time: numbers[f + F_TIME],
      label: endpoint.label,
      kind: endpoint.kind,
      source: (nameWord & 1 ? "call" : "event") as EventSource,
      name: this.#names[nameWord >> 1],
    };
    if (endpoint.parent !== undefined) e.parent = endpoint.parent;
    const local = this.#refs[r + R_LOCAL] as Address | undefined;
    if (local !== undefined) e.local = local;
    const remote = this.#refs[r + R_REMOTE] as Address | undefined;
    if (remote !== undefined) e.remote = remote;
    const bytes = numbers[f + F_BYTES];
    if (bytes === bytes) e.bytes = bytes;
    if (flags & PREVIEW_IN_BYTES) {
      e.preview = bytesPreview(this.#previews, slot * PREVIEW_BYTES, flags & PREVIEW_LENGTH, {
        more: (flags & PREVIEW_MORE) !== 0,
      });
    } else if (extra?.preview !== undefined) {
      e.preview = extra.preview;
    }
    switch ((flags & RETURNED_MASK) >> RETURNED_SHIFT) {
      case RETURNED_FALSE:
        e.returned = false;
        break;
      case RETURNED_TRUE:
        e.returned = true;
        break;
      case RETURNED_NULL:
        e.returned = null;
        break;
      case RETURNED_NUMBER:
        e.returned = numbers[f + F_RETURNED];
        break;
      case RETURNED_STRING:
        e.returned = extra?.returned;
        break;
    }
    const hadError = (flags & HAD_ERROR_MASK) >> HAD_ERROR_SHIFT;
    if (hadError !== 0) e.hadError = hadError === 2;
    if (extra?.code !== undefined) e.code = extra.code;
    if (extra?.message !== undefined) e.message = extra.message;
    const read = numbers[f + F_READ];
    const written = numbers[f + F_WRITTEN];
    const queued = numbers[f + F_QUEUED];
    const connections = numbers[f + F_CONNECTIONS];
    if (read === read || written === written || queued === queued || connections === connections) {
      const counters: { bytesRead?: number; bytesWritten?: number; writableLength?: number } & {
        connections?: number;
      } = {};
      if (read === read) counters.bytesRead = read;
      if (written === written) counters.bytesWritten = written;
      if (queued === queued) counters.writableLength = queued;
      if (connections === connections) counters.connections = connections;
      e.counters = counters;
    }
    if (extra?.args !== undefined) e.args = extra.args;
    return e;
  }
}
