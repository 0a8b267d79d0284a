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

import type { EventSource, TraceEvent } from "./event.ts";
import { Contexts } from "./_contexts.ts";
import { EventDraft } from "./_event_draft.ts";
import { bytesPreview, PREVIEW_BYTES, textPreview } from "./_preview.ts";
import { checkNumber, isPositiveInteger } from "../_validate.ts";

/** The number of events a trace keeps by default. */
export const DEFAULT_MAX_EVENTS = 100_000;

/** Slots allocated at first; the columns double as needed up to `maxEvents`. */
const INITIAL_CAPACITY = 4096;

// Numbers, 6 per slot.
const F = 6;
const F_SEQ = 0;
const F_TIME = 1;
const F_BYTES = 2;
const F_READ = 3;
const F_WRITTEN = 4;
const F_QUEUED = 5; // writableLength of a socket, or connections of a server (FLAG_CONNECTIONS)
// Small integers, 3 per slot.
const I = 3;
const I_CONTEXT = 0; // endpoint and addresses
const I_NAME = 1; // name id × 2, + 1 for a call
const I_FLAGS = 2;

// Flags.
const PREVIEW_LENGTH = 0x3f; // bytes kept in the preview column
const PREVIEW_MORE = 0x40; // the payload was longer
const PREVIEW_IN_BYTES = 0x80; // the preview is in the byte column
const RETURNED_SHIFT = 8; // 3 bits: RETURNED_*
const RETURNED_MASK = 0x7 << RETURNED_SHIFT;
const RETURNED_FALSE = 1;
const RETURNED_TRUE = 2;
const RETURNED_NULL = 3;
const RETURNED_OTHER = 4; // a number or string, in the extras
const HAD_ERROR_SHIFT = 11; // 2 bits: 0 absent, 1 false, 2 true
const HAD_ERROR_MASK = 0x3 << HAD_ERROR_SHIFT;
const FLAG_CONNECTIONS = 1 << 13;
const FLAG_EXTRA = 1 << 14; // the slot has an entry in the extras

/** The fields that are rarely present, kept for the events that have any. */
interface Extra {
  preview?: string;
  returned?: string | number;
  code?: string;
  message?: string;
  hint?: string;
  args?: string;
}

/** Options of {@linkcode EventLog}. */
export interface EventLogOptions {
  /**
   * How many events to keep (a positive integer); older ones are dropped and counted.
   *
   * @default {100_000}
   */
  readonly maxEvents?: number;
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
 * import { EventLog } from "./_event_log.ts";
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
  #previews = new Uint8Array(0);
  #extras = new Map<number, Extra>();
  #contexts = new Contexts();
  #names: string[] = [];
  #nameIds = new Map<string, number>();

  /**
   * Makes an empty log.
   *
   * @param options How many events to keep.
   */
  constructor(options: EventLogOptions = {}) {
    const max = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    checkNumber(max, "maxEvents", "a positive integer", isPositiveInteger);
    this.maxEvents = max;
  }

  /**
   * Marks the events of a watched object as superseded (see
   * {@linkcode TraceEvent.superseded}), those kept and those to come.
   *
   * @param instance The object's instance number.
   */
  supersede(instance: number): void {
    this.#contexts.supersede(instance);
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
   * import { EventDraft } from "./_event_draft.ts";
   * import { EventLog } from "./_event_log.ts";
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
    const reused = this.#count === this.maxEvents;
    const slot = this.#nextSlot();
    const f = slot * F;
    const numbers = this.#numbers;
    numbers[f + F_SEQ] = seq;
    numbers[f + F_TIME] = time;
    numbers[f + F_BYTES] = draft.bytes;
    const i = slot * I;
    const ints = this.#ints;
    const context = this.#contexts.idOf(draft);
    this.#contexts.retain(context);
    if (reused) this.#contexts.release(ints[i + I_CONTEXT]);
    ints[i + I_CONTEXT] = context;
    ints[i + I_NAME] = this.#nameId(draft.name) * 2 + (draft.source === "call" ? 1 : 0);
    if (ints[i + I_FLAGS] & FLAG_EXTRA) this.#extras.delete(slot);
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
    if (extra !== undefined) {
      this.#extras.set(slot, extra);
      flags |= FLAG_EXTRA;
    }
    ints[i + I_FLAGS] = flags;
    this.#setResult(slot, draft);
  }

