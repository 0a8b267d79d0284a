/**
 * Focusing views on what a cell is about: some endpoints, a time window,
 * what came after a mark. The pure functions on built traces, then the
 * lab's views on a live exchange over loopback.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import net from "node:net";
import { Lab, Trace, type TraceEvent } from "../lib/mod.ts";
import { focusEvents, narrowWindow } from "../lib/render/focus.ts";
import { sequenceModel } from "../lib/render/sequence_model.ts";
import { backpressureSeries } from "../lib/render/backpressure_chart.ts";
import { backpressureTrace, tcpTrace, wideTrace } from "./fixtures/traces.ts";
import { udpPair } from "./fixtures/udp_pair.ts";

const HOST = "127.0.0.1";
const seqs = (events: readonly TraceEvent[]) => events.map((e) => e.seq);

Deno.test("focusEvents: labels bring their accepted sockets; after, fromMs and toMs bound the window", () => {
  const events = tcpTrace();
  const server = focusEvents(events, { labels: ["server"] });
  assertEquals(new Set(server.map((e) => e.label)), new Set(["server", "server#1"]));
  assertEquals(seqs(focusEvents(events, { after: 80 })), seqs(events.filter((e) => e.seq > 80)));
  const window = focusEvents(events, { fromMs: 7, toMs: 14 });
  assert(window.length > 0 && window.every((e) => e.time >= 7 && e.time <= 14));
  assertEquals(
    seqs(focusEvents(events, { labels: ["client"], after: 80, toMs: 60 })),
    seqs(events.filter((e) => e.label === "client" && e.seq > 80 && e.time <= 60)),
  );
  assertEquals(focusEvents(events, {}).length, events.length);
});

Deno.test("focusEvents: a wrong focus is refused, naming the value and what was expected", () => {
  const events = tcpTrace();
  assertThrows(
    () => focusEvents(events, { labels: "server" as never }, "lab.diagram()"),
    TypeError,
    'lab.diagram(): labels must be an array of watch labels, e.g. ["server"], got "server"',
  );
  assertThrows(
    () => focusEvents(events, { labels: [""] }),
    TypeError,
    'labels[0] must be a non-empty watch label, got ""',
  );
  assertThrows(
    () => focusEvents(events, { after: -1 }),
    RangeError,
    "after must be a mark from lab.mark() (an integer >= 0), got -1",
  );
  assertThrows(() => focusEvents(events, { after: "3" as never }), TypeError, 'got "3"');
  assertThrows(
    () => focusEvents(events, { fromMs: 9, toMs: 3 }),
    RangeError,
    "fromMs must not be after toMs, got fromMs 9 and toMs 3",
  );
  assertThrows(() => focusEvents(events, { toMs: NaN }), RangeError, "toMs must be a time in ms");
});

Deno.test("narrowWindow: chained windows intersect", () => {
  assertEquals(narrowWindow({ after: 3, fromMs: 1 }, { after: 2, toMs: 9 }), {
    after: 3,
    fromMs: 1,
    toMs: 9,
  });
  assertEquals(narrowWindow({ toMs: 5 }, { toMs: 4 }), { toMs: 4 });
  assertEquals(narrowWindow({}, {}), {});
});

Deno.test("Trace: select, after and between chain, and the title says so", () => {
  const trace = new Trace({ title: "t", events: tcpTrace(), dropped: 2 });
  const focused = trace.select("server").after(40).between(0, 50);
  assertEquals(focused.title, "t (server) (after #40) (0 ms–50 ms)");
  assertEquals(focused.dropped, 2);
  assert(focused.events.length > 0);
  for (const e of focused.events) {
    assert(e.label === "server" || e.parent === "server", e.label);
    assert(e.seq > 40 && e.time <= 50, `#${e.seq} at ${e.time}`);
  }
  // Narrowing twice keeps the narrower bound.
  assertEquals(seqs(trace.after(40).after(10).events), seqs(trace.after(40).events));
  assertEquals(
    trace.between(0, 10).between(5, 50).events.every((e) => e.time >= 5 && e.time <= 10),
    true,
  );
  assertStringIncludes(focused.text, "trace “t (server) (after #40) (0 ms–50 ms)”");
});

Deno.test("Trace.after: the diagram draws only the window but keeps what the lanes learnt before it", () => {
  const events = tcpTrace();
  const mark = events.find((e) => e.name === "drain")!.seq;
  const figure = new Trace({ title: "t", events, dropped: 0 }).after(mark).diagram();
  assertStringIncludes(figure.svg!, "127.0.0.1:50312"); // the client's address, from its connect
  assert(!figure.svg!.includes("37 chunks"), "the bulk transfer before the mark is not drawn");
  assertStringIncludes(figure.text, "FIN");
  const model = sequenceModel(events, { after: mark });
  assertEquals(model.events, events.filter((e) => e.seq > mark).length);
  assert(model.steps.every((s) => s.firstSeq > mark));
  assertEquals(model.lanes.find((l) => l.id === "client")?.detail, "127.0.0.1:50312");
});

Deno.test("sequenceModel: labels narrow a wide diagram to one conversation", () => {
  const wide = sequenceModel(wideTrace(6));
  assertEquals(wide.lanes.length, 13);
  const one = sequenceModel(wideTrace(6), { labels: ["client-2", "server#2"] });
  assertEquals(one.lanes.map((l) => l.id), ["client-2", "server#2"]);
  assertEquals(one.arrows.map((a) => a.kind), ["connect", "data", "data", "fin"]);
});

Deno.test("backpressureSeries: a window keeps its points, and an empty one says where the events are", () => {
  const events = backpressureTrace();
  const drains = events.filter((e) => e.name === "drain");
  const s = backpressureSeries(events, "server#1", { after: drains[1].seq });
  assertEquals(s.drain.length, 2);
  assert(s.bytesWritten.every(([t]) => t > drains[1].time));
  assertThrows(
    () => backpressureSeries(events, "server#1", { after: 1_000 }),
    Error,
    'label "server#1" has no events after #1000; its events are #1 to #28',
  );
});

Deno.test("lab views: diagram, chart, datagrams and sockets focus on labels and after a mark", async () => {
  await using lab = await Lab.open("focus_test: lab views");
  const server = lab.watch(net.createServer((s) => s.on("data", (d) => s.write(d))), "server");
  server.listen(lab.port(), HOST);
  await lab.until("server", "listening");
  const port = (server.address() as net.AddressInfo).port;
  const first = lab.watch(net.connect(port, HOST), "first").on("data", () => {});
  await lab.until("first", "connect");
  first.write("one");
  await lab.until("first", "data");
  const mark = lab.mark();
  const second = lab.watch(net.connect(port, HOST), "second").on("data", () => {});
  await lab.until("second", "connect");
  second.write("two");
  await lab.until("second", "data");

  const after = lab.diagram({ after: mark });
  assert(!after.svg!.includes("“one”") && after.svg!.includes("“two”"), after.text);
  const only = lab.diagram({ labels: ["first"] });
  assert(only.svg!.includes("“one”") && !only.svg!.includes("“two”"), only.text);
  assertThrows(
    () => lab.diagram({ labels: ["nobody"] }),
    TypeError,
    'lab.diagram(): unknown label "nobody"',
  );
  assertMatch(lab.chart("second", { after: mark }).text, /^back-pressure of "second": 1 writes/);
  assertThrows(
    () => lab.chart("first", { after: lab.mark() }),
    Error,
    'label "first" has no events after',
  );
  assertThrows(() => lab.chart("first", { fromMs: -1 }), RangeError, "lab.chart(): fromMs");

  // The kernel's rows of one connection: its two sockets and the listener.
  const rows = (await lab.sockets({ labels: ["first"] })).rows;
  const firstPort = (first.address() as net.AddressInfo).port;
  const secondPort = (second.address() as net.AddressInfo).port;
  assert(rows.some((r) => r.local.port === firstPort), "the client's socket");
  assert(rows.some((r) => r.remote.port === firstPort), "the server's socket of the client");
  assert(!rows.some((r) => r.local.port === secondPort || r.remote.port === secondPort));

  const { sender: a, port: bPort } = await udpPair(lab, ["a", "b"]);
  a.send("x", bPort, HOST);
  await lab.until("b", "message");
  const udpMark = lab.mark();
  a.send("y", bPort, HOST);
  a.send("z", bPort, HOST);
  await lab.until("b", "message", { after: udpMark, count: 2 });
  assertEquals(lab.datagrams().flows, [{ from: "a", to: "b", sent: 3, received: 3, lost: 0 }]);
  assertEquals(lab.datagrams({ after: udpMark }).flows, [{
    from: "a",
    to: "b",
    sent: 2,
    received: 2,
    lost: 0,
  }]);
  assertEquals(lab.datagrams({ labels: ["first"] }).flows, []);
  assertEquals(lab.datagrams({ labels: ["b"], after: udpMark }).flows.length, 1);
});
