/**
 * Behaviours of `sequenceModel` that tests/render_test.ts does not check:
 * which endpoints are drawn, how peers are matched, the merge rules, resets,
 * shared UDP ports, lane order, elision, previews, option checks and address
 * normalisation. Every test asserts on the model itself.
 */

import { assertEquals, assertThrows } from "@std/assert";
import type { Address, EndpointKind, EventSource, TraceEvent } from "../lib/record/event.ts";
import { type SequenceModel, sequenceModel } from "../lib/render/sequence_model.ts";

// --- event factories ---------------------------------------------------------------------

type Draft = Omit<TraceEvent, "seq" | "time">;
type Extra = Partial<Omit<Draft, "label" | "kind" | "source" | "name">>;

/** Numbers drafts in order: seq from 1, time 10 ms apart (time = seq × 10). */
function trace(...drafts: Draft[]): TraceEvent[] {
  return drafts.map((d, i) => ({ seq: i + 1, time: (i + 1) * 10, ...d }));
}

const at = (address: string, port: number): Address => ({ address, port });

const draft = (
  kind: EndpointKind,
  label: string,
  source: EventSource,
  name: string,
  extra: Extra = {},
): Draft => ({ label, kind, source, name, ...extra });

/** A TCP socket's emitted event. */
const ev = (label: string, name: string, extra?: Extra) =>
  draft("tcp-socket", label, "event", name, extra);
/** A TCP socket's method call. */
const call = (label: string, name: string, extra?: Extra) =>
  draft("tcp-socket", label, "call", name, extra);
/** A TCP server's emitted event. */
const srvEv = (label: string, name: string, extra?: Extra) =>
  draft("tcp-server", label, "event", name, extra);
/** A TCP server's method call. */
const srvCall = (label: string, name: string, extra?: Extra) =>
  draft("tcp-server", label, "call", name, extra);
/** A UDP socket's emitted event. */
const uEv = (label: string, name: string, extra?: Extra) =>
  draft("udp-socket", label, "event", name, extra);
/** A UDP socket's method call. */
const uCall = (label: string, name: string, extra?: Extra) =>
  draft("udp-socket", label, "call", name, extra);

const SERVER = at("127.0.0.1", 8080);
const CLIENT = at("127.0.0.1", 50000);
const CLIENT2 = at("127.0.0.1", 50001);
const PEER = at("127.0.0.1", 7000);

/** `c`: a connected TCP socket whose peer (127.0.0.1:7000) is not watched. */
const C = { local: CLIENT, remote: PEER };
/** `client` connected to the watched accepted socket `server#1`. */
const CLI = { local: CLIENT, remote: SERVER };
const ACC = { local: SERVER, remote: CLIENT, parent: "server" };

/**
 * An event that draws nothing but tells the socket's remote end: the remote
 * of a TCP socket is read from its events (and connect() calls), never from
 * other calls. Appended to traces made of calls, it leaves their seqs alone.
 */
const known = (label: string, ends: Extra) => ev(label, "ready", ends);

// --- model summaries ---------------------------------------------------------------------

const lanes = (m: SequenceModel) => m.lanes.map((l) => `${l.id} ${l.kind}`);
const arrows = (m: SequenceModel) => m.arrows.map((a) => `${a.kind} ${a.from}>${a.to} ${a.label}`);
const marks = (m: SequenceModel) =>
  m.marks.map((k) => `${k.lane}: ${k.label} [${k.kind} ${k.tone}]`);
/** Every step in order: arrows as `from>to label`, marks as `lane: label`. */
const steps = (m: SequenceModel) =>
  m.steps.map((s) => s.type === "arrow" ? `${s.from}>${s.to} ${s.label}` : `${s.lane}: ${s.label}`);
const numbers = (m: SequenceModel) =>
  m.steps.map((s) => [s.count, s.firstSeq, s.lastSeq, s.startTime, s.endTime]);

// --- which endpoints ---------------------------------------------------------------------

/** A watched server, client and accepted socket, plus `c` talking to an unwatched peer. */
const CONVERSATION = trace(
  srvEv("server", "listening", { local: SERVER }),
  srvEv("server", "connection", { remote: CLIENT, preview: "server#1" }),
  ev("client", "connect", CLI),
  call("client", "write", { ...CLI, bytes: 3, preview: "GET", returned: true }),
  ev("server#1", "data", { ...ACC, bytes: 3, preview: "GET" }),
  call("server#1", "write", { ...ACC, bytes: 2, preview: "OK", returned: true }),
  ev("client", "data", { ...CLI, bytes: 2, preview: "OK" }),
  ev("c", "connect", C),
  call("c", "write", { ...C, bytes: 4, preview: "ping", returned: true }),
);

Deno.test("sequenceModel labels: only those endpoints, with their peers as unwatched lanes", () => {
  const client = sequenceModel(CONVERSATION, { labels: ["client"] });
  // Without server#1 the client talks to the address it connected to; its own
  // writes become the data arrows and its data events the replies.
  assertEquals(lanes(client), ["client tcp-socket", "127.0.0.1:8080 peer"]);
  assertEquals(arrows(client), [
    "connect client>127.0.0.1:8080 connect",
    "data client>127.0.0.1:8080 3 B “GET”",
    "data 127.0.0.1:8080>client 2 B “OK”",
  ]);
  assertEquals(client.events, 3, "events counts only the selected endpoints' events");

  const server = sequenceModel(CONVERSATION, { labels: new Set(["server", "server#1"]) });
  assertEquals(lanes(server), ["server tcp-server", "server#1 tcp-socket", "127.0.0.1:50000 peer"]);
  assertEquals(arrows(server), [
    "connect 127.0.0.1:50000>server#1 connect",
    "data 127.0.0.1:50000>server#1 3 B “GET”",
    "data server#1>127.0.0.1:50000 2 B “OK”",
  ]);
  assertEquals(server.events, 4);

  // Any iterable of labels works.
  function* onlyC() {
    yield "c";
  }
  const c = sequenceModel(CONVERSATION, { labels: onlyC() });
  assertEquals(lanes(c), ["c tcp-socket", "127.0.0.1:7000 peer"]);
  assertEquals(c.events, 2);

  for (const labels of [[], ["nobody"]]) {
    const none = sequenceModel(CONVERSATION, { labels });
    assertEquals([none.lanes.length, none.steps.length, none.events], [0, 0, 0], `${labels}`);
  }
  const all = sequenceModel(CONVERSATION);
  assertEquals(all.events, CONVERSATION.length);
  assertEquals(lanes(all), [
    "server tcp-server",
    "server#1 tcp-socket",
    "client tcp-socket",
    "c tcp-socket",
    "127.0.0.1:7000 peer",
  ]);
  // Both ends watched: one connect arrow (the client's), data from the receivers' events.
  assertEquals(arrows(all), [
    "connect client>server#1 connect",
    "data client>server#1 3 B “GET”",
    "data server#1>client 2 B “OK”",
    "connect c>127.0.0.1:7000 connect",
    "data c>127.0.0.1:7000 4 B “ping”",
  ]);
});