  /**
   * Completes a kept record with what a draft now holds: a call's result
   * (`returned`, `code`, `message`, counters) and any address it did not have.
   *
   * @example Usage
   * ```ts
   * import { EventDraft } from "./_event_draft.ts";
   * import { EventLog } from "./_event_log.ts";
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
    const i = slot * I + I_CONTEXT;
    const had = this.#contexts.get(this.#ints[i]);
    if (
      (draft.local !== undefined && draft.local !== had.local) ||
      (draft.remote !== undefined && draft.remote !== had.remote)
    ) {
      const id = this.#contexts.withAddresses(
        had,
        draft.local ?? had.local,
        draft.remote ?? had.remote,
      );
      this.#contexts.retain(id);
      this.#contexts.release(this.#ints[i]);
      this.#ints[i] = id;
    }
    this.#setResult(slot, draft);
    return true;
  }

  #setResult(slot: number, draft: EventDraft): void {
    const f = slot * F;
    const numbers = this.#numbers;
    numbers[f + F_READ] = draft.bytesRead;
    numbers[f + F_WRITTEN] = draft.bytesWritten;
    const i = slot * I + I_FLAGS;
    let flags = this.#ints[i] & ~(RETURNED_MASK | HAD_ERROR_MASK | FLAG_CONNECTIONS);
    if (draft.connections === draft.connections) {
      numbers[f + F_QUEUED] = draft.connections;
      flags |= FLAG_CONNECTIONS;
    } else {
      numbers[f + F_QUEUED] = draft.writableLength;
    }
    const returned = draft.returned;
    if (returned === true) flags |= RETURNED_TRUE << RETURNED_SHIFT;
    else if (returned === false) flags |= RETURNED_FALSE << RETURNED_SHIFT;
    else if (returned === null) flags |= RETURNED_NULL << RETURNED_SHIFT;
    else if (returned !== undefined) {
      flags |= (RETURNED_OTHER << RETURNED_SHIFT) | FLAG_EXTRA;
      this.#extraOf(slot).returned = returned;
    }
    if (draft.hadError !== undefined) flags |= (draft.hadError ? 2 : 1) << HAD_ERROR_SHIFT;
    if (draft.code !== undefined || draft.message !== undefined || draft.hint !== undefined) {
      const extra = this.#extraOf(slot);
      if (draft.code !== undefined) extra.code = draft.code;
      if (draft.message !== undefined) extra.message = draft.message;
      if (draft.hint !== undefined) extra.hint = draft.hint;
      flags |= FLAG_EXTRA;
    }
    this.#ints[i] = flags;
  }

  #extraOf(slot: number): Extra {
    let extra = this.#extras.get(slot);
    if (extra === undefined) this.#extras.set(slot, extra = {});
    return extra;
  }

  /**
   * The kept event with this sequence number, as a new object.
   *
   * @example Usage
   * ```ts
   * import { EventLog } from "./_event_log.ts";
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

  /** The slot of the k-th kept event, oldest first. */
  #slotAt(k: number): number {
    const n = this.#start + k;
    return n < this.#count ? n : n - this.#count;
  }

  #nextSlot(): number {
    if (this.#count < this.maxEvents) {
      if (this.#count === this.#capacity) this.#grow();
      return this.#count++;
    }
    const slot = this.#start;
    this.#start = slot + 1 === this.#count ? 0 : slot + 1;
    this.#dropped++;
    return slot;
  }

  /** Doubles the columns (up to `maxEvents` slots). */
  #grow(): void {
    const capacity = Math.min(this.maxEvents, Math.max(INITIAL_CAPACITY, this.#capacity * 2));
    const numbers = new Float64Array(capacity * F);
    numbers.set(this.#numbers);
    const ints = new Int32Array(capacity * I);
    ints.set(this.#ints);
    const previews = new Uint8Array(capacity * PREVIEW_BYTES);
    previews.set(this.#previews);
    this.#numbers = numbers;
    this.#ints = ints;
    this.#previews = previews;
    this.#capacity = capacity;
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
    const numbers = this.#numbers;
    const context = this.#contexts.get(this.#ints[i + I_CONTEXT]);
    const nameWord = this.#ints[i + I_NAME];
    const flags = this.#ints[i + I_FLAGS];
    const extra = flags & FLAG_EXTRA ? this.#extras.get(slot) : undefined;
    const e: { -readonly [K in keyof TraceEvent]: TraceEvent[K] } = {
      seq: numbers[f + F_SEQ],
      time: numbers[f + F_TIME],
      label: context.label,
      kind: context.kind,
      source: (nameWord & 1 ? "call" : "event") as EventSource,
      name: this.#names[nameWord >> 1],
    };
    if (context.parent !== undefined) e.parent = context.parent;
    if (this.#contexts.isSuperseded(context)) e.superseded = true;
    if (context.local !== undefined) e.local = context.local;
    if (context.remote !== undefined) e.remote = context.remote;
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
      case RETURNED_OTHER:
        e.returned = extra?.returned;
        break;
    }
    const hadError = (flags & HAD_ERROR_MASK) >> HAD_ERROR_SHIFT;
    if (hadError !== 0) e.hadError = hadError === 2;
    if (extra?.code !== undefined) e.code = extra.code;
    if (extra?.message !== undefined) e.message = extra.message;
    if (extra?.hint !== undefined) e.hint = extra.hint;
    const read = numbers[f + F_READ];
    const written = numbers[f + F_WRITTEN];
    const queued = numbers[f + F_QUEUED];
    if (flags & FLAG_CONNECTIONS) {
      e.counters = { connections: queued };
    } else if (read === read || written === written || queued === queued) {
      const counters: { bytesRead?: number; bytesWritten?: number; writableLength?: number } = {};
      if (read === read) counters.bytesRead = read;
      if (written === written) counters.bytesWritten = written;
      if (queued === queued) counters.writableLength = queued;
      e.counters = counters;
    }
    if (extra?.args !== undefined) e.args = extra.args;
    return e;
  }
}
