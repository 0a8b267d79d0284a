import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import type { Address, TraceEvent } from "../lib/record/event.ts";
import { renderSequenceDiagram, renderSequenceText } from "../lib/render/sequence_diagram.ts";
import { sequenceModel } from "../lib/render/sequence_model.ts";
import { backpressureSeries, renderBackpressureChart } from "../lib/render/backpressure_chart.ts";
import { renderSocketTableHtml, renderSocketTableText } from "../lib/render/socket_table.ts";
import { renderBarChart } from "../lib/render/bar_chart.ts";
import { escapeXml, svgDocument, textWidth, truncate } from "../lib/render/_svg.ts";
import { renderTraceHtml } from "../lib/render/trace_table.ts";
import { renderDatagramHtml } from "../lib/render/datagram_table.ts";
import { renderSummaryHtml } from "../lib/render/summary.ts";
import type { SocketTable } from "../lib/os/socket_row.ts";

type Draft = Omit<TraceEvent, "seq" | "time">;

/** Numbers a list of drafts: seq from 1, time 0.5 ms apart. */
function trace(drafts: Draft[]): TraceEvent[] {
  return drafts.map((d, i) => ({ seq: i + 1, time: i * 0.5, ...d }));
}

const SERVER: Address = { address: "127.0.0.1", port: 8080, family: "IPv4" };
const CLIENT: Address = { address: "127.0.0.1", port: 50000, family: "IPv4" };
const C3: Address = { address: "127.0.0.1", port: 50003, family: "IPv4" };
const PEER: Address = { address: "127.0.0.1", port: 7000, family: "IPv4" };
const REFUSED: Address = { address: "127.0.0.1", port: 9, family: "IPv4" };

const cli = (d: Partial<Draft> & { name: string; source: Draft["source"] }): Draft => ({
  label: "client",
  kind: "tcp-socket",
  local: CLIENT,
  remote: SERVER,
  ...d,
});
const acc = (d: Partial<Draft> & { name: string; source: Draft["source"] }): Draft => ({
  label: "server#1",
  kind: "tcp-socket",
  parent: "server",
  local: SERVER,
  remote: CLIENT,
  ...d,
});

/** A TCP conversation between two watched ends, plus a refused and an unwatched peer. */
const TCP = trace([
  { label: "server", kind: "tcp-server", source: "event", name: "listening", local: SERVER },
  { label: "client", kind: "tcp-socket", source: "call", name: "connect", remote: SERVER },
  {
    label: "server",
    kind: "tcp-server",
    source: "event",
    name: "connection",
    remote: CLIENT,
    preview: "server#1",
  },
  cli({ source: "event", name: "connect" }),
  cli({ source: "call", name: "write", bytes: 9, preview: "GET <a&b>", returned: true }),
  acc({ source: "event", name: "data", bytes: 9, preview: "GET <a&b>" }),
  acc({ source: "call", name: "write", bytes: 5, preview: "hello", returned: true }),
  cli({ source: "event", name: "data", bytes: 5, preview: "hello" }),
  cli({ source: "call", name: "write", bytes: 1000, returned: true }),
  cli({ source: "call", name: "write", bytes: 1000, returned: true }),
  cli({ source: "call", name: "write", bytes: 1000, returned: false }),
  acc({ source: "event", name: "data", bytes: 1000 }),
  acc({ source: "event", name: "data", bytes: 1000 }),
  acc({ source: "event", name: "data", bytes: 1000 }),
  cli({ source: "event", name: "drain" }),
  cli({ source: "call", name: "end" }),
  acc({ source: "event", name: "end" }),
  acc({ source: "call", name: "pause" }),
  acc({ source: "call", name: "resume" }),
  acc({ source: "call", name: "end" }),
  cli({ source: "event", name: "end" }),
  cli({ source: "event", name: "close", hadError: false }),
  acc({ source: "event", name: "close", hadError: false }),
  { label: "c2", kind: "tcp-socket", source: "call", name: "connect", remote: REFUSED },
  {
    label: "c2",
    kind: "tcp-socket",
    source: "event",
    name: "error",
    code: "ECONNREFUSED",
    message: "connect ECONNREFUSED 127.0.0.1:9",
  },
  { label: "c2", kind: "tcp-socket", source: "event", name: "close", hadError: true },
  { label: "c3", kind: "tcp-socket", source: "event", name: "connect", local: C3, remote: PEER },
  {
    label: "c3",
    kind: "tcp-socket",
    source: "call",
    name: "write",
    bytes: 4,
    preview: "ping",
    returned: true,
    local: C3,
    remote: PEER,
  },
  {
    label: "c3",
    kind: "tcp-socket",
    source: "call",
    name: "write",
    bytes: 6,
    preview: "ping 2",
    returned: true,
    local: C3,
    remote: PEER,
  },
  { label: "c3", kind: "tcp-socket", source: "call", name: "end", local: C3, remote: PEER },
  {
    label: "c3",
    kind: "tcp-socket",
    source: "call",
    name: "resetAndDestroy",
    local: C3,
    remote: PEER,
  },
]);

