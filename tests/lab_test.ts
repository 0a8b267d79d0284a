import net from "node:net";
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import {
  assert,
  assertEquals,
  assertFalse,
  assertGreater,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { Lab, type TraceEvent, UntilTimeoutError } from "socketlab";

const HOST = "127.0.0.1";

function listenOn(lab: Lab, server: net.Server, label = "server"): Promise<number> {
  server.listen(lab.port(), HOST);
  return lab.until(label, "listening").then((e) => e.local!.port);
}

Deno.test("watch records a TCP exchange: events, calls, accepted sockets and counters", async () => {
  await using lab = await Lab.open("lab_test: tcp exchange");
  const server = lab.watch(
    net.createServer((socket) => {
      socket.setEncoding("utf8");
      socket.on("data", (d) => socket.write(`echo:${d}`));
      socket.on("end", () => socket.end());
    }),
    "server",
  );
  const port = await listenOn(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  client.on("data", () => {});
  await lab.until("client", "connect");
  const clientPort = client.localPort;
  assertStrictEquals(client.write("hello"), true);
  await lab.until("client", "data");
  client.end();
  await lab.until("client", "close");
  await lab.until("server#1", "close");

  const trace = lab.trace;
  assertEquals(trace.names("server", "event"), ["listening", "connection"]);
  const connection = trace.of("server").find((e) => e.name === "connection")!;
  assertEquals(connection.preview, "server#1");
  assertEquals(connection.remote?.port, clientPort);

  const write = trace.of("client").find((e) => e.name === "write")!;
  assertEquals([write.source, write.bytes, write.preview, write.returned], [
    "call",
    5,
    "hello",
    true,
  ]);
  assertEquals(write.counters?.bytesWritten, 5);

  const accepted = trace.of("server#1");
  assert(accepted.every((e) => e.parent === "server"));
  const data = accepted.find((e) => e.name === "data")!;
  assertEquals([data.bytes, data.preview, data.counters?.bytesRead], [5, "hello", 5]);
  assert(
    accepted.some((e) => e.source === "call" && e.name === "setEncoding" && e.args === '"utf8"'),
  );
  const echoed = trace.of("client").find((e) => e.name === "data")!;
  assertEquals(echoed.preview, "echo:hello");
  // both ends know their own and the peer's address
  assertEquals(data.local?.port, port);
  assertEquals(data.remote?.port, clientPort);
  const close = trace.of("client").find((e) => e.name === "close")!;
  assertStrictEquals(close.hadError, false);
  // seq is strictly increasing, time never goes back
  for (let i = 1; i < trace.events.length; i++) {
    assertGreater(trace.events[i].seq, trace.events[i - 1].seq);
    assert(trace.events[i].time >= trace.events[i - 1].time);
  }
  assert(trace.text.includes('write 5 B "hello" → true'), trace.text);
});

Deno.test("watch records UDP: bind, send with target and callback result, message with rinfo", async () => {
  await using lab = await Lab.open("lab_test: udp");
  const receiver = lab.watch(dgram.createSocket("udp4"), "receiver");
  receiver.bind(lab.port(0, { transport: "udp" }), HOST);
  const listening = await lab.until("receiver", "listening");
  const sender = lab.watch(dgram.createSocket("udp4"), "sender");
  const payload = Buffer.from("0123456789");
  sender.send(payload, 2, 5, listening.local!.port, HOST, () => {});
  const sent = await lab.until("sender", "sent");
  const message = await lab.until("receiver", "message");
  assertEquals(sent.bytes, 5);
  const send = lab.events("sender").find((e) => e.name === "send")!;
  assertEquals([send.bytes, send.preview, send.remote?.port], [5, "23456", listening.local!.port]);
  assertEquals([message.bytes, message.preview], [5, "23456"]);
  assertEquals(message.remote?.address, HOST);
  assertEquals(message.remote?.port, sender.address().port);
  assertEquals(message.remote?.family, "IPv4");
});

Deno.test("a watched method returns and throws exactly what the original does", async () => {
  await using lab = await Lab.open("lab_test: transparency");
  const plain = dgram.createSocket("udp4");
  const watched = lab.watch(dgram.createSocket("udp4"), "udp");
  try {
    plain.bind(0, HOST);
    watched.bind(0, HOST);
    await Promise.all([
      new Promise((r) => plain.once("listening", r)),
      lab.until("udp", "listening"),
    ]);
    const expected = captureError(() => plain.setTTL(0));
    const actual = captureError(() => watched.setTTL(0));
    assert(actual !== undefined && expected !== undefined);
    assertEquals(actual.constructor, expected.constructor);
    assertEquals([actual.code, actual.message], [expected.code, expected.message]);
    const failed = lab.events("udp").find((e) => e.name === "setTTL")!;
    assertEquals(failed.code, expected.code);
    assertStrictEquals(watched.setTTL(64), plain.setTTL(64));
    assertStrictEquals(watched.address().address, HOST);
  } finally {
    plain.close();
  }
});

function captureError(fn: () => unknown): (Error & { code?: string }) | undefined {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  return undefined;
}

Deno.test("a paused socket stays paused when watched, and everything arrives after resume", async () => {
  await using lab = await Lab.open("lab_test: paused");
  let accepted: net.Socket | undefined;
  const server = lab.watch(
    net.createServer((socket) => {
      accepted = socket;
      socket.pause();
    }),
    "server",
  );
  const port = await listenOn(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  await lab.until("client", "connect");
  const payload = "x".repeat(32 * 1024);
  client.write(payload);
  await lab.until("server#1", "pause");
  await new Promise((r) => setTimeout(r, 150));
  assert(accepted !== undefined);
  assert(accepted.isPaused(), "the watched socket was resumed by watching");
  assertStrictEquals(accepted.readableFlowing, false);
  assertEquals(lab.events("server#1").filter((e) => e.name === "data").length, 0);

  let received = 0;
  accepted.on("data", (chunk: Buffer) => received += chunk.length);
  accepted.resume();
  await lab.until("server#1", "data", { where: (e) => e.counters?.bytesRead === payload.length });
  assertEquals(received, payload.length);
});

/** Runs one scenario and returns the order of the events its listeners saw. */
async function scenario(lab: Lab | undefined): Promise<string[]> {
  const seen: string[] = [];
  const listen = (emitter: net.Socket | net.Server, who: string, names: string[]) => {
    for (const name of names) emitter.on(name, () => seen.push(`${who}:${name}`));
  };
  const done = Promise.withResolvers<void>();
  let server = net.createServer({ allowHalfOpen: true }, (socket) => {
    listen(socket, "accepted", ["end", "finish", "close"]);
    socket.on("data", (d) => socket.write(d));
    socket.on("end", () => socket.end("bye"));
  });
  if (lab) server = lab.watch(server, "server");
  listen(server, "server", ["listening", "connection", "close"]);
  server.listen(0, HOST);
  await new Promise((r) => server.once("listening", r));
  let client = net.connect((server.address() as net.AddressInfo).port, HOST);
  if (lab) client = lab.watch(client, "client");
  listen(client, "client", ["connect", "ready", "end", "finish", "close"]);
  client.on("data", () => seen.push("client:data"));
  client.once("connect", () => client.end("hello"));
  client.on("close", () => server.close(() => done.resolve()));
  await done.promise;
  return seen;
}

Deno.test("a scenario gives the same event order watched and unwatched", async () => {
  const unwatched = await scenario(undefined);
  await using lab = await Lab.open("lab_test: order");
  const watched = await scenario(lab);
  assertEquals(watched, unwatched);
  assertGreater(lab.events().length, unwatched.length);
});

Deno.test("re-opening a lab with the same title closes the previous one, so its port binds again", async () => {
  const first = await Lab.open("lab_test: reopen");
  const port = first.port(0);
  const server = first.watch(net.createServer(), "server");
  server.listen(port, HOST);
  await first.until("server", "listening");
  const client = first.watch(net.connect(port, HOST), "client");
  await first.until("client", "connect");

  await using second = await Lab.open("lab_test: reopen");
  assert(first.closed);
  assertFalse(server.listening);
  assert(client.destroyed);
  assertEquals(second.port(port), port, "the previous lab's port is free again");
  const again = second.watch(net.createServer(), "server");
  again.listen(port, HOST);
  const listening = await second.until("server", "listening");
  assertEquals(listening.local?.port, port);
});

Deno.test("lab.close() closes every watched server and socket, lets go of them, and is idempotent", async () => {
  const lab = await Lab.open("lab_test: close");
  const server = lab.watch(net.createServer(), "server");
  const port = await listenOn(lab, server);
  lab.watch(net.connect(port, HOST), "client");
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(0, HOST);
  await lab.until("client", "connect");
  await lab.until("udp", "listening");
  const pending = lab.until("client", "data", { timeoutMs: 60_000 });
  const closing = lab.close();
  assertStrictEquals(lab.close(), closing);
  await assertRejects(() => pending, Error, "closed before");
  await closing;
  for (const label of ["server", "server#1", "client", "udp"]) {
    assert(lab.events(label).some((e) => e.name === "close"), `${label} did not close`);
  }
  // Closed, the lab lets go: nothing more is recorded, and a new lab may watch the objects.
  const recorded = lab.events().length;
  udp.ref();
  server.emit("listening");
  assertEquals(lab.events().length, recorded, "a closed lab records nothing more");
  assertThrows(() => lab.port(), Error, "is closed");
  await using again = await Lab.open("lab_test: close, again");
  again.watch(udp, "udp again");
  udp.unref();
  assertEquals(again.events().map((e) => `${e.label} ${e.name}`), ["udp again unref"]);
});

Deno.test("until() resolves with an event that already happened, counts, and filters", async () => {
  await using lab = await Lab.open("lab_test: until");
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(0, HOST);
  await lab.until("udp", "listening");
  const again = await lab.until("udp", "listening");
  assertEquals(again.name, "listening");
  const port = udp.address().port;
  for (const text of ["a", "bb", "ccc"]) {
    // one at a time: Deno's node:dgram may deliver a burst out of order
    udp.send(text, port, HOST);
    await lab.until("udp", "message", { where: (e) => e.preview === text });
  }
  const third = await lab.until("udp", "message", { count: 3 });
  assertEquals(third.preview, "ccc");
  const two = await lab.until("udp", "message", { where: (e) => e.bytes === 2 });
  assertEquals(two.preview, "bb");
  const mark = lab.mark();
  assertEquals(mark, lab.events().at(-1)!.seq);
  const next = lab.until("udp", "message", { after: mark });
  udp.send("dddd", port, HOST);
  assertEquals((await next).preview, "dddd");
  await assertRejects(
    () => lab.until("udp", "message", { after: 1.5 }),
    RangeError,
    "options.after must be a sequence number (an integer >= 0), got 1.5",
  );
});

Deno.test("until() times out with a message listing the label's last events", async () => {
  await using lab = await Lab.open("lab_test: until timeout");
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(0, HOST);
  await lab.until("udp", "listening");
  const error = await assertRejects(
    () => lab.until("udp", "message", { timeoutMs: 30 }),
    UntilTimeoutError,
    'no "message" on "udp" within 30 ms',
  );
  assertMatch(error.message, /last events for "udp": #\d+ [\d.]+ ms bind .*listening/);
  assertEquals(error.lastEvents.map((e: TraceEvent) => e.name), ["bind", "listening"]);
  await assertRejects(
    () => lab.until("server#1", "data", { timeoutMs: 10 }),
    TypeError,
    'unknown label "server#1"; watched labels are "udp"',
  );
});

Deno.test("the trace is bounded: old events are dropped and counted", async () => {
  await using lab = await Lab.open("lab_test: bounded", { maxEvents: 50 });
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(0, HOST);
  await lab.until("udp", "listening");
  for (let i = 0; i < 100; i++) udp.setTTL(1 + (i % 200));
  const trace = lab.trace;
  assertEquals(trace.events.length, 50);
  assertEquals(trace.dropped, 52); // bind + listening + 100 setTTL − 50 kept
  assertEquals(trace.events.at(-1)!.seq, 102);
  assertEquals(trace.events[0].seq, 53);
  assertMatch(trace.text, /52 older events dropped/);
});

Deno.test("bad input is refused with an error that names it", async (t) => {
  await using lab = await Lab.open("lab_test: bad input");
  await t.step("ports", () => {
    assertThrows(
      () => lab.port(-1),
      RangeError,
      "preferred must be an integer from 0 to 65535, got -1",
    );
    assertThrows(() => lab.port(65536), RangeError, "got 65536");
    assertThrows(() => lab.port(1.5), RangeError, "got 1.5");
    assertThrows(() => lab.port("http" as unknown as number), TypeError, 'got "http"');
    assertThrows(
      () => lab.port(0, { transport: "sctp" as "tcp" }),
      TypeError,
      'options.transport must be "tcp" or "udp", got "sctp"',
    );
  });
  await t.step("watching something that is not a socket", () => {
    assertThrows(
      () => lab.watch({} as net.Socket, "x"),
      TypeError,
      "target must be a net.Server, net.Socket or dgram.Socket made by net.createServer(), " +
        "net.connect() / new net.Socket() or dgram.createSocket(), got an object of type Object",
    );
    assertThrows(() => lab.watch(42 as unknown as net.Socket, "x"), TypeError, "got number 42");
  });
  await t.step("labels", () => {
    const server = lab.watch(net.createServer(), "server");
    assertThrows(
      () => lab.watch(net.createServer(), "server"),
      Error,
      'label "server" already belongs to a live net.Server watched in this same run',
    );
    assertThrows(() => lab.watch(net.createServer(), "a#1"), TypeError, 'without "#", got "a#1"');
    assertStrictEquals(
      lab.watch(server, "server"),
      server,
      "watching twice under one label is a no-op",
    );
    assertThrows(() => lab.watch(server, "other"), Error, 'already watched as "server"');
  });
  await t.step("unknown label in until", async () => {
    await assertRejects(() => lab.until("nobody", "close"), TypeError, 'unknown label "nobody"');
    await assertRejects(
      () => lab.until("server", ""),
      TypeError,
      "name must be an event or method name",
    );
    await assertRejects(
      () => lab.until("server", "close", { timeoutMs: -1 }),
      RangeError,
      "timeoutMs must be a finite number of ms >= 0, got -1",
    );
    await assertRejects(
      () => lab.until("server", "close", { timeoutMs: "5" as unknown as number }),
      TypeError,
      'timeoutMs must be a finite number of ms >= 0, got "5"',
    );
  });
  await t.step("titles and options", async () => {
    await assertRejects(() => Lab.open(""), TypeError, "title must be a non-empty string");
    await assertRejects(
      () => Lab.open("x", { network: "internet" as "lan" }),
      TypeError,
      'options.network must be "loopback" or "lan", got "internet"',
    );
    await assertRejects(
      () => Lab.open("x", { maxEvents: 0 }),
      RangeError,
      "maxEvents must be a positive integer",
    );
    await assertRejects(
      () => Lab.open("x", { closeTimeoutMs: Infinity }),
      RangeError,
      "options.closeTimeoutMs must be a finite number of ms >= 0, got Infinity",
    );
    await assertRejects(
      () => Lab.open("x", { closeTimeoutMs: "3000" as unknown as number }),
      TypeError,
      'options.closeTimeoutMs must be a finite number of ms >= 0, got "3000"',
    );
  });
  await t.step("describe", () => {
    assertThrows(
      () => lab.describe("ghost"),
      TypeError,
      'expected a watched object or the label of one, got "ghost"',
    );
  });
});

Deno.test("lab.port() prefers the notes' port, never hands out one port twice, and checks UDP", async () => {
  await using lab = await Lab.open("lab_test: ports");
  const a = lab.port(0);
  const b = lab.port(a);
  assert(a !== b, "a port handed out is not handed out again");
  using taken = Deno.listen({ hostname: "0.0.0.0", port: 0 });
  const busy = (taken.addr as Deno.NetAddr).port;
  assert(lab.port(busy) !== busy, "a busy port is not returned");
  const udp = Deno.listenDatagram({ hostname: "0.0.0.0", port: 0, transport: "udp" });
  try {
    const busyUdp = (udp.addr as Deno.NetAddr).port;
    assert(lab.port(busyUdp, { transport: "udp" }) !== busyUdp);
  } finally {
    udp.close();
  }
  assert(lab.ports.has(a) && lab.ports.has(b));
});

Deno.test("describe() summarizes a watched object and displays as HTML and text", async () => {
  await using lab = await Lab.open("lab_test: describe");
  const server = lab.watch(net.createServer(), "server");
  assertEquals(lab.describe(server).summary.state, "not listening");
  const port = await listenOn(lab, server);
  const figure = lab.describe("server");
  assertEquals(figure.summary.state, "listening");
  assertEquals(figure.summary.local?.port, port);
  const bundle = (figure as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assertMatch(bundle["text/html"], /<table[^>]*>.*listening/);
  assertMatch(bundle["text/plain"], /state\s+listening/);
  assertMatch(Deno.inspect(lab.trace), /trace “lab_test: describe”: 2 events/);
});

Deno.test("datagrams() counts sent, received and lost per sender → receiver, beyond the trace bound", async () => {
  await using lab = await Lab.open("lab_test: datagrams", { maxEvents: 10 });
  const receiver = lab.watch(dgram.createSocket("udp4"), "receiver");
  receiver.bind(0, HOST);
  const port = (await lab.until("receiver", "listening")).local!.port;
  const sender = lab.watch(dgram.createSocket("udp4"), "sender");
  for (let i = 0; i < 20; i++) {
    sender.send(`d${i}`, port, HOST);
    await lab.until("receiver", "message", { where: (e) => e.preview === `d${i}` });
  }
  // one datagram to a port nobody listens on any more is sent but never received
  const closed = lab.watch(dgram.createSocket("udp4"), "closed");
  closed.bind(0, HOST);
  const nobody = (await lab.until("closed", "listening")).local!.port;
  closed.close();
  await lab.until("closed", "close");
  sender.send("lost", nobody, HOST);
  await lab.until("sender", "send", { where: (e) => e.preview === "lost" });
  const flows = lab.datagrams().flows;
  assertEquals(flows, [
    { from: "sender", to: "closed", sent: 1, received: 0, lost: 1 },
    { from: "sender", to: "receiver", sent: 20, received: 20, lost: 0 },
  ]);
  assert(lab.trace.dropped > 0, "the counts do not depend on the kept events");
  assertMatch(lab.datagrams().text, /sender\s+closed\s+1\s+0\s+1\s+100\.0 %/);
  // a send that throws is not counted
  assertThrows(() => sender.send("x", 70000, HOST));
  assertEquals(lab.datagrams().flows.reduce((n, f) => n + f.sent, 0), 21);
});

Deno.test("writes stay recorded after Node reassigns socket.write (connect, writeAfterFIN)", async () => {
  await using lab = await Lab.open("lab_test: write reassigned");
  const server = lab.watch(net.createServer((s) => s.on("data", () => {})), "server");
  const port = await listenOn(lab, server);
  const client = lab.watch(new net.Socket(), "client");
  client.connect(port, HOST);
  await lab.until("client", "connect");
  client.write("after connect");
  const write = await lab.until("client", "write");
  assertEquals([write.preview, write.returned], ["after connect", true]);
  client.end();
  await lab.until("client", "close");
  await lab.close();
  assertEquals(lab.events("client").filter((e) => e.name === "write").length, 1);
  // Closed, the lab lets go but keeps what Node assigned meanwhile (writeAfterFIN): a late
  // write fails as it would on a socket never watched, and is not recorded.
  const late = Promise.withResolvers<Error | null | undefined>();
  client.on("error", () => {});
  assertFalse(client.write("late", (error) => late.resolve(error)));
  assertInstanceOf(await late.promise, Error);
  assertEquals(lab.events("client").filter((e) => e.name === "write").length, 1);
});

Deno.test("until() matches a call by its result: it waits for the call to return", async () => {
  await using lab = await Lab.open("lab_test: until call result");
  const server = lab.watch(net.createServer((s) => s.pause()), "server");
  const port = await listenOn(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  await lab.until("client", "connect");
  const full = lab.until("client", "write", { where: (e) => e.returned === false });
  const chunk = "z".repeat(64 * 1024);
  for (let i = 0; i < 64 && client.write(chunk); i++) { /* until write() returns false */ }
  const event = await full;
  assertStrictEquals(event.returned, false);
  assertGreater(event.counters!.writableLength!, 0);
  client.destroy();
});

Deno.test("sockets() shows the kernel's rows for the lab, or only those between given ports", async () => {
  await using lab = await Lab.open("lab_test: sockets");
  const server = lab.watch(net.createServer(), "server");
  const port = await listenOn(lab, server);
  const a = lab.watch(net.connect(port, HOST), "a");
  const b = lab.watch(net.connect(port, HOST), "b");
  await Promise.all([lab.until("a", "connect"), lab.until("b", "connect")]);
  const all = await lab.sockets();
  if (Deno.build.os !== "linux") return assertMatch(all.table.reason!, /needs Linux/);
  assertEquals(all.table.reason, undefined);
  assert(all.rows.some((r) => r.state === "LISTEN" && r.local.port === port));
  assertEquals(all.rows.filter((r) => r.state === "ESTABLISHED").length, 4);
  const onlyA = await lab.sockets({ ports: [port, a.localPort!] });
  assertEquals(
    onlyA.rows.map((r) => `${r.state} ${r.local.port}`).sort(),
    [`ESTABLISHED ${a.localPort}`, `ESTABLISHED ${port}`, `LISTEN ${port}`].sort(),
  );
  assertFalse(onlyA.rows.some((r) => r.local.port === b.localPort));
  await assertRejects(() => lab.sockets({ ports: [70000] }), RangeError, "got 70000");
});

Deno.test("sockets({ until }) reads the kernel's table again until it shows what was awaited", async () => {
  await using lab = await Lab.open("lab_test: sockets until");
  // pauseOnConnect: the server never reads, so what the client writes waits in its receive queue.
  const server = lab.watch(net.createServer({ pauseOnConnect: true }), "server");
  const port = await listenOn(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  await lab.until("client", "connect", { source: "event" });
  const ports = [port, client.localPort!];
  await assertRejects(
    () => lab.sockets({ ports, until: () => false, timeoutMs: 60 }),
    Error,
    "the kernel's table did not satisfy until() within 60 ms; the last one read:",
  );
  await assertRejects(() => lab.sockets({ timeoutMs: -1 }), RangeError, "got -1");
  await assertRejects(
    () => lab.sockets({ until: "queued" as unknown as () => boolean }),
    TypeError,
    'options.until must be a function, got "queued"',
  );
  client.write("abc");
  const table = await lab.sockets({
    ports,
    until: (rows) => rows.some((r) => r.local.port === port && r.receiveQueue === 3),
  });
  if (Deno.build.os !== "linux") return assertMatch(table.table.reason!, /needs Linux/);
  const accepted = table.rows.find((r) => r.state === "ESTABLISHED" && r.local.port === port);
  assertEquals(accepted?.receiveQueue, 3);
});

Deno.test("until({ source }) tells the close event from the close() call; trace.select() keeps endpoints", async () => {
  await using lab = await Lab.open("lab_test: source and only");
  const server = lab.watch(net.createServer((s) => s.on("data", () => {})), "server");
  const port = await listenOn(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  client.on("data", () => {});
  await lab.until("client", "connect");
  client.write("line 1\nline 2");
  const data = await lab.until("server#1", "data");
  assertEquals(data.preview, "line 1↵line 2");
  server.close();
  const call = await lab.until("server", "close", { source: "call" });
  assertEquals(call.source, "call");
  const event = lab.until("server", "close", { source: "event" });
  client.end();
  assertEquals((await event).source, "event");
  const selected = lab.trace.select("server");
  assert(selected.events.length > 0);
  assert(selected.events.every((e) => e.label === "server" || e.label === "server#1"));
  await assertRejects(
    () => lab.until("server", "close", { source: "both" as "event" }),
    TypeError,
    'options.source must be "event" or "call", got "both"',
  );
});
