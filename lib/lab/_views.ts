/**
 * The figures a lab shows, built from its records and its watched objects:
 * the back-pressure chart, the datagram table, the one-object summary and
 * the operating system's socket table (read again until it shows what was
 * awaited), each focused on what a cell is about (some endpoints, a time
 * window). Pure composition of the render and Jupyter layers.
 *
 * @module
 */

import type net from "node:net";
import type { DatagramFlow, TraceEvent } from "../record/event.ts";
import type { Watched } from "../record/_watch.ts";
import type { Retired } from "./_labels.ts";
import { Figure } from "../jupyter/figure.ts";
import { renderSocketTableText } from "../render/socket_table.ts";
import { renderBackpressureChart } from "../render/backpressure_chart.ts";
import { renderDatagramHtml, renderDatagramText } from "../render/datagram_table.ts";
import { type EndpointSummary, renderSummaryHtml, renderSummaryText } from "../render/summary.ts";
import type { System } from "../os/system.ts";
import type { SocketRow, SocketTable } from "../os/socket_row.ts";
import { delay } from "../_async.ts";
import { DatagramLedger } from "../record/_datagram_ledger.ts";
import { hasLabel, inWindow, type TimeWindow } from "../render/focus.ts";

/**
 * The back-pressure chart of one socket, with a one-line text fallback.
 *
 * @param label The socket's label.
 * @param events Its events.
 * @param window Only the events in this window.
 * @returns The figure.
 */
export function backpressureFigure(
  label: string,
  events: readonly TraceEvent[],
  window: TimeWindow = {},
): Figure {
  const svg = renderBackpressureChart(events, { ...window, label }); // checks the window
  const shown = events.filter((e) => inWindow(e, window));
  const writes = shown.filter((e) => e.name === "write");
  const falses = writes.filter((e) => e.returned === false).length;
  const drains = shown.filter((e) => e.name === "drain").length;
  const last = shown.findLast((e) => e.counters?.bytesWritten !== undefined);
  return Figure.fromSvg(
    svg,
    `back-pressure of "${label}": ${writes.length} writes, ${falses} returned false, ` +
      `${drains} drain events, ${last?.counters?.bytesWritten ?? 0} bytes written`,
  );
}

/**
 * The datagram flows a focus shows: from or to some endpoints; in a time
 * window, counted again from the trace's events (the ports the sockets used
 * are learnt from every event, the datagrams counted only inside the
 * window), else the ledger's running totals.
 *
 * @param ledger The lab's ledger.
 * @param events The trace's events (read only for a window).
 * @param window The window (already checked).
 * @param labels Only the flows from or to these endpoints.
 * @returns The flows.
 */
export function focusFlows(
  ledger: DatagramLedger,
  events: () => readonly TraceEvent[],
  window: TimeWindow,
  labels: readonly string[] | undefined,
): DatagramFlow[] {
  let counted = ledger;
  if (Object.keys(window).length > 0) {
    counted = new DatagramLedger();
    for (const e of events()) counted.add(inWindow(e, window) ? e : { ...e, remote: undefined });
  }
  const keep = new Set(labels);
  const flows = counted.flows();
  return labels ? flows.filter((f) => keep.has(f.from) || keep.has(f.to)) : flows;
}

/**
 * The ports a set of endpoints used (with their accepted sockets): their
 * own and their peers'.
 *
 * @param events The trace's events.
 * @param labels The endpoints.
 * @returns The ports.
 */
export function portsOf(events: readonly TraceEvent[], labels: ReadonlySet<string>): Set<number> {
  const ports = new Set<number>();
  for (const e of events) {
    if (!hasLabel(e, labels)) continue;
    if (e.local && e.local.port !== 0) ports.add(e.local.port);
    if (e.remote && e.remote.port !== 0) ports.add(e.remote.port);
  }
  return ports;
}

/**
 * The datagram table, with its flows as plain data.
 *
 * @param flows The flows to show.
 * @returns The figure.
 */
export function datagramFigure(flows: DatagramFlow[]): Figure & { readonly flows: DatagramFlow[] } {
  const figure = new Figure({
    "text/html": renderDatagramHtml(flows),
    "text/plain": renderDatagramText(flows),
  });
  return Object.assign(figure, { flows });
}