const ANY: Address = { address: "0.0.0.0", port: 41234, family: "IPv4" };
const TX: Address = { address: "0.0.0.0", port: 40000, family: "IPv4" };
const GROUP: Address = { address: "239.7.7.7", port: 41234, family: "IPv4" };
const udp = (label: string, d: Partial<Draft> & { name: string; source: Draft["source"] }) =>
  ({ label, kind: "udp-socket", ...d }) as Draft;

/** A multicast datagram to two receivers and a unicast reply. */
const UDP = trace([
  udp("rx1", { source: "event", name: "listening", local: ANY }),
  udp("rx1", { source: "call", name: "addMembership", args: "239.7.7.7" }),
  udp("rx2", { source: "event", name: "listening", local: ANY }),
  udp("rx2", { source: "call", name: "addMembership", args: "239.7.7.7" }),
  udp("tx", { source: "event", name: "listening", local: TX }),
  udp("tx", { source: "call", name: "send", bytes: 4, preview: "ping", remote: GROUP }),
  udp("rx1", {
    source: "event",
    name: "message",
    bytes: 4,
    preview: "ping",
    remote: { address: "127.0.0.1", port: 40000 },
  }),
  udp("rx2", {
    source: "event",
    name: "message",
    bytes: 4,
    preview: "ping",
    remote: { address: "127.0.0.1", port: 40000 },
  }),
  udp("rx2", {
    source: "call",
    name: "send",
    bytes: 4,
    preview: "pong",
    remote: { address: "127.0.0.1", port: 40000 },
  }),
  udp("tx", {
    source: "event",
    name: "message",
    bytes: 4,
    preview: "pong",
    remote: { address: "127.0.0.1", port: 41234 },
  }),
  udp("tx", {
    source: "call",
    name: "send",
    bytes: 3,
    preview: "bye",
    remote: { address: "127.0.0.1", port: 9999 },
  }),
]);

Deno.test("sequenceModel: TCP lanes, accepted socket after its server, unwatched peers", () => {
  const model = sequenceModel(TCP);
  assertEquals(model.lanes.map((l) => [l.id, l.kind]), [
    ["server", "tcp-server"],
    ["server#1", "tcp-socket"],
    ["client", "tcp-socket"],
    ["c2", "tcp-socket"],
    ["127.0.0.1:9", "peer"],
    ["c3", "tcp-socket"],
    ["127.0.0.1:7000", "peer"],
  ]);
  assertEquals(model.lanes.find((l) => l.id === "client")?.detail, "127.0.0.1:50000");
  assertEquals(model.events, TCP.length);
  assertEquals(model.elided, undefined);
});

Deno.test("sequenceModel: TCP arrows follow the receiver, merge data, and fall back to calls", () => {
  const model = sequenceModel(TCP);
  assertEquals(
    model.arrows.map((a) => `${a.kind} ${a.from}>${a.to} ${a.label}`),
    [
      "connect client>server#1 connect",
      "data client>server#1 9 B “GET <a&b>”",
      "data server#1>client 5 B “hello”",
      "data client>server#1 3 chunks, 2.9 KiB",
      "fin client>server#1 FIN",
      "fin server#1>client FIN",
      "reset 127.0.0.1:9>c2 RST (ECONNREFUSED)",
      "connect c3>127.0.0.1:7000 connect",
      "data c3>127.0.0.1:7000 2 chunks, 10 B",
      "fin c3>127.0.0.1:7000 FIN",
      "reset c3>127.0.0.1:7000 RST",
    ],
  );
  const merged = model.arrows[3];
  assertEquals([merged.count, merged.bytes, merged.firstSeq, merged.lastSeq], [3, 3000, 12, 14]);
});

