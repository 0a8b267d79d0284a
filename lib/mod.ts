/**
 * socketlab: live TCP and UDP in Deno Jupyter notebooks.
 *
 * A {@linkcode Lab} hands out ports that never clash on re-run, records every
 * event and call of the `node:net` and `node:dgram` objects it watches, shows
 * them where the reader looks (tables, sequence diagrams, back-pressure
 * charts, the operating system's own socket table) and closes everything it
 * watched. By default it keeps every socket on loopback.
 *
 * ```ts
 * import net from "node:net";
 * import { Lab } from "socketlab";
 *
 * await using lab = await Lab.open("1.1 TCP server");
 * const port = lab.port(8080);
 * const server = lab.watch(net.createServer((s) => s.end("bye")), "server");
 * server.listen(port, "127.0.0.1");
 * await lab.until("server", "listening");
 * lab.watch(net.connect(port, "127.0.0.1"), "client").resume(); // read, so the end arrives
 * await lab.until("client", "close");
 * lab.trace; // a sequence diagram and a table of events in Jupyter, text in a terminal
 * ```
 *
 * More for power users: `socketlab/render` (the pure renderers), `socketlab/perf`
 * (throughput and ping-pong measurements) and `socketlab/runner` (the headless
 * notebook runner).
 *
 * @module
 */

export {
  Lab,
  type LabOptions,
  type PortOptions,
  type SocketsOptions,
  type Watchable,
} from "./lab/lab.ts";
export { type UntilOptions, UntilTimeoutError } from "./lab/until.ts";
export type {
  Address,
  Counters,
  DatagramFlow,
  EndpointKind,
  EventSource,
  TraceEvent,
} from "./record/event.ts";
export { LoopbackGuardError, type NetworkScope } from "./record/guard.ts";
export { Figure, type MimeBundle } from "./jupyter/figure.ts";
export { Trace, type TraceInit } from "./jupyter/trace.ts";
export { SocketTableView } from "./jupyter/views.ts";
export { type LiveOptions, LiveView } from "./jupyter/live.ts";
export { type SettingName, System } from "./os/system.ts";
export { Reading } from "./os/reading.ts";
export type { SystemSource } from "./os/system_source.ts";
export type {
  SocketProtocol,
  SocketRow,
  SocketTable,
  SocketTimer,
  SocketTimerKind,
} from "./os/socket_row.ts";
export type { EndpointSummary } from "./render/summary.ts";
export type { FocusOptions, TimeWindow } from "./render/focus.ts";
export type { SequenceOptions } from "./render/sequence_model.ts";
export { isLoopbackAddress, isMulticastAddress, isWildcardAddress } from "./os/address.ts";