Deno.test("sequenceModel: events in any order are drawn in seq order, the input untouched", () => {
  const reversed = [...CONVERSATION].reverse();
  const model = sequenceModel(reversed);
  assertEquals(model, sequenceModel(CONVERSATION));
  assertEquals(reversed[0].seq, CONVERSATION.length, "the caller's array is not sorted in place");
});

// --- matching peers ----------------------------------------------------------------------

Deno.test("sequenceModel: a server on a wildcard address is the peer of a connect to 127.0.0.1", () => {
  for (const wildcard of ["0.0.0.0", "::", ""]) {
    const model = sequenceModel(trace(
      srvEv("server", "listening", { local: at(wildcard, 8080) }),
      ev("client", "connect", CLI),
      call("client", "write", { ...CLI, bytes: 2, preview: "hi", returned: true }),
    ));
    assertEquals(
      lanes(model),
      ["server tcp-server", "client tcp-socket"],
      `server on "${wildcard}"`,
    );
    assertEquals(arrows(model), [
      "connect client>server connect",
      "data client>server 2 B “hi”",
    ], `server on "${wildcard}"`);
  }
  // "::" also accepts a connect to ::1.
  const v6 = sequenceModel(trace(
    srvEv("server", "listening", { local: at("::", 8080) }),
    ev("client", "connect", { local: at("::1", 50000), remote: at("::1", 8080) }),
  ));
  assertEquals(arrows(v6), ["connect client>server connect"]);
});

Deno.test("sequenceModel: a server on another address or port is not the peer", () => {
  for (const local of [at("127.0.0.2", 8080), at("127.0.0.1", 8081), at("0.0.0.0", 8081)]) {
    const model = sequenceModel(trace(
      srvEv("server", "listening", { local }),
      ev("client", "connect", CLI),
    ));
    assertEquals(
      arrows(model),
      ["connect client>127.0.0.1:8080 connect"],
      `server on ${local.address}:${local.port}`,
    );
  }
  // A server whose address is not known yet matches nothing; its mark has no port.
  const unknown = sequenceModel(trace(srvEv("server", "listening"), ev("client", "connect", CLI)));
  assertEquals(arrows(unknown), ["connect client>127.0.0.1:8080 connect"]);
  assertEquals(marks(unknown), ["server: listening [listening good]"]);
});

Deno.test("sequenceModel: an accepted socket's unwatched client is never taken for a server", () => {
  // "other" listens on the client's port: server#1's peer is still the client's address.
  const model = sequenceModel(trace(
    srvEv("other", "listening", { local: at("0.0.0.0", 50000) }),
    ev("server#1", "data", { ...ACC, bytes: 1 }),
  ));
  assertEquals(arrows(model), ["data 127.0.0.1:50000>server#1 1 B"]);
});

Deno.test("sequenceModel: two clients of one server pair with their own accepted sockets", () => {
  const cli2 = { local: CLIENT2, remote: SERVER };
  const acc2 = { local: SERVER, remote: CLIENT2, parent: "server" };
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    ev("client2", "connect", cli2),
    ev("server#1", "data", { ...ACC, bytes: 1, preview: "a" }),
    ev("server#2", "data", { ...acc2, bytes: 1, preview: "b" }),
    ev("client", "data", { ...CLI, bytes: 1, preview: "c" }),
    ev("client2", "data", { ...cli2, bytes: 1, preview: "d" }),
  ));
  // Both accepted sockets have the local address 127.0.0.1:8080: the pairs are
  // told apart by the remote ends.
  assertEquals(arrows(model), [
    "connect client>server#1 connect",
    "connect client2>server#2 connect",
    "data client>server#1 1 B “a”",
    "data client2>server#2 1 B “b”",
    "data server#1>client 1 B “c”",
    "data server#2>client2 1 B “d”",
  ]);
});

Deno.test("sequenceModel: connections with the same ports on two addresses pair by address", () => {
  // A server on 0.0.0.0:8080 reached on 127.0.0.1 and on 127.0.0.2 from port 50000 both times.
  const one = { local: at("127.0.0.1", 50000), remote: at("127.0.0.1", 8080) };
  const two = { local: at("127.0.0.2", 50000), remote: at("127.0.0.2", 8080) };
  const acc = (ends: typeof one) => ({ local: ends.remote, remote: ends.local, parent: "server" });
  const model = sequenceModel(trace(
    ev("one", "connect", one),
    ev("two", "connect", two),
    ev("server#1", "data", { ...acc(one), bytes: 1 }),
    ev("server#2", "data", { ...acc(two), bytes: 2 }),
  ));
  assertEquals(arrows(model), [
    "connect one>server#1 connect",
    "connect two>server#2 connect",
    "data one>server#1 1 B",
    "data two>server#2 2 B",
  ]);
});

Deno.test("sequenceModel: ends that see different addresses (NAT) pair by their ports", () => {
  const cli = { local: at("10.1.1.2", 50000), remote: at("10.1.1.1", 8080) };
  const acc = { local: at("10.1.1.3", 8080), remote: at("10.1.1.4", 50000), parent: "server" };
  const model = sequenceModel(trace(
    ev("client", "connect", cli),
    ev("server#1", "data", { ...acc, bytes: 2 }),
    ev("client", "data", { ...cli, bytes: 3 }),
  ));
  assertEquals(lanes(model), ["client tcp-socket", "server#1 tcp-socket"]);
  assertEquals(arrows(model), [
    "connect client>server#1 connect",
    "data client>server#1 2 B",
    "data server#1>client 3 B",
  ]);
});