Deno.test("sequenceModel: TCP marks for local happenings", () => {
  const model = sequenceModel(TCP);
  assertEquals(
    model.marks.map((m) => `${m.lane}: ${m.label} (${m.tone})`),
    [
      "server: listening :8080 (good)",
      "server: connection → server#1 (good)",
      "client: write() → false (warn)",
      "client: drain (good)",
      "server#1: pause() (warn)",
      "server#1: resume() (good)",
      "client: close (neutral)",
      "server#1: close (neutral)",
      "c2: close (hadError) (bad)",
      "c3: resetAndDestroy() (bad)",
    ],
  );
  // Steps are in trace order: every step starts no earlier than the one before.
  for (let i = 1; i < model.steps.length; i++) {
    assert(model.steps[i].firstSeq >= model.steps[i - 1].firstSeq);
  }
});

Deno.test("sequenceModel: a client whose server end is not watched talks to the server lane", () => {
  const events = TCP.filter((e) => e.label !== "server#1");
  const model = sequenceModel(events);
  const kinds = model.arrows.filter((a) => a.from === "client" || a.to === "client")
    .map((a) => `${a.kind} ${a.from}>${a.to}`);
  // No accepted socket: data comes from the client's writes, FIN from its end().
  assertEquals(kinds, [
    "connect client>server",
    "data client>server",
    "data server>client",
    "data client>server",
    "fin client>server",
    "fin server>client",
  ]);
});

Deno.test("sequenceModel: an unwatched client connecting to a watched server", () => {
  const events = TCP.filter((e) => e.label === "server" || e.label === "server#1");
  const model = sequenceModel(events);
  assertEquals(model.lanes.map((l) => l.id), ["server", "server#1", "127.0.0.1:50000"]);
  assertEquals(
    model.arrows.map((a) => `${a.kind} ${a.from}>${a.to}`).slice(0, 2),
    ["connect 127.0.0.1:50000>server#1", "data 127.0.0.1:50000>server#1"],
  );
  // The accepted socket's writes go to the unwatched client.
  assert(model.arrows.some((a) => a.kind === "data" && a.to === "127.0.0.1:50000"));
});

Deno.test("sequenceModel: UDP multicast goes through the group lane, one arrow per receiver", () => {
  const model = sequenceModel(UDP);
  assertEquals(model.lanes.map((l) => [l.id, l.kind]), [
    ["rx1", "udp-socket"],
    ["rx2", "udp-socket"],
    ["tx", "udp-socket"],
    ["239.7.7.7:41234", "multicast"],
    ["127.0.0.1:9999", "peer"],
  ]);
  assertEquals(model.arrows.map((a) => `${a.kind} ${a.from}>${a.to} ${a.label}`), [
    "datagram tx>239.7.7.7:41234 4 B “ping”",
    "datagram 239.7.7.7:41234>rx1 4 B “ping”",
    "datagram 239.7.7.7:41234>rx2 4 B “ping”",
    "datagram rx2>tx 4 B “pong”",
    "datagram tx>127.0.0.1:9999 3 B “bye”",
  ]);
  assertEquals(model.marks.filter((m) => m.kind === "addMembership").length, 2);
});

Deno.test("sequenceModel: broadcast sends get a broadcast lane", () => {
  const bcast: Address = { address: "127.255.255.255", port: 41234 };
  const events = trace([
    udp("tx", { source: "call", name: "setBroadcast", args: "true" }),
    udp("tx", { source: "call", name: "send", bytes: 2, preview: "hi", remote: bcast }),
  ]);
  const model = sequenceModel(events);
  assertEquals(model.lanes[1], {
    id: "127.255.255.255:41234",
    label: "127.255.255.255:41234",
    kind: "broadcast",
    detail: "broadcast",
  });
  assertEquals(model.arrows.length, 1);
});

