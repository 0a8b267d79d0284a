// A lab's lifecycle: opening, labels, closing, and waits nobody awaits.

import net from "node:net";
import dgram from "node:dgram";
import {
  assert,
  assertEquals,
  assertFalse,
  assertMatch,
  assertRejects,
  assertStrictEquals,
  assertThrows,
} from "@std/assert";
import { Lab } from "socketlab";
import { deadline } from "../lib/_async.ts";

Deno.test("concurrent Lab.open calls with one title leave one live lab; the other's server is closed", async () => {
  const [first, second] = await Promise.all([Lab.open("twins"), Lab.open("twins")]);
  try {
    assert(first.closed, "the earlier claim of the title was closed by the later one");
    assertFalse(second.closed, "the later claim is the live lab");
    const third = await Lab.open("twins");
    assert(second.closed, "opening the title again closes the live lab");
    const server = third.watch(net.createServer(), "server");
    server.listen(third.port(), "127.0.0.1");
    await third.until("server", "listening");
    await third.close();
    assertFalse(server.listening, "closing the lab stopped its server");
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});

Deno.test("watch() refuses objects that are not real sockets or servers, naming them", async () => {
  await using lab = await Lab.open("not real");
  for (const fake of [Object.create(net.Socket.prototype), Object.create(net.Server.prototype)]) {
    assertThrows(
      () => lab.watch(fake, "fake"),
      TypeError,
      "that its constructor did not make",
    );
  }
  const fakeUdp = Object.create(dgram.Socket.prototype) as dgram.Socket;
  assertThrows(() => lab.watch(fakeUdp, "fake"), TypeError, "udp-socket");
  assertThrows(() => lab.watch("socket" as unknown as net.Socket, "s"), TypeError, 'got "socket"');
  assertEquals(lab.events(), [], "nothing was recorded for a refused object");
});

Deno.test("a label held by a live object of the same run is a mistake; a closed holder is taken over", async () => {
  await using lab = await Lab.open("labels in one run");
  const first = lab.watch(dgram.createSocket("udp4"), "udp");
  first.bind(0, "127.0.0.1");
  await lab.until("udp", "listening");
  const error = assertThrows(() => lab.watch(dgram.createSocket("udp4"), "udp"), Error);
  assertMatch(error.message, /label "udp" already belongs to a live dgram\.Socket/);
  assertMatch(error.message, /pick another label \(e\.g\. "udp2"\), or close the first one/i);
  first.close();
  await lab.until("udp", "close", { source: "event" });
  const second = lab.watch(dgram.createSocket("udp4"), "udp");
  second.bind(0, "127.0.0.1");
  const listening = await lab.until("udp", "listening");
  assertEquals(listening.local?.port, second.address().port, "the wait means the new socket");
  assertEquals(
    lab.events("udp").map((e) => e.name),
    ["bind", "listening"],
    "events(label) are the new holder's only",
  );
  const old = lab.events().filter((e) => e.superseded);
  assertEquals(old.map((e) => e.name), ["bind", "listening", "close", "close"]);
  assert(old.every((e) => e.label === "udp"), "the old socket's events stay, marked superseded");
});

Deno.test("close() returns at once for a socket that was already closed when it was watched", async () => {
  const lab = await Lab.open("already gone", { closeTimeoutMs: 60_000 });
  const server = net.createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const socket = net.connect((server.address() as net.AddressInfo).port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.destroy();
  await new Promise((resolve) => socket.once("close", resolve));
  lab.watch(socket, "gone");
  assertEquals(lab.describe("gone").summary.state, "closed", "the lab knows it is closed");
  const udp = dgram.createSocket("udp4");
  udp.close();
  lab.watch(udp, "closed udp");
  // With a 60 s close timeout, waiting for close events that never come would take a minute.
  await deadline(lab.close(), 10_000);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

Deno.test("close() closes everything it can when one object misbehaves, then reports it", async () => {
  const lab = await Lab.open("misbehaving");
  const bad = lab.watch(dgram.createSocket("udp4"), "bad");
  const good = lab.watch(net.createServer(), "good");
  good.listen(lab.port(), "127.0.0.1");
  await lab.until("good", "listening");
  const realClose = bad.close;
  Object.defineProperty(bad, "close", {
    value: () => {
      throw new Error("close exploded");
    },
  });
  const error = await assertRejects(() => lab.close(), Error);
  assertMatch(error.message, /"bad" could not be closed: Error: close exploded/);
  assertFalse(good.listening, "the other objects were closed anyway");
  realClose.call(bad);
});

Deno.test("an until() nobody awaits never becomes an unhandled rejection, at close or on timeout", async () => {
  const lab = await Lab.open("abandoned");
  lab.watch(net.createServer(), "server");
  lab.until("server", "listening", { timeoutMs: 1 }); // times out, unobserved
  const pending = lab.until("server", "listening"); // rejected by close(), unobserved
  await new Promise((resolve) => setTimeout(resolve, 20));
  await lab.close();
  // Awaiting it still rejects: only the unhandled-rejection report is suppressed.
  await assertRejects(() => pending, Error, 'closed before "listening" on "server"');
});

Deno.test("a closed accepted socket leaves the lab; its label still describes it", async () => {
  await using lab = await Lab.open("retired");
  const server = lab.watch(net.createServer((s) => s.end("bye")), "server");
  server.listen(lab.port(), "127.0.0.1");
  await lab.until("server", "listening");
  const port = (server.address() as net.AddressInfo).port;
  for (let i = 0; i < 3; i++) {
    const client = net.connect(port, "127.0.0.1").resume();
    await new Promise((resolve) => client.once("close", resolve));
    await lab.until(`server#${i + 1}`, "close", { source: "event" });
  }
  const summary = lab.describe("server#2").summary;
  assertEquals([summary.label, summary.kind, summary.state], ["server#2", "tcp-socket", "closed"]);
  assertStrictEquals(lab.events("server#3").at(-1)?.name, "close");
});