Deno.test("sequenceModel: the connected address wins over the connect() call's target", () => {
  const model = sequenceModel(trace(
    call("web", "connect", { remote: at("example.test", 80) }),
    ev("web", "connect", { local: CLIENT, remote: at("93.184.216.34", 80) }),
    // A later record with another remote does not move the lane.
    ev("web", "data", { local: CLIENT, remote: at("10.0.0.1", 80), bytes: 1 }),
  ));
  assertEquals(arrows(model), [
    "connect web>93.184.216.34:80 connect",
    "data 93.184.216.34:80>web 1 B",
  ]);
  // Without a connection the call's target is the peer.
  const refused = sequenceModel(trace(
    call("web", "connect", { remote: at("example.test", 80) }),
    ev("web", "error", { code: "ECONNREFUSED" }),
  ));
  assertEquals(arrows(refused), ["reset example.test:80>web RST (ECONNREFUSED)"]);
  assertEquals(lanes(refused), ["web tcp-socket", "example.test:80 peer"]);
});

Deno.test("sequenceModel: a lookup event's address is not taken as the remote end", () => {
  const model = sequenceModel(trace(
    call("c", "connect", { remote: at("localhost", 7000) }),
    ev("c", "lookup", { remote: at("::1", 7000), args: "localhost → ::1 (IPv6)" }),
    ev("c", "connect", C),
    call("c", "write", { ...C, bytes: 1, returned: true }),
  ));
  assertEquals(lanes(model), ["c tcp-socket", "127.0.0.1:7000 peer"]);
  assertEquals(arrows(model), ["connect c>127.0.0.1:7000 connect", "data c>127.0.0.1:7000 1 B"]);
  assertEquals(model.marks.length, 0, "lookup draws nothing");
});

Deno.test("sequenceModel: a socket with no known remote draws no arrows, only marks", () => {
  const model = sequenceModel(trace(
    ev("lonely", "data", { local: CLIENT, bytes: 5 }),
    call("lonely", "write", { local: CLIENT, bytes: 5, returned: false }),
    call("lonely", "end", { local: CLIENT }),
    ev("lonely", "end", { local: CLIENT }),
  ));
  assertEquals(lanes(model), ["lonely tcp-socket"]);
  assertEquals(steps(model), ["lonely: write() → false"]);
  assertEquals(model.lanes[0].detail, "127.0.0.1:50000");
});

// --- address normalisation ---------------------------------------------------------------

Deno.test("sequenceModel: IPv6 address keys are bracketed", () => {
  const model = sequenceModel(trace(
    ev("c6", "connect", { local: at("::1", 50000), remote: at("::1", 8080) }),
    uCall("u6", "send", { local: at("::", 41234), bytes: 1, remote: at("FE80::1", 9) }),
  ));
  assertEquals(lanes(model), [
    "c6 tcp-socket",
    "[::1]:8080 peer",
    "u6 udp-socket",
    "[fe80::1]:9 peer",
  ]);
  assertEquals(model.lanes.map((l) => l.detail), [
    "[::1]:50000",
    "not watched",
    "[::]:41234",
    "not watched",
  ]);
});

Deno.test("sequenceModel: IPv4-mapped ::ffff:127.0.0.1 is 127.0.0.1", () => {
  const mapped = (port: number) => at("::FFFF:127.0.0.1", port);
  // A server on the mapped address is the peer of a connect to 127.0.0.1.
  const model = sequenceModel(trace(
    srvEv("server", "listening", { local: mapped(8080) }),
    ev("client", "connect", CLI),
    uEv("rx", "listening", { local: mapped(9000) }),
    uCall("tx", "send", { local: at("127.0.0.1", 40000), bytes: 1, remote: at("127.0.0.1", 9000) }),
    uEv("rx", "message", { local: mapped(9000), bytes: 1, remote: mapped(40000) }),
  ));
  assertEquals(arrows(model), ["connect client>server connect", "datagram tx>rx 1 B"]);
  assertEquals(model.lanes.find((l) => l.id === "server")?.detail, "127.0.0.1:8080");
  assertEquals(marks(model), [
    "server: listening :8080 [listening good]",
    "rx: listening :9000 [listening good]",
  ]);
});

Deno.test("sequenceModel: localhost is 127.0.0.1", () => {
  const model = sequenceModel(trace(
    srvEv("server", "listening", { local: at("127.0.0.1", 8080) }),
    call("client", "connect", { remote: at("LocalHost", 8080) }),
    call("client", "end", { bytes: 1 }),
    call("other", "connect", { remote: at("localhost", 9) }),
    ev("other", "error", { code: "ECONNREFUSED" }),
  ));
  assertEquals(lanes(model), [
    "server tcp-server",
    "client tcp-socket",
    "other tcp-socket",
    "127.0.0.1:9 peer",
  ]);
  assertEquals(arrows(model), [
    "data client>server 1 B",
    "fin client>server FIN",
    "reset 127.0.0.1:9>other RST (ECONNREFUSED)",
  ]);
});

// --- merging arrows ----------------------------------------------------------------------

Deno.test("sequenceModel: consecutive data between the same lanes merge into N chunks", () => {
  const model = sequenceModel(trace(
    ev("c", "connect", C),
    call("c", "write", { ...C, bytes: 1000, preview: "a", returned: true }),
    call("c", "write", { ...C, bytes: 1000, preview: "b", returned: true }),
    call("c", "write", { ...C, bytes: 48, preview: "c", returned: true }),
  ));
  assertEquals(arrows(model), [
    "connect c>127.0.0.1:7000 connect",
    "data c>127.0.0.1:7000 3 chunks, 2.0 KiB",
  ]);
  const merged = model.arrows[1];
  assertEquals(
    [merged.count, merged.bytes, merged.firstSeq, merged.lastSeq, merged.startTime, merged.endTime],
    [3, 2048, 2, 4, 20, 40],
  );
  assertEquals([model.arrows[0].count, model.arrows[0].bytes], [1, 0], "connect stays alone");
  // Two chunks, in the direction of the receiver's data events.
  const two = sequenceModel(trace(
    ev("server#1", "data", { ...ACC, bytes: 1 }),
    ev("server#1", "data", { ...ACC, bytes: 2 }),
  ));
  assertEquals(arrows(two), ["data 127.0.0.1:50000>server#1 2 chunks, 3 B"]);
});

Deno.test("sequenceModel: data does not merge with a connect or with the other direction", () => {
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    ev("server#1", "data", { ...ACC, bytes: 1 }),
    ev("client", "data", { ...CLI, bytes: 2 }),
    ev("server#1", "data", { ...ACC, bytes: 3 }),
  ));
  assertEquals(arrows(model), [
    "connect client>server#1 connect",
    "data client>server#1 1 B",
    "data server#1>client 2 B",
    "data client>server#1 3 B",
  ]);
});