Deno.test("sequenceModel: consecutive same marks merge and failed calls are marked", () => {
  const events = trace([
    cli({ source: "call", name: "write", bytes: 1, returned: false }),
    cli({ source: "call", name: "write", bytes: 1, returned: false }),
    cli({ source: "call", name: "write", bytes: 1, returned: false }),
    cli({ source: "call", name: "write", code: "ERR_STREAM_DESTROYED", message: "destroyed" }),
  ]);
  const model = sequenceModel(events.map((e) => ({ ...e, remote: undefined })));
  assertEquals(model.marks.map((m) => [m.label, m.count]), [
    ["write() → false ×3", 3],
    ["write() threw ERR_STREAM_DESTROYED", 1],
  ]);
});

Deno.test("sequenceModel: long traces keep the first and last rows and count the rest", () => {
  const events: TraceEvent[] = [];
  for (let i = 0; i < 500; i++) {
    // Alternating directions never merge: 500 arrows.
    events.push(
      i % 2 === 0
        ? { ...cli({ source: "event", name: "data", bytes: 1 }), seq: i + 1, time: i }
        : { ...acc({ source: "event", name: "data", bytes: 1 }), seq: i + 1, time: i },
    );
  }
  const model = sequenceModel(events, { maxSteps: 100 });
  assertEquals(model.steps.length, 100);
  assertEquals(model.elided?.steps, 400);
  assertEquals(model.elided?.at, 50);
  assertEquals(model.steps[0].firstSeq, 1);
  assertEquals(model.steps[99].firstSeq, 500);
  const svg = renderSequenceDiagram(model);
  assertStringIncludes(svg, "400 more rows (400 arrows, 0 marks)");
  assertEquals(svg.match(/class="arrow /g)?.length, 100);
  assertThrows(() => sequenceModel(events, { maxSteps: 1 }), RangeError, "maxSteps");
});

Deno.test("renderSequenceDiagram: SVG structure, one element per arrow and mark, escaping", () => {
  const model = sequenceModel(TCP);
  const svg = renderSequenceDiagram(TCP, { title: "TCP <demo>" });
  assertMatch(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assertMatch(svg, /viewBox="0 0 \d+ \d+"/);
  assertStringIncludes(svg, 'font-family="sans-serif"');
  assertStringIncludes(svg, "<title>TCP &lt;demo&gt;</title>");
  assertEquals(svg.match(/<g class="arrow /g)?.length, model.arrows.length);
  assertEquals(svg.match(/<g class="mark /g)?.length, model.marks.length);
  assertEquals(svg.match(/<g class="lane /g)?.length, model.lanes.length);
  assertStringIncludes(svg, "GET &lt;a&amp;b&gt;");
  assert(!svg.includes("<a&b>"), "raw preview must not appear");
  assertStringIncludes(svg, "3 chunks, 2.9 KiB");
  assertStringIncludes(svg, "currentColor");
  const width = Number(/width="(\d+)"/.exec(svg)![1]);
  assert(width >= model.lanes.length * 150);
});

Deno.test("renderSequenceDiagram: an empty trace says so", () => {
  assertStringIncludes(renderSequenceDiagram([]), "no events recorded yet");
  assertEquals(renderSequenceText([]), "(no events recorded yet)");
});

Deno.test("renderSequenceText: one line per step", () => {
  const text = renderSequenceText(TCP);
  const lines = text.split("\n");
  assertEquals(lines.length, sequenceModel(TCP).steps.length);
  assertStringIncludes(text, "client → server#1: 3 chunks, 2.9 KiB");
  assertStringIncludes(text, "c2: close (hadError)");
});

/** A writer that outruns its reader: writes return false, then drain. */
const BACKPRESSURE = trace((() => {
  const drafts: Draft[] = [];
  let written = 0;
  let queued = 0;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 4; i++) {
      queued += 16384;
      drafts.push(cli({
        source: "call",
        name: "write",
        bytes: 16384,
        returned: queued < 32768,
        counters: { bytesWritten: written, writableLength: queued },
      }));
    }
    written += queued;
    queued = 0;
    drafts.push(cli({
      source: "event",
      name: "drain",
      counters: { bytesWritten: written, writableLength: 0 },
    }));
  }
  return drafts;
})());

Deno.test("backpressureSeries: counters, write() → false and drain", () => {
  const s = backpressureSeries(BACKPRESSURE, "client");
  assertEquals(s.bytesWritten.length, 15);
  assertEquals(s.writableLength.length, 15);
  assertEquals(s.writeFalse.length, 9);
  assertEquals(s.drain.length, 3);
  assertEquals(s.drain[2], [BACKPRESSURE[14].time, 0]);
  assertEquals(s.writeFalse[0], [BACKPRESSURE[1].time, 32768]);
});

Deno.test("renderBackpressureChart: two series, markers, axis labels with units", () => {
  const svg = renderBackpressureChart(BACKPRESSURE, { label: "client" });
  assertMatch(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* viewBox=/);
  assertStringIncludes(svg, "<title>Back-pressure of client</title>");
  assertEquals(svg.match(/class="series /g)?.length, 2);
  assertEquals(svg.match(/class="marker write-false"/g)?.length, 9);
  assertEquals(svg.match(/class="marker drain"/g)?.length, 3);
  assertStringIncludes(svg, "time since the lab opened (ms)");
  assertStringIncludes(svg, "bytesWritten (bytes)");
  assertStringIncludes(svg, "writableLength (bytes)");
  assertStringIncludes(svg, "write() returned false");
});

Deno.test("renderBackpressureChart: clear errors for unknown labels and servers", () => {
  assertThrows(
    () => renderBackpressureChart(BACKPRESSURE, { label: "nobody" }),
    Error,
    'no events recorded for label "nobody"; labels with events: client',
  );
  assertThrows(
    () => renderBackpressureChart(TCP, { label: "server" }),
    Error,
    "none with socket counters",
  );
});

Deno.test("renderBackpressureChart: 100,000 points stay small", () => {
  const events: TraceEvent[] = [];
  for (let i = 0; i < 100_000; i++) {
    events.push({
      seq: i + 1,
      time: i / 10,
      label: "w",
      kind: "tcp-socket",
      source: "call",
      name: "write",
      bytes: 100,
      returned: i % 50 !== 49,
      counters: { bytesWritten: i * 100, writableLength: (i % 50) * 100 },
    });
  }
  const svg = renderBackpressureChart(events, { label: "w" });
  assert(svg.length < 300_000, `SVG is ${svg.length} bytes`);
});

const TABLE: SocketTable = {
  ports: [8080],
  rows: [
    {
      protocol: "tcp",
      local: { address: "127.0.0.1", port: 8080, family: "IPv4" },
      remote: { address: "0.0.0.0", port: 0, family: "IPv4" },
      state: "LISTEN",
      stateCode: 10,
      sendQueue: 0,
      receiveQueue: 1,
      timer: { kind: "none", remainingMs: 0 },
      retransmits: 0,
      uid: 0,
      inode: 1,
    },
    {
      protocol: "tcp6",
      local: { address: "::ffff:127.0.0.1", port: 8080, family: "IPv6" },
      remote: { address: "::ffff:127.0.0.1", port: 50000, family: "IPv6" },
      state: "CLOSE_WAIT",
      stateCode: 8,
      sendQueue: 0,
      receiveQueue: 123456,
      timer: { kind: "keepalive", remainingMs: 29530 },
      retransmits: 0,
      uid: 0,
      inode: 2,
    },
  ],
};

Deno.test("renderSocketTableHtml: one row per socket, states and timers", () => {
  const html = renderSocketTableHtml(TABLE);
  assertEquals(html.match(/<tr>/g)?.length, 3); // header + 2 rows
  assertStringIncludes(html, "[::ffff:127.0.0.1]:50000");
  assertStringIncludes(html, "keep-alive in 29.53 s");
  assertStringIncludes(html, "123456");
  assertMatch(html, /background-color:#cf222e;color:#ffffff;[^"]*">CLOSE_WAIT/);
  assertStringIncludes(html, "Kernel sockets on ports 8080");
});

Deno.test("renderSocketTableHtml/Text: empty tables say why, escaped", () => {
  const why = { rows: [], reason: "/proc/net is not available on <darwin> & co" };
  assertStringIncludes(renderSocketTableHtml(why), "not available on &lt;darwin&gt; &amp; co");
  assertEquals(renderSocketTableText(why), "(/proc/net is not available on <darwin> & co)");
  assertEquals(
    renderSocketTableText({ rows: [], ports: [1, 2] }),
    "(no kernel sockets on the lab's ports (1, 2))",
  );
});

Deno.test("renderSocketTableText: aligned columns", () => {
  const lines = renderSocketTableText(TABLE).split("\n");
  assertEquals(lines.length, 3);
  assertMatch(lines[0], /^proto +local +remote +state +send-Q +recv-Q +timer$/);
  assertMatch(lines[1], /^tcp +127\.0\.0\.1:8080 +0\.0\.0\.0:\* +LISTEN +0 +1$/);
  assertStringIncludes(lines[2], "CLOSE_WAIT");
  // Columns line up: "state" starts where "LISTEN" and "CLOSE_WAIT" start.
  assertEquals(lines[0].indexOf("state"), lines[1].indexOf("LISTEN"));
  assertEquals(lines[0].indexOf("state"), lines[2].indexOf("CLOSE_WAIT"));
});

Deno.test("renderBarChart: bars, values with the unit, notes, escaping, errors", () => {
  const svg = renderBarChart({
    title: "Throughput <loopback>",
    unit: "MB/s",
    bars: [
      { label: "TCP & Nagle", value: 812.25 },
      { label: "UDP", value: 406, note: "2% lost" },
      { label: "idle", value: 0 },
    ],
  });
  assertEquals(svg.match(/<g class="bar">/g)?.length, 3);
  assertStringIncludes(svg, "812 MB/s");
  assertStringIncludes(svg, "406 MB/s");
  assertStringIncludes(svg, "(2% lost)");
  assertStringIncludes(svg, "TCP &amp; Nagle");
  assertStringIncludes(svg, "<title>Throughput &lt;loopback&gt;</title>");
  const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((m) =>
    Number(m[1])
  );
  assertEquals(widths.length, 3);
  assert(Math.abs(widths[0] / widths[1] - 2) < 0.01, `bar widths ${widths}`);
  assertThrows(
    () => renderBarChart({ title: "x", unit: "s", bars: [{ label: "a", value: NaN }] }),
    RangeError,
    "bars[0].value must be a finite number of at least 0, got NaN",
  );
});

Deno.test("svg helpers: escaping, control characters, truncation, document", () => {
  assertEquals(escapeXml(`<a href="x">&'`), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  assertEquals(escapeXml("bell\u0007"), "bell\uFFFD");
  assertEquals(escapeXml("tab\tnew\nline"), "tab\tnew\nline");
  assertEquals(truncate("abcdef", 4), "abc…");
  assertEquals(truncate("abc", 4), "abc");
  const svg = svgDocument({ width: 10.2, height: 5, title: "t", body: "" });
  assertStringIncludes(svg, 'width="11" height="5" viewBox="0 0 11 5"');
});

/** Each cell of an HTML table: its tag, alignment attribute, inline text-align and text. */
function cellsOf(html: string) {
  return [...html.matchAll(/<(td|th) align="(\w+)" style="text-align:(\w+);[^"]*">(.*?)<\/\1>/g)]
    .map(([, tag, attribute, style, content]) => ({
      tag,
      attribute,
      style,
      text: content.replace(/<[^>]+>/g, ""),
    }));
}

Deno.test("tables: text left-aligned and numbers right-aligned, by attribute and inline style", () => {
  const events = trace([
    cli({ source: "call", name: "write", bytes: 5, preview: "hello", returned: true }),
    cli({ source: "event", name: "drain", counters: { bytesWritten: 5, writableLength: 0 } }),
  ]);
  const flows = [{ from: "a", to: "b", sent: 10, received: 7, lost: 3 }];
  const tables: [string, string, string[]][] = [
    ["trace", renderTraceHtml(events), ["right", "right", "left", "left", "left", "left"]],
    ["sockets", renderSocketTableHtml(TABLE), [
      "left",
      "left",
      "left",
      "left",
      "right",
      "right",
      "left",
    ]],
    ["datagrams", renderDatagramHtml(flows), ["left", "left", "right", "right", "right", "right"]],
  ];
  for (const [name, html, columns] of tables) {
    const cells = cellsOf(html);
    assertEquals(cells.length % columns.length, 0, name);
    assert(cells.length >= 2 * columns.length, `${name}: a header and rows`);
    cells.forEach((cell, i) => {
      const want = columns[i % columns.length];
      assertEquals([cell.attribute, cell.style], [want, want], `${name} "${cell.text}"`);
    });
    // JupyterLab centres tables; these keep to the left of the output.
    assertMatch(html, /<table class="[\w-]+" style="[^"]*margin:0 0 8px 0/);
  }
  const summary = cellsOf(
    renderSummaryHtml({ label: "c", kind: "tcp-socket", state: "open", events: 2, calls: 1 }),
  );
  assert(summary.length >= 6 && summary.every((c) => c.attribute === "left" && c.style === "left"));
  // Coloured text comes as a badge with its own background (readable on any theme).
  assertMatch(renderDatagramHtml(flows), /background-color:#cf222e;color:#ffffff;[^"]*">3</);
});

Deno.test("drawings bring their own background and ink, and use no text below 10 px", () => {
  const drawings = [
    renderSequenceDiagram(TCP),
    renderBackpressureChart(BACKPRESSURE, { label: "client" }),
    renderBarChart({ title: "t", unit: "/s", bars: [{ label: "a", value: 1 }] }),
  ];
  for (const svg of drawings) {
    assertMatch(svg, /^<svg [^>]*color="#1f2328" fill="currentColor"/);
    assertMatch(svg, /<rect class="paper" x="\.5" y="\.5" width="\d+" height="\d+" fill="#ffffff"/);
    const sizes = [...svg.matchAll(/font-size[=:]"?([\d.]+)/g)].map((m) => Number(m[1]));
    assert(sizes.length > 0 && Math.min(...sizes) >= 10, `font sizes ${sizes}`);
  }
});

Deno.test("renderBarChart: the drawing grows until its labels, values and notes fit", () => {
  const note = "1.37 × node:net, 3 runs of 5";
  const bars = [
    { label: "node:net", value: 1653, note: "1.00 × node:net" },
    { label: "node:net watched by a lab", value: 1654, note: "1.00 × node:net" },
    { label: "Deno native", value: 2260, note },
  ];
  const svg = renderBarChart({ title: "Bulk transfer", unit: "MiB/s", bars, width: 300 });
  const width = Number(/width="(\d+)"/.exec(svg)![1]);
  // The longest bar's value (12 px) and note (11 px) start after the bar and must end inside.
  const [, x, value] = /<text x="([\d.]+)" y="\d+">(2,260 MiB\/s)/.exec(svg)!;
  const end = Number(x) + textWidth(value, 12) + textWidth(` (${note})`, 11);
  assert(end <= width, `value ends at ${end.toFixed(0)} px of ${width}`);
  assert(width > 300, `wider than asked: ${width}`);
  assertStringIncludes(svg, "node:net watched by a lab");
});

Deno.test("renderSequenceDiagram: marks on the last lane fit inside the drawing", () => {
  const events = trace([
    cli({ source: "event", name: "connect" }),
    cli({ source: "call", name: "setKeepAlive", args: "true, 1000" }),
    cli({ source: "call", name: "write", code: "ERR_STREAM_WRITE_AFTER_END", message: "x" }),
  ]);
  const svg = renderSequenceDiagram(events);
  const width = Number(/width="(\d+)"/.exec(svg)![1]);
  const marks = [
    ...svg.matchAll(/<g class="mark \w+">.*?<text x="([\d.]+)" y="\d+">(.*?)<\/text>/g),
  ];
  assertEquals(marks.length, sequenceModel(events).marks.length);
  for (const [, x, text] of marks) {
    const end = Number(x) + textWidth(text, 11);
    assert(end <= width, `"${text}" ends at ${end.toFixed(0)} of ${width}`);
  }
});

Deno.test("sequenceModel: a socket watched after it connected draws its writes to its peer", () => {
  const model = sequenceModel([{
    seq: 1,
    time: 0,
    label: "client",
    kind: "tcp-socket",
    source: "call",
    name: "write",
    bytes: 5,
    preview: "hello",
    returned: true,
    local: { address: "127.0.0.1", port: 50000 },
    remote: { address: "127.0.0.1", port: 8080 },
  }]);
  assertEquals(model.lanes.map((l) => l.id), ["client", "127.0.0.1:8080"]);
  assertEquals(model.arrows.map((a) => [a.kind, a.from, a.to, a.label]), [
    ["data", "client", "127.0.0.1:8080", "5 B “hello”"],
  ]);
});
