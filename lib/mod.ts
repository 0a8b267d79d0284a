/**
 * socketlab: live TCP and UDP in Deno Jupyter notebooks.
 *
 * A {@linkcode Lab} hands out ports that never clash on re-run, records every
 * event and call of the `node:net` and `node:dgram` objects it watches, shows
 * them where the reader looks (tables, sequence diagrams, back-pressure
 * charts, the kernel's own socket table) and closes everything it watched.
 * By default it keeps every socket on loopback.
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
 * lab.trace; // a table of events in Jupyter, text in a terminal
 * ```
 *
 * @module
 */

export * from "./event.ts";
export * from "./event_draft.ts";
export * from "./event_log.ts";
export * from "./preview.ts";
export * from "./guard.ts";
export { assertPort, findFreePort, type FindFreePortOptions, type Transport } from "./port.ts";
export * from "./lab.ts";
export * from "./trace.ts";
export * from "./display.ts";
export * from "./render/event_text.ts";
export * from "./render/trace_table.ts";
export * from "./render/summary.ts";
export { ACCENT, escapeXml } from "./render/svg.ts";
export * from "./proc_net.ts";
export * from "./kernel_sockets.ts";
export * from "./render/sequence_diagram.ts";
export * from "./render/backpressure_chart.ts";
export * from "./render/socket_table.ts";
export * from "./render/bar_chart.ts";
export * from "./datagram_ledger.ts";
export * from "./render/datagram_table.ts";
export * from "./perf/measure.ts";