Deno.test("sequenceModel: a mark on the sending lane between two chunks breaks the merge", () => {
  const model = sequenceModel(trace(
    call("c", "write", { ...C, bytes: 1, returned: true }),
    call("c", "setTimeout", { ...C, args: "1000" }),
    call("c", "write", { ...C, bytes: 2, returned: true }),
    call("c", "write", { ...C, bytes: 3, returned: true }),
    known("c", C),
  ));
  assertEquals(steps(model), [
    "c>127.0.0.1:7000 1 B",
    "c: setTimeout(1000)",
    "c>127.0.0.1:7000 2 chunks, 5 B",
  ]);
});

Deno.test("sequenceModel: a mark on the receiving lane between two chunks breaks the merge", () => {
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    ev("server#1", "data", { ...ACC, bytes: 1 }),
    call("server#1", "pause", ACC),
    ev("server#1", "data", { ...ACC, bytes: 2 }),
    call("client", "setKeepAlive", { ...CLI, args: "true" }),
    ev("server#1", "data", { ...ACC, bytes: 3 }),
  ));
  assertEquals(steps(model), [
    "client>server#1 connect",
    "client>server#1 1 B",
    "server#1: pause()",
    "client>server#1 2 B",
    "client: setKeepAlive(true)",
    "client>server#1 3 B",
  ]);
});

Deno.test("sequenceModel: an arrow to a third lane breaks the merge, other lanes do not", () => {
  const d = { ...C, local: CLIENT2 };
  const x = { local: at("127.0.0.1", 50002), remote: at("127.0.0.1", 7001) };
  const model = sequenceModel(trace(
    call("c", "write", { ...C, bytes: 1, returned: true }),
    // d writes to the same unwatched peer: the peer lane has something else.
    call("d", "write", { ...d, bytes: 1, returned: true }),
    call("c", "write", { ...C, bytes: 1, returned: true }),
    // x talks to another peer and pauses: nothing on c's or the peer's lane.
    call("x", "write", { ...x, bytes: 9, returned: true }),
    call("x", "pause", x),
    call("c", "write", { ...C, bytes: 1, returned: true }),
    known("c", C),
    known("d", d),
    known("x", x),
  ));
  assertEquals(steps(model), [
    "c>127.0.0.1:7000 1 B",
    "d>127.0.0.1:7000 1 B",
    "c>127.0.0.1:7000 2 chunks, 2 B",
    "x>127.0.0.1:7001 9 B",
    "x: pause()",
  ]);
  assertEquals(model.steps[2].firstSeq, 3);
  assertEquals(model.steps[2].lastSeq, 6);
});

Deno.test("sequenceModel: datagrams merge as N datagrams, both sent and received", () => {
  const tx = { local: at("0.0.0.0", 40000) };
  const rx = { local: at("0.0.0.0", 41234) };
  const model = sequenceModel(trace(
    uCall("tx", "send", { ...tx, bytes: 4, preview: "one", remote: at("127.0.0.1", 9999) }),
    uCall("tx", "send", { ...tx, bytes: 4, preview: "two", remote: at("127.0.0.1", 9999) }),
    uCall("tx", "send", { ...tx, bytes: 2000, remote: at("127.0.0.1", 9999) }),
    uEv("rx", "message", { ...rx, bytes: 1, remote: at("127.0.0.1", 5555) }),
    uEv("rx", "message", { ...rx, bytes: 1, remote: at("127.0.0.1", 5555) }),
  ));
  assertEquals(arrows(model), [
    "datagram tx>127.0.0.1:9999 3 datagrams, 2.0 KiB",
    "datagram 127.0.0.1:5555>rx 2 datagrams, 2 B",
  ]);
  assertEquals(model.arrows.map((a) => [a.count, a.bytes]), [[3, 2008], [2, 2]]);
});

Deno.test("sequenceModel: connect, FIN and reset arrows never merge", () => {
  const model = sequenceModel(trace(
    ev("c", "connect", C),
    ev("c", "connect", C),
    call("c", "end", C),
    call("c", "end", C),
    ev("c", "error", { ...C, code: "ECONNRESET" }),
    ev("c", "error", { ...C, code: "ECONNRESET" }),
    ev("c", "end", C),
    ev("c", "end", C),
  ));
  assertEquals(arrows(model), [
    "connect c>127.0.0.1:7000 connect",
    "connect c>127.0.0.1:7000 connect",
    "fin c>127.0.0.1:7000 FIN",
    "fin c>127.0.0.1:7000 FIN",
    "reset 127.0.0.1:7000>c RST (ECONNRESET)",
    "reset 127.0.0.1:7000>c RST (ECONNRESET)",
    "fin 127.0.0.1:7000>c FIN",
    "fin 127.0.0.1:7000>c FIN",
  ]);
  assertEquals(model.arrows.map((a) => a.count), [1, 1, 1, 1, 1, 1, 1, 1]);
});

// --- merging marks -----------------------------------------------------------------------

Deno.test("sequenceModel: the same mark repeated merges with ×N, another label does not", () => {
  const x = { local: CLIENT2 };
  const model = sequenceModel(trace(
    call("c", "pause", C),
    call("c", "pause", C),
    call("x", "pause", x), // another lane does not interrupt c's run
    call("c", "pause", C),
    call("c", "setKeepAlive", { ...C, args: "true, 1000" }),
    call("c", "setKeepAlive", { ...C, args: "false" }),
    call("c", "setKeepAlive", { ...C, args: "false" }),
    call("c", "write", { ...C, bytes: 1, returned: true }),
    call("c", "setKeepAlive", { ...C, args: "false" }),
    known("c", C),
  ));
  assertEquals(steps(model), [
    "c: pause() ×3",
    "x: pause()",
    "c: setKeepAlive(true, 1000)",
    "c: setKeepAlive(false) ×2",
    "c>127.0.0.1:7000 1 B",
    "c: setKeepAlive(false)",
  ]);
  assertEquals(numbers(model), [
    [3, 1, 4, 10, 40],
    [1, 3, 3, 30, 30],
    [1, 5, 5, 50, 50],
    [2, 6, 7, 60, 70],
    [1, 8, 8, 80, 80],
    [1, 9, 9, 90, 90],
  ]);
  assertEquals(model.marks[0].tone, "warn");
});

// --- data, FIN and resets from calls -----------------------------------------------------

