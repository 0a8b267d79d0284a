/**
 * The plain data a lab records: one {@linkcode TraceEvent} per socket event
 * or method call, and the {@linkcode DatagramFlow} counts of UDP traffic.
 * Nothing here knows about sockets, HTML or Jupyter; the recorder produces
 * these objects and the renderers consume them.
 *
 * @module
 */

/** What kind of endpoint an event belongs to. */
export type EndpointKind = "tcp-server" | "tcp-socket" | "udp-socket";

/**
 * Whether the record is an event the object emitted (`"event"`) or a method
 * the program called on it (`"call"`).
 */
export type EventSource = "event" | "call";

/**
 * A network address as Node reports it (`socket.address()`, `rinfo`).
 */
export interface Address {
  /** The IP address (or host name for a call target not yet resolved). */
  readonly address: string;
  /** The port number. */
  readonly port: number;
  /** `"IPv4"` or `"IPv6"` when known. */
  readonly family?: string;
}

/**
 * Counters read from the object right after the event or call.
 */
export interface Counters {
  /** `socket.bytesRead`. */
  readonly bytesRead?: number;
  /**
   * `socket.bytesWritten`: every byte `write()` accepted, including the ones
   * still queued (so bytes handed to the kernel = `bytesWritten − writableLength`).
   */
  readonly bytesWritten?: number;
  /** `socket.writableLength`: bytes queued in user space, not yet handed to the kernel. */
  readonly writableLength?: number;
  /** Open connections of a server, as counted by the lab. */
  readonly connections?: number;
}

/**
 * One recorded happening on a watched server or socket.
 *
 * Only the fields that make sense for `name` are present: `bytes` and
 * `preview` for `data`, `write`, `message` and `send`; `returned` for calls
 * whose return value matters (`write` returns a boolean); `hadError` for
 * `close`; `code` and `message` for `error`; `remote` for the peer of a
 * connection, the sender of a datagram (`rinfo`) or the target of a `send`.
 *
 * @example Reading the events a lab recorded
 * ```ts
 * import dgram from "node:dgram";
 * import { Lab, type TraceEvent } from "socketlab";
 * await using lab = await Lab.open("trace event");
 * const udp = lab.watch(dgram.createSocket("udp4"), "udp");
 * udp.bind(0, "127.0.0.1");
 * const listening: TraceEvent = await lab.until("udp", "listening");
 * console.log(listening.source, listening.local?.address); // "event" "127.0.0.1"
 * ```
 */
export interface TraceEvent {
  /** Sequence number in the lab, starting at 1 and never reused. */
  readonly seq: number;
  /** Milliseconds since the lab opened. */
  readonly time: number;
  /** The label given to `watch()`, or `server#N` for the Nth accepted socket of `server`. */
  readonly label: string;
  /** The kind of endpoint. */
  readonly kind: EndpointKind;
  /** An emitted event or a method call. */
  readonly source: EventSource;
  /** Event or method name, exactly as in Node (`connect`, `data`, `write`, `setKeepAlive`, ...). */
  readonly name: string;
  /** Payload size in bytes (data, write, end with data, message, send). */
  readonly bytes?: number;
  /** A short, printable preview of the payload (never the whole payload). */
  readonly preview?: string;
  /** The method's return value, when it is a primitive worth showing (e.g. `write` → `false`). */
  readonly returned?: string | number | boolean | null;
  /** `close`'s `hadError` argument. */
  readonly hadError?: boolean;
  /** Error code (`ECONNREFUSED`, `EMSGSIZE`, ...) of an `error` event or a failed call. */
  readonly code?: string;
  /** Error message of an `error` event or a failed call. */
  readonly message?: string;
  /**
   * For a failure the OS reports by errno alone (`setTTL EINVAL`,
   * `send EMSGSIZE ...`): the value that was refused and what was expected.
   * Added by socketlab; the error itself stays as Node made it. On a
   * `listening` record: the loopback address the guard bound instead of a
   * wildcard.
   */
  readonly hint?: string;
  /** Local address of the endpoint, when known. */
  readonly local?: Address;
  /** Peer of a connection, sender of a datagram, or target of a send / connect. */
  readonly remote?: Address;
  /** Counters read right after the event or call. */
  readonly counters?: Counters;
  /** A short human summary of a call's arguments (`"true, 1000"` for `setKeepAlive(true, 1000)`). */
  readonly args?: string;
  /** For an accepted socket, the label of the server that accepted it. */
  readonly parent?: string;
  /**
   * `true` when a later `watch()` took this object's label over (a re-run
   * cell): the event happened to an object the label no longer means.
   */
  readonly superseded?: boolean;
}

/**
 * One sender → receiver pair of watched UDP sockets, as counted by the lab
 * (`lab.datagrams().flows`).
 */
export interface DatagramFlow {
  /** The sender's label. */
  readonly from: string;
  /** The receiver's label. */
  readonly to: string;
  /** Datagrams the sender handed to the OS for the receiver's port (sends that did not fail). */
  readonly sent: number;
  /**
   * Datagrams the receiver got from the sender's port. When several watched
   * sockets that all sent to the receiver share one port (`reuseAddr`), each
   * is credited with what came from that port.
   */
  readonly received: number;
  /** `sent − received` when positive: datagrams that never arrived (or have not yet). */
  readonly lost: number;
}
