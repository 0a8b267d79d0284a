/**
 * Time and size of the renderers on a 100,000-event trace. The sizes are
 * printed once; the budget is < 300 KB and < 1 s for the diagram.
 */
import type { Address, TraceEvent } from "../lib/record/event.ts";
import { renderSequenceDiagram } from "../lib/render/sequence_diagram.ts";
import { sequenceModel } from "../lib/render/sequence_model.ts";
import { renderBackpressureChart } from "../lib/render/backpressure_chart.ts";

/**
 * 100,000 events: 8 client/server conversations, each a request, a long
 * response in chunks with back-pressure (write → false, drain), a reply
 * from the client now and then (so arrows change direction) and a close.
 */
function syntheticTrace(size: number): TraceEvent[] {
  const events: TraceEvent[] = [];
  const server: Address = { address: "127.0.0.1", port: 8080, family: "IPv4" };
  let seq = 0;
  const push = (e: Omit<TraceEvent, "seq" | "time">) => {
    seq++;
    events.push({ seq, time: seq * 0.05, ...e });
  };
  push({ label: "server", kind: "tcp-server", source: "event", name: "listening", local: server });
  const pairs = 8;
  for (let p = 0; p < pairs; p++) {
    const client: Address = { address: "127.0.0.1", port: 50000 + p, family: "IPv4" };
    const c = { label: `client${p}`, kind: "tcp-socket" as const, local: client, remote: server };
    const s = {
      label: `server#${p + 1}`,
      kind: "tcp-socket" as const,
      parent: "server",
      local: server,
      remote: client,
    };
    push({ ...c, source: "event", name: "connect" });
    push({
      label: "server",
      kind: "tcp-server",
      source: "event",
      name: "connection",
      remote: client,
      preview: s.label,
    });
    let written = 0;
    while (seq < ((p + 1) * size) / pairs - 4) {
      const queued = (seq % 20) * 16384;
      written += 16384;
      push({
        ...s,
        source: "call",
        name: "write",
        bytes: 16384,
        returned: seq % 20 < 16,
        counters: { bytesWritten: written, writableLength: queued },
      });
      push({ ...c, source: "event", name: "data", bytes: 16384 });
      if (seq % 20 === 0) push({ ...s, source: "event", name: "drain" });
      if (seq % 97 === 0) {
        push({ ...c, source: "call", name: "write", bytes: 2, preview: "ok", returned: true });
        push({ ...s, source: "event", name: "data", bytes: 2, preview: "ok" });
      }
    }
    push({ ...s, source: "call", name: "end" });
    push({ ...c, source: "event", name: "end" });
    push({ ...c, source: "event", name: "close", hadError: false });
    push({ ...s, source: "event", name: "close", hadError: false });
  }
  return events.slice(0, size);
}

const TRACE = syntheticTrace(100_000);
const svg = renderSequenceDiagram(TRACE);
const model = sequenceModel(TRACE);
const chart = renderBackpressureChart(TRACE, { label: "server#1" });
console.log(
  `render_bench: ${TRACE.length.toLocaleString("en-US")} events -> sequence diagram ` +
    `${(svg.length / 1000).toFixed(1)} KB (${model.steps.length} rows drawn, ` +
    `${model.elided?.steps.toLocaleString("en-US") ?? 0} left out; budget 300 KB); ` +
    `back-pressure chart ${(chart.length / 1000).toFixed(1)} KB`,
);
if (svg.length >= 300_000) throw new Error(`sequence diagram is ${svg.length} bytes, over 300 KB`);

Deno.bench({
  name: "renderSequenceDiagram, 100,000 events (budget < 1 s)",
  group: "sequence diagram",
  baseline: true,
  fn() {
    renderSequenceDiagram(TRACE);
  },
});

Deno.bench({
  name: "sequenceModel, 100,000 events",
  group: "sequence diagram",
  fn() {
    sequenceModel(TRACE);
  },
});

Deno.bench({
  name: "renderBackpressureChart, one socket of a 100,000-event trace",
  fn() {
    renderBackpressureChart(TRACE, { label: "server#1" });
  },
});