Deno.test("sequenceModel: end(data) to an unwatched peer draws the data and then a FIN", () => {
  const model = sequenceModel(trace(
    call("c", "end", { ...C, bytes: 3, preview: "bye" }),
    call("c", "end", C),
    known("c", C),
  ));
  assertEquals(arrows(model), [
    "data c>127.0.0.1:7000 3 B “bye”",
    "fin c>127.0.0.1:7000 FIN",
    "fin c>127.0.0.1:7000 FIN",
  ]);
  assertEquals(model.arrows.map((a) => a.bytes), [3, 0, 0], "a FIN carries no bytes");
  assertEquals(model.arrows.map((a) => a.firstSeq), [1, 1, 2]);
});

Deno.test("sequenceModel: calls to a watched peer draw nothing, its events do", () => {
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    call("client", "write", { ...CLI, bytes: 5, returned: true }),
    call("client", "end", { ...CLI, bytes: 2, preview: "ok" }),
    call("client", "resetAndDestroy", CLI),
    ev("server#1", "end", ACC),
    ev("server#1", "error", { ...ACC, code: "ECONNRESET", message: "read ECONNRESET" }),
  ));
  assertEquals(steps(model), [
    "client>server#1 connect",
    "client: resetAndDestroy()",
    "client>server#1 FIN",
    "client>server#1 RST (ECONNRESET)",
  ]);
  assertEquals(model.marks[0].tone, "bad");
});

Deno.test("sequenceModel: resetAndDestroy() to an unwatched peer is a mark and an RST arrow", () => {
  const model = sequenceModel(trace(call("c", "resetAndDestroy", C), known("c", C)));
  assertEquals(steps(model), ["c: resetAndDestroy()", "c>127.0.0.1:7000 RST"]);
  assertEquals(model.arrows[0].kind, "reset");
});

Deno.test("sequenceModel: ECONNRESET and ECONNREFUSED are resets, other errors are marks", () => {
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    ev("client", "error", { ...CLI, code: "ECONNRESET" }),
    ev("server#1", "error", { ...ACC, code: "ECONNREFUSED" }),
    ev("client", "error", { ...CLI, code: "EPIPE", message: "write EPIPE" }),
    ev("client", "error", { ...CLI, message: "boom" }),
    ev("client", "error", CLI),
  ));
  assertEquals(arrows(model), [
    "connect client>server#1 connect",
    "reset server#1>client RST (ECONNRESET)",
    "reset client>server#1 RST (ECONNREFUSED)",
  ]);
  assertEquals(marks(model), [
    "client: error EPIPE [error bad]",
    "client: error boom [error bad]",
    "client: error [error bad]",
  ]);
});

// --- marks -------------------------------------------------------------------------------

Deno.test("sequenceModel: failed calls become call-failed marks and draw nothing else", () => {
  const model = sequenceModel(trace(
    call("c", "write", { ...C, bytes: 3, code: "ERR_STREAM_DESTROYED", message: "destroyed" }),
    call("c", "end", { ...C, bytes: 3, code: "EPIPE" }),
    uCall("tx", "send", { bytes: 1, remote: at("239.7.7.7", 41234), code: "EMSGSIZE" }),
    known("c", C),
  ));
  assertEquals(arrows(model), []);
  assertEquals(marks(model), [
    "c: write() threw ERR_STREAM_DESTROYED [call-failed bad]",
    "c: end() threw EPIPE [call-failed bad]",
    "tx: send() threw EMSGSIZE [call-failed bad]",
  ]);
  assertEquals(
    lanes(model),
    ["c tcp-socket", "tx udp-socket", "127.0.0.1:7000 peer"],
    "no lane for a failed send's target",
  );
});

Deno.test("sequenceModel: TCP socket marks, their kinds and tones", () => {
  const model = sequenceModel(trace(
    ev("c", "ready", C), // not drawn
    call("c", "setNoDelay", C), // not drawn
    call("c", "setTimeout", { ...C, args: "5000" }),
    ev("c", "timeout", C),
    call("c", "write", { ...C, bytes: 1, returned: false }),
    ev("c", "drain", C),
    call("c", "pause", C),
    call("c", "resume", C),
    call("c", "setKeepAlive", C),
    call("c", "destroy", { ...C, args: "Error: x" }),
    ev("c", "close", { ...C, hadError: true }),
    ev("c", "close", { ...C, hadError: false }),
    ev("c", "close", C),
  ));
  assertEquals(marks(model), [
    "c: setTimeout(5000) [setTimeout neutral]",
    "c: timeout [timeout warn]",
    "c: write() → false [write-false warn]",
    "c: drain [drain good]",
    "c: pause() [pause warn]",
    "c: resume() [resume good]",
    "c: setKeepAlive() [setKeepAlive neutral]",
    "c: destroy(Error: x) [destroy neutral]",
    "c: close (hadError) [close bad]",
    "c: close ×2 [close neutral]",
  ]);
  assertEquals(arrows(model), ["data c>127.0.0.1:7000 1 B"]);
});

Deno.test("sequenceModel: server marks, their kinds and tones", () => {
  const model = sequenceModel(trace(
    srvCall("server", "listen", { args: "8080" }), // not drawn
    srvEv("server", "listening", { local: SERVER }),
    srvEv("server", "connection"),
    srvEv("server", "drop", { remote: CLIENT }),
    srvEv("server", "error", { code: "EADDRINUSE", message: "in use" }),
    srvCall("server", "close"),
    srvEv("server", "close"),
  ));
  assertEquals(marks(model), [
    "server: listening :8080 [listening good]",
    "server: connection [connection good]",
    "server: drop (maxConnections) [drop bad]",
    "server: error EADDRINUSE [error bad]",
    "server: close(): stop accepting [close() neutral]",
    "server: close [close neutral]",
  ]);
  assertEquals(arrows(model), []);
  assertEquals(lanes(model), ["server tcp-server"]);
});

Deno.test("sequenceModel: a connection draws connect from the client's address to the accepted lane", () => {
  // The accepted socket has no remote of its own: the connection's remote is used.
  const model = sequenceModel(trace(
    srvEv("server", "connection", { remote: CLIENT, preview: "server#1" }),
    ev("server#1", "data", { local: SERVER, parent: "server", bytes: 1 }),
    // Without a remote, or for a socket that is not watched: only the mark.
    srvEv("server", "connection", { preview: "server#2" }),
    ev("server#2", "data", { local: SERVER, parent: "server", bytes: 1 }),
    srvEv("server", "connection", { remote: CLIENT2, preview: "server#3" }),
  ));
  assertEquals(steps(model), [
    "server: connection → server#1",
    "127.0.0.1:50000>server#1 connect",
    "server: connection → server#2",
    "server: connection → server#3",
  ]);
  assertEquals(lanes(model), [
    "server tcp-server",
    "server#1 tcp-socket",
    "server#2 tcp-socket",
    "127.0.0.1:50000 peer",
  ]);
  // With labels, a server brings the sockets it accepted (as trace.select() does); the client
  // left out becomes an unwatched peer at its address.
  const alone = sequenceModel(CONVERSATION, { labels: ["server"] });
  assertEquals(steps(alone), [
    "server: listening :8080",
    "server: connection → server#1",
    "127.0.0.1:50000>server#1 connect",
    "127.0.0.1:50000>server#1 3 B “GET”",
    "server#1>127.0.0.1:50000 2 B “OK”",
  ]);
  assertEquals(lanes(alone), ["server tcp-server", "server#1 tcp-socket", "127.0.0.1:50000 peer"]);
});