/**
 * The summary of one watched object, with the summary as plain data.
 *
 * @param watched The object.
 * @param events Its events.
 * @returns The figure.
 */
export function summaryFigure(
  watched: Watched | Retired,
  events: readonly TraceEvent[],
): Figure & { readonly summary: EndpointSummary } {
  const summary = summarize(watched, events);
  const figure = new Figure({
    "text/html": renderSummaryHtml(summary),
    "text/plain": renderSummaryText(summary),
  });
  return Object.assign(figure, { summary });
}

function summarize(watched: Watched | Retired, events: readonly TraceEvent[]): EndpointSummary {
  const latest = <K extends "local" | "remote">(key: K) =>
    events.findLast((e) => e[key] !== undefined)?.[key];
  const { state, counters } = stateOf(watched, events);
  return {
    label: watched.label,
    kind: watched.kind,
    state,
    local: latest("local"),
    remote: latest("remote"),
    counters,
    events: events.filter((e) => e.source === "event").length,
    calls: events.filter((e) => e.source === "call").length,
    last: events.at(-1),
  };
}

function stateOf(
  watched: Watched | Retired,
  events: readonly TraceEvent[],
): Pick<EndpointSummary, "state" | "counters"> {
  if (!("target" in watched)) {
    return { state: "closed", counters: events.findLast((e) => e.counters)?.counters };
  }
  if (watched.kind === "tcp-server") {
    const server = watched.target as net.Server;
    return {
      state: watched.closed ? "closed" : server.listening ? "listening" : "not listening",
      counters: events.findLast((e) => e.counters)?.counters,
    };
  }
  if (watched.kind === "tcp-socket") {
    const socket = watched.target as net.Socket;
    const state = watched.closed
      ? "closed"
      : socket.destroyed
      ? "destroyed"
      : socket.connecting
      ? "connecting"
      : socket.readyState + (socket.isPaused() ? ", paused" : "");
    return {
      state,
      counters: {
        bytesRead: socket.bytesRead,
        bytesWritten: socket.bytesWritten ?? 0,
        writableLength: socket.writableLength,
      },
    };
  }
  const bound = events.some((e) => e.local !== undefined);
  return { state: watched.closed ? "closed" : bound ? "bound" : "not bound", counters: undefined };
}

/**
 * The operating system's rows for a set of ports: every row with a local or
 * remote port among `ports`, or, with `between`, only the rows whose both
 * ends are among them (an unconnected end counts).
 *
 * @param system Where to read the table.
 * @param ports The ports.
 * @param between Keep only the sockets between these ports.
 * @returns The table (plain data: a view is made of the one shown).
 */
export async function socketsOf(
  system: System,
  ports: ReadonlySet<number>,
  between: boolean,
): Promise<SocketTable> {
  const table = await system.sockets({ ports });
  if (!between) return table;
  const rows = table.rows.filter((r) =>
    ports.has(r.local.port) && (r.remote.port === 0 || ports.has(r.remote.port))
  );
  return { ...table, rows };
}

/**
 * Reads a socket table again every 20 ms until `until` holds for its rows.
 * A table that cannot be read is returned at once (it says why).
 *
 * @param read Reads the table.
 * @param until What the rows must satisfy.
 * @param timeoutMs How long to keep reading.
 * @returns The first table that satisfies `until`.
 * @throws {Error} When none did within `timeoutMs` (the message shows the last one).
 */
export async function pollSockets(
  read: () => Promise<SocketTable>,
  until: (rows: readonly SocketRow[]) => boolean,
  timeoutMs: number,
): Promise<SocketTable> {
  const deadline = performance.now() + timeoutMs;
  let table = await read();
  while (table.reason === undefined && !until(table.rows)) {
    if (performance.now() >= deadline) {
      throw new Error(
        `lab.sockets(): the kernel's table did not satisfy until() within ${timeoutMs} ms; ` +
          `the last one read:\n${renderSocketTableText(table)}`,
      );
    }
    await delay(20);
    table = await read();
  }
  return table;
}
