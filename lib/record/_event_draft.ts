/**
 * The recorder's scratch record: one reusable, mutable object per watched
 * endpoint that the recorder fills and the `EventLog` copies. No
 * record object is kept per event, so watching a busy socket allocates
 * almost nothing that outlives the event.
 *
 * @module
 */

import type { Address, EndpointKind, EventSource, TraceEvent } from "./event.ts";

/** The endpoint a draft records for. */
export interface DraftEndpoint {
  /** Its label. */
  readonly label: string;
  /** Its kind. */
  readonly kind: EndpointKind;
  /** For an accepted socket, its server's label. */
  readonly parent?: string | undefined;
  /**
   * Which watched object it is.
   *
   * @default {0}
   */
  readonly instance?: number;
  /** For an accepted socket, its server's instance. */
  readonly parentInstance?: number | undefined;
}

/**
 * A record being written: the fields of a {@linkcode TraceEvent} except
 * `seq` and `time` (the lab stamps those), with `NaN` for a number that is
 * absent and `undefined` for anything else that is. `payload` is the data
 * itself; the log copies a preview of it and never keeps it.
 *
 * @example Usage
 * ```ts
 * import { EventDraft } from "./_event_draft.ts";
 * import { EventLog } from "./_event_log.ts";
 * const draft = new EventDraft({ label: "client", kind: "tcp-socket" });
 * draft.begin("call", "write");
 * draft.bytes = 5;
 * draft.payload = new TextEncoder().encode("hello");
 * const log = new EventLog();
 * log.append(draft, 1, 0.25);
 * console.log(log.toArray()[0].preview); // "hello"
 * ```
 */
export class EventDraft {
  /** The endpoint's label. */
  label: string;
  /** The endpoint's kind. */
  kind: EndpointKind;
  /** For an accepted socket, its server's label. */
  parent: string | undefined;
  /** Which watched object (a process-unique number): labels can be taken over, objects not. */
  instance: number;
  /** For an accepted socket, its server's `instance`. */
  parentInstance: number | undefined;
  /** An emitted event or a method call. */
  source: EventSource = "event";
  /** The event or method name. */
  name: string = "";
  /** See {@linkcode TraceEvent.local}. */
  local: Address | undefined = undefined;
  /** See {@linkcode TraceEvent.remote}. */
  remote: Address | undefined = undefined;
  /** Payload size in bytes, or `NaN`. */
  bytes: number = NaN;
  /** The payload to preview (bytes, string or array of chunks); copied, never kept. */
  payload: unknown = undefined;
  /** A preview given as text (e.g. the label of an accepted socket); wins over `payload`. */
  preview: string | undefined = undefined;
  /** See {@linkcode TraceEvent.returned}. */
  returned: string | number | boolean | null | undefined = undefined;
  /** See {@linkcode TraceEvent.hadError}. */
  hadError: boolean | undefined = undefined;
  /** See {@linkcode TraceEvent.code}. */
  code: string | undefined = undefined;
  /** See {@linkcode TraceEvent.message}. */
  message: string | undefined = undefined;
  /** See {@linkcode TraceEvent.hint}. */
  hint: string | undefined = undefined;
  /** See {@linkcode TraceEvent.args}. */
  args: string | undefined = undefined;
  /** `counters.bytesRead`, or `NaN`. */
  bytesRead: number = NaN;
  /** `counters.bytesWritten`, or `NaN`. */
  bytesWritten: number = NaN;
  /** `counters.writableLength`, or `NaN`. */
  writableLength: number = NaN;
  /** `counters.connections`, or `NaN`. */
  connections: number = NaN;
  /**
   * Makes a draft for one endpoint.
   *
   * @param endpoint The label, kind, instance and (for an accepted socket) parent.
   */
  constructor(endpoint: DraftEndpoint) {
    this.label = endpoint.label;
    this.kind = endpoint.kind;
    this.parent = endpoint.parent;
    this.instance = endpoint.instance ?? 0;
    this.parentInstance = endpoint.parentInstance;
  }

  /**
   * Starts a new record: sets `source` and `name` and clears every other
   * field but the endpoint's.
   *
   * @example Usage
   * ```ts
   * import { EventDraft } from "./_event_draft.ts";
   * const draft = new EventDraft({ label: "udp", kind: "udp-socket" });
   * draft.begin("event", "message").bytes = 3;
   * console.log(draft.begin("event", "close").bytes); // NaN
   * ```
   *
   * @param source Event or call.
   * @param name The event or method name.
   * @returns This draft.
   */
  begin(source: EventSource, name: string): this {
    this.source = source;
    this.name = name;
    this.local = this.remote = undefined;
    this.payload = this.preview = this.args = undefined;
    this.bytes = NaN;
    return this.clearResult();
  }

  /**
   * Clears what a call's completion fills in (`returned`, `code`, `message`,
   * `hint`, `hadError`, counters), keeping the rest.
   *
   * @example Usage
   * ```ts
   * import { EventDraft } from "./_event_draft.ts";
   * const draft = new EventDraft({ label: "client", kind: "tcp-socket" });
   * draft.begin("call", "write").returned = true;
   * console.log(draft.clearResult().returned); // undefined
   * ```
   *
   * @returns This draft.
   */
  clearResult(): this {
    this.returned = this.hadError = undefined;
    this.code = this.message = this.hint = undefined;
    this.bytesRead =
      this.bytesWritten =
      this.writableLength =
      this.connections =
        NaN;
    return this;
  }

  /**
   * Sets `code` and `message` from a thrown value or an `error` argument.
   *
   * @example Usage
   * ```ts
   * import { EventDraft } from "./_event_draft.ts";
   * const draft = new EventDraft({ label: "client", kind: "tcp-socket" });
   * draft.begin("event", "error").setError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
   * console.log(draft.code); // "ECONNREFUSED"
   * ```
   *
   * @param error What was thrown or emitted.
   * @returns This draft.
   */
  setError(error: unknown): this {
    if (error !== null && typeof error === "object") {
      const e = error as { code?: unknown; message?: unknown };
      this.message = String(e.message ?? error);
      if (typeof e.code === "string") this.code = e.code;
    } else {
      this.message = String(error);
    }
    return this;
  }

  /**
   * Fills this draft from a recorded event (its `seq` and `time` aside).
   *
   * @example Usage
   * ```ts
   * import { EventDraft } from "./_event_draft.ts";
   * const draft = EventDraft.from({
   *   seq: 1, time: 0, label: "c", kind: "tcp-socket", source: "event", name: "data", bytes: 2,
   * });
   * console.log(draft.bytes); // 2
   * ```
   *
   * @param event The event.
   * @returns A new draft.
   */
  static from(event: TraceEvent): EventDraft {
    const draft = new EventDraft(event).begin(event.source, event.name);
    draft.local = event.local;
    draft.remote = event.remote;
    draft.bytes = event.bytes ?? NaN;
    draft.preview = event.preview;
    draft.returned = event.returned;
    draft.hadError = event.hadError;
    draft.code = event.code;
    draft.message = event.message;
    draft.hint = event.hint;
    draft.args = event.args;
    const c = event.counters;
    draft.bytesRead = c?.bytesRead ?? NaN;
    draft.bytesWritten = c?.bytesWritten ?? NaN;
    draft.writableLength = c?.writableLength ?? NaN;
    draft.connections = c?.connections ?? NaN;
    return draft;
  }
}