// --- UDP ---------------------------------------------------------------------------------

Deno.test("sequenceModel: UDP marks: listening, connect, sent with a code, memberships", () => {
  const u = { local: at("0.0.0.0", 41234) };
  const model = sequenceModel(trace(
    uCall("u", "bind", { args: "41234" }), // not drawn
    uEv("u", "listening", u),
    uEv("u", "connect", { ...u, remote: at("127.0.0.1", 9000) }),
    uEv("u", "connect", { ...u, remote: at("::1", 9000) }),
    uEv("u", "connect", u),
    uEv("u", "sent", { ...u, bytes: 3 }), // a successful send: nothing
    uEv("u", "sent", { ...u, bytes: 70000, code: "EMSGSIZE", message: "too big" }),
    uCall("u", "setBroadcast", { ...u, args: "true" }),
    uCall("u", "addMembership", { ...u, args: "239.1.1.1" }),
    uCall("u", "dropMembership", { ...u, args: "239.1.1.1" }),
    uEv("u", "message", { ...u, bytes: 1 }), // no sender known: nothing
    uEv("u", "error", { ...u, code: "EACCES" }),
    uEv("u", "close", u),
  ));
  assertEquals(marks(model), [
    "u: listening :41234 [listening good]",
    "u: connect → 127.0.0.1:9000 [connect good]",
    "u: connect → [::1]:9000 [connect good]",
    "u: connect [connect good]",
    "u: send failed EMSGSIZE [sent bad]",
    "u: setBroadcast(true) [setBroadcast neutral]",
    "u: addMembership(239.1.1.1) [addMembership neutral]",
    "u: dropMembership(239.1.1.1) [dropMembership neutral]",
    "u: error EACCES [error bad]",
    "u: close [close neutral]",
  ]);
  assertEquals(arrows(model), []);
  const bare = sequenceModel(trace(uEv("v", "listening")));
  assertEquals(marks(bare), ["v: listening [listening good]"]);
});

Deno.test("sequenceModel: a UDP socket's address is the first one with a real port", () => {
  const model = sequenceModel(trace(
    uCall("rx", "bind", { local: at("0.0.0.0", 0) }),
    uEv("rx", "listening", { local: at("0.0.0.0", 41234) }),
    uCall("tx", "send", { local: at("0.0.0.0", 40000), bytes: 1, remote: at("127.0.0.1", 41234) }),
    uEv("rx", "message", { local: at("0.0.0.0", 41234), bytes: 1, remote: at("127.0.0.1", 40000) }),
  ));
  assertEquals(model.lanes.map((l) => l.detail), ["0.0.0.0:41234", "0.0.0.0:40000"]);
  // The send found its watched receiver: only the receiver's message is drawn.
  assertEquals(arrows(model), ["datagram tx>rx 1 B"]);
  // A socket's lane shows the first local address it was seen with.
  const tcp = sequenceModel(trace(ev("c", "connect", C), ev("c", "close", { local: CLIENT2 })));
  assertEquals(tcp.lanes[0].detail, "127.0.0.1:50000");
});

Deno.test("sequenceModel: UDP sends to a watched port draw nothing, other sends a peer arrow", () => {
  const p = { local: at("127.0.0.1", 9000) };
  const tx = { local: at("127.0.0.1", 40000) };
  const model = sequenceModel(trace(
    uEv("p", "listening", p),
    uCall("tx", "send", { ...tx, bytes: 1, preview: "a", remote: at("0.0.0.0", 9000) }),
    uEv("p", "message", { ...p, bytes: 1, preview: "a", remote: at("127.0.0.1", 40000) }),
    uCall("tx", "send", { ...tx, bytes: 1, preview: "b", remote: at("127.0.0.2", 9000) }),
    uCall("tx", "send", { ...tx, bytes: 1, preview: "c", remote: at("127.0.0.1", 9001) }),
  ));
  assertEquals(arrows(model), [
    "datagram tx>p 1 B “a”",
    "datagram tx>127.0.0.2:9000 1 B “b”",
    "datagram tx>127.0.0.1:9001 1 B “c”",
  ]);
  assertEquals(lanes(model), [
    "p udp-socket",
    "tx udp-socket",
    "127.0.0.2:9000 peer",
    "127.0.0.1:9001 peer",
  ]);
});

Deno.test("sequenceModel: broadcast and multicast addresses get their own lane kinds", () => {
  const sends = [
    "10.0.0.255",
    "255.255.255.255",
    "224.0.0.251",
    "239.255.255.255",
    "223.1.1.1",
    "240.0.0.1",
    "ff02::fb",
  ];
  const model = sequenceModel(trace(
    ...sends.map((address) =>
      uCall("tx", "send", { local: at("0.0.0.0", 40000), bytes: 1, remote: at(address, 5353) })
    ),
  ));
  assertEquals(model.lanes.map((l) => `${l.id} ${l.kind} (${l.detail})`), [
    "tx udp-socket (0.0.0.0:40000)",
    "10.0.0.255:5353 broadcast (broadcast)",
    "255.255.255.255:5353 broadcast (broadcast)",
    "224.0.0.251:5353 multicast (multicast group)",
    "239.255.255.255:5353 multicast (multicast group)",
    "223.1.1.1:5353 peer (not watched)",
    "240.0.0.1:5353 peer (not watched)",
    "[ff02::fb]:5353 multicast (multicast group)",
  ]);
  assertEquals(model.arrows.length, sends.length, "one datagram arrow per send, none merged");
});

Deno.test("sequenceModel: a broadcast reaches its receivers through the broadcast lane", () => {
  const rx = { local: at("0.0.0.0", 41234) };
  const model = sequenceModel(trace(
    uEv("rx", "listening", rx),
    uCall("tx", "send", {
      local: at("0.0.0.0", 40000),
      bytes: 2,
      preview: "hi",
      remote: at("127.255.255.255", 41234),
    }),
    uEv("rx", "message", { ...rx, bytes: 2, preview: "hi", remote: at("127.0.0.1", 40000) }),
  ));
  assertEquals(arrows(model), [
    "datagram tx>127.255.255.255:41234 2 B “hi”",
    "datagram 127.255.255.255:41234>rx 2 B “hi”",
  ]);
});

Deno.test("sequenceModel: sockets sharing a port: the sender is the latest matching send", () => {
  const shared = { local: at("0.0.0.0", 41234) };
  const p = { local: at("127.0.0.1", 9000) };
  const fromShared = (preview: string) =>
    uEv("p", "message", { ...p, bytes: 1, preview, remote: at("127.0.0.1", 41234) });
  const send = (label: string, preview: string, remote = at("127.0.0.1", 9000)) =>
    uCall(label, "send", { ...shared, bytes: 1, preview, remote });
  const model = sequenceModel(trace(
    uEv("rx1", "listening", shared),
    uEv("rx2", "listening", shared),
    uEv("p", "listening", p),
    send("rx1", "a"),
    send("rx2", "a"),
    fromShared("a"), // both sent "a": rx2 did last
    send("rx2", "b"),
    send("rx1", "b"),
    fromShared("b"), // rx1 did last
    send("rx1", "c"),
    send("rx2", "d"),
    fromShared("d"), // only rx2 sent "d"
    fromShared("c"), // only rx1 sent "c", though rx2 sent later
  ));
  assertEquals(arrows(model), [
    "datagram rx2>p 1 B “a”",
    "datagram rx1>p 1 B “b”",
    "datagram rx2>p 1 B “d”",
    "datagram rx1>p 1 B “c”",
  ]);
  // Nobody sent it: the first socket seen on the port.
  for (const [first, second] of [["rx1", "rx2"], ["rx2", "rx1"]]) {
    const unknown = sequenceModel(trace(
      uEv(first, "listening", shared),
      uEv(second, "listening", shared),
      uEv("p", "listening", p),
      send(second, "y"),
      fromShared("z"),
    ));
    assertEquals(arrows(unknown), [`datagram ${first}>p 1 B “z”`]);
  }
});

Deno.test("sequenceModel: multicast receivers sharing a port: group or unicast by the latest send", () => {
  const shared = { local: at("0.0.0.0", 41234) };
  const p = { local: at("127.0.0.1", 9000) };
  const group = at("239.7.7.7", 41234);
  const msg = (label: string, local: Address) =>
    uEv(label, "message", { local, bytes: 1, preview: "m", remote: at("127.0.0.1", 41234) });
  const model = sequenceModel(trace(
    uEv("rx1", "listening", shared),
    uEv("rx2", "listening", shared),
    uEv("p", "listening", p),
    uCall("rx1", "send", { ...shared, bytes: 1, preview: "m", remote: group }),
    msg("rx2", shared.local),
    uCall("rx2", "send", { ...shared, bytes: 1, preview: "m", remote: p.local }),
    msg("p", p.local),
    uCall("rx2", "send", { ...shared, bytes: 1, preview: "m", remote: group }),
    msg("rx1", shared.local),
  ));
  assertEquals(arrows(model), [
    "datagram rx1>239.7.7.7:41234 1 B “m”",
    "datagram 239.7.7.7:41234>rx2 1 B “m”",
    "datagram rx2>p 1 B “m”",
    "datagram rx2>239.7.7.7:41234 1 B “m”",
    "datagram 239.7.7.7:41234>rx1 1 B “m”",
  ]);
  assertEquals(lanes(model), [
    "rx1 udp-socket",
    "rx2 udp-socket",
    "p udp-socket",
    "239.7.7.7:41234 multicast",
  ]);
});

// --- lane order --------------------------------------------------------------------------

Deno.test("sequenceModel: accepted sockets' lanes come right after their server", () => {
  const model = sequenceModel(trace(
    srvEv("a", "listening", { local: at("127.0.0.1", 8080) }),
    srvEv("b", "listening", { local: at("127.0.0.1", 8081) }),
    srvEv("b", "connection", { remote: CLIENT2, preview: "b#1" }),
    srvEv("a", "connection", { remote: CLIENT, preview: "a#1" }),
    ev("b#1", "data", { local: at("127.0.0.1", 8081), remote: CLIENT2, parent: "b", bytes: 1 }),
    ev("a#1", "data", { local: at("127.0.0.1", 8080), remote: CLIENT, parent: "a", bytes: 1 }),
  ));
  assertEquals(model.lanes.map((l) => l.id), [
    "a",
    "a#1",
    "b",
    "b#1",
    "127.0.0.1:50001",
    "127.0.0.1:50000",
  ]);
});

Deno.test("sequenceModel: an accepted socket seen before its server still follows it", () => {
  const model = sequenceModel(trace(
    ev("client", "connect", CLI),
    ev("server#1", "data", { ...ACC, bytes: 1 }),
    ev("server#2", "data", { local: SERVER, remote: CLIENT2, parent: "server", bytes: 1 }),
    srvCall("server", "close"),
  ));
  // server#2's peer lane was made before the server lane: it stays before.
  assertEquals(model.lanes.map((l) => l.id), [
    "client",
    "127.0.0.1:50001",
    "server",
    "server#1",
    "server#2",
  ]);
  // Without its server lane, an accepted socket keeps its place.
  const alone = sequenceModel(CONVERSATION, { labels: ["server#1", "c"] });
  assertEquals(alone.lanes.map((l) => l.id), [
    "server#1",
    "127.0.0.1:50000",
    "c",
    "127.0.0.1:7000",
  ]);
});

// --- long traces -------------------------------------------------------------------------

/**
 * Seven steps: marks at even indices, merged two-chunk arrows at odd ones.
 * Step i starts at time 10 × (first seq of the step).
 */
const SEVEN = trace(
  call("c", "pause", C), // 0: seq 1
  call("c", "write", { ...C, bytes: 1, returned: true }), // 1: seq 2-3
  call("c", "write", { ...C, bytes: 1, returned: true }),
  call("c", "resume", C), // 2: seq 4
  call("c", "write", { ...C, bytes: 1, returned: true }), // 3: seq 5-6
  call("c", "write", { ...C, bytes: 1, returned: true }),
  call("c", "pause", C), // 4: seq 7
  call("c", "write", { ...C, bytes: 1, returned: true }), // 5: seq 8-9
  call("c", "write", { ...C, bytes: 1, returned: true }),
  call("c", "resume", C), // 6: seq 10
  known("c", C),
);

Deno.test("sequenceModel: maxSteps keeps the first and last halves and counts the rest", () => {
  const full = sequenceModel(SEVEN, { maxSteps: 7 });
  assertEquals(full.steps.map((s) => s.firstSeq), [1, 2, 4, 5, 7, 8, 10]);
  assertEquals(full.elided, undefined, "exactly maxSteps steps: nothing left out");

  const cases: [number, number[], SequenceModel["elided"]][] = [
    // Even: half and half.
    [6, [1, 2, 4, 7, 8, 10], { at: 3, steps: 1, arrows: 1, marks: 0, startTime: 50, endTime: 60 }],
    [4, [1, 2, 8, 10], { at: 2, steps: 3, arrows: 1, marks: 2, startTime: 40, endTime: 70 }],
    // Odd: the extra step goes to the head.
    [5, [1, 2, 4, 8, 10], { at: 3, steps: 2, arrows: 1, marks: 1, startTime: 50, endTime: 70 }],
    [3, [1, 2, 10], { at: 2, steps: 4, arrows: 2, marks: 2, startTime: 40, endTime: 90 }],
    [2, [1, 10], { at: 1, steps: 5, arrows: 3, marks: 2, startTime: 20, endTime: 90 }],
  ];
  for (const [maxSteps, seqs, elided] of cases) {
    const model = sequenceModel(SEVEN, { maxSteps });
    assertEquals(model.steps.map((s) => s.firstSeq), seqs, `maxSteps ${maxSteps}`);
    assertEquals(model.elided, elided, `maxSteps ${maxSteps}`);
    assertEquals(
      [model.arrows.length, model.marks.length],
      [seqs.filter((s) => s % 3 === 2).length, seqs.filter((s) => s % 3 !== 2).length],
      `maxSteps ${maxSteps}: arrows and marks hold only the drawn steps`,
    );
    assertEquals(model.events, SEVEN.length);
  }
});

Deno.test("sequenceModel: maxSteps defaults to 600", () => {
  // Alternating directions never merge: one arrow per event.
  const many = (n: number) =>
    Array.from({ length: n }, (_, i): TraceEvent => ({
      seq: i + 1,
      time: i,
      ...(i % 2 === 0
        ? ev("server#1", "data", { ...ACC, bytes: 1 })
        : ev("client", "data", { ...CLI, bytes: 1 })),
    }));
  assertEquals(sequenceModel(many(600)).elided, undefined);
  const model = sequenceModel(many(601));
  assertEquals(model.steps.length, 600);
  assertEquals(model.elided, {
    at: 300,
    steps: 1,
    arrows: 1,
    marks: 0,
    startTime: 300,
    endTime: 300,
  });
});

// --- previews ----------------------------------------------------------------------------

Deno.test("sequenceModel: previews are cut to previewLength characters", () => {
  const write = (preview: string) =>
    call("c", "write", { ...C, bytes: preview.length, preview, returned: true });
  const pause = call("c", "pause", C);
  const events = trace(
    write("x".repeat(24)),
    pause,
    write("y".repeat(25)),
    pause,
    write("hello"),
    pause,
    write(""),
    known("c", C),
  );
  assertEquals(sequenceModel(events).arrows.map((a) => a.label), [
    `24 B “${"x".repeat(24)}”`,
    `25 B “${"y".repeat(23)}…”`,
    "5 B “hello”",
    "0 B",
  ]);
  assertEquals(sequenceModel(events, { previewLength: 5 }).arrows.map((a) => a.label), [
    "24 B “xxxx…”",
    "25 B “yyyy…”",
    "5 B “hello”",
    "0 B",
  ]);
  assertEquals(sequenceModel(events, { previewLength: 1 }).arrows[2].label, "5 B “…”");
  // Received data and datagrams are cut the same way.
  const received = sequenceModel(
    trace(
      ev("c", "data", { ...C, bytes: 6, preview: "abcdef" }),
      uEv("u", "message", { local: at("0.0.0.0", 1), bytes: 6, preview: "uvwxyz", remote: PEER }),
    ),
    { previewLength: 3 },
  );
  assertEquals(received.arrows.map((a) => a.label), ["6 B “ab…”", "6 B “uv…”"]);
});

Deno.test("sequenceModel: a record without bytes is an empty chunk", () => {
  const model = sequenceModel(trace(
    ev("c", "data", C),
    call("c", "write", { ...C, returned: true }),
    uCall("u", "send", { remote: PEER }),
    uEv("u", "message", { remote: PEER }),
  ));
  assertEquals(arrows(model), [
    "data 127.0.0.1:7000>c 0 B",
    "data c>127.0.0.1:7000 0 B",
    "datagram u>127.0.0.1:7000 0 B",
    "datagram 127.0.0.1:7000>u 0 B",
  ]);
  assertEquals(model.arrows.map((a) => a.bytes), [0, 0, 0, 0]);
});

// --- option checks -----------------------------------------------------------------------

Deno.test("sequenceModel: options and events are checked", () => {
  for (const maxSteps of [1, 0, -2, 2.5, NaN, Infinity]) {
    assertThrows(
      () => sequenceModel([], { maxSteps }),
      RangeError,
      `maxSteps must be an integer of at least 2, got ${maxSteps}`,
    );
  }
  for (const previewLength of [0, -1, 1.5, NaN]) {
    assertThrows(
      () => sequenceModel([], { previewLength }),
      RangeError,
      `previewLength must be a positive integer, got ${previewLength}`,
    );
  }
  // Not an array, even one that can be filtered.
  const fake = { filter: () => [] } as unknown as TraceEvent[];
  for (const events of [fake, "events" as unknown as TraceEvent[], undefined!]) {
    assertThrows(
      () => sequenceModel(events, { maxSteps: 2, previewLength: 1 }),
      TypeError,
      "events must be an array of TraceEvent (e.g. lab.events())",
    );
  }
  // The smallest valid values are accepted.
  assertEquals(sequenceModel([], { maxSteps: 2, previewLength: 1 }).steps, []);
});

Deno.test("sequenceModel: events of superseded objects are left out (their label means another object)", () => {
  const model = sequenceModel(trace(
    srvEv("server", "listening", { local: SERVER }),
    { ...srvEv("server", "close", {}), superseded: true } as TraceEvent,
    srvEv("server", "listening", { local: SERVER }),
  ));
  assertEquals(model.events, 2, "the superseded event is not counted");
  assertEquals(steps(model), ["server: listening :8080 ×2"]);
});
