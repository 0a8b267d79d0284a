// Load: many concurrent connections to a watched echo server, and maxConnections.
// Loopback only; every wait is bounded by lab.until() time-outs.

import net from "node:net";
import { Buffer } from "node:buffer";
import { assert, assertEquals } from "@std/assert";
import { Lab } from "socketlab";

const HOST = "127.0.0.1";
const PAYLOAD = 4096;
/** Each client connection costs two descriptors in this process (client end and accepted end). */
const FDS_PER_CONNECTION = 2;
/** Descriptors kept free for Deno itself, the test runner and the other tests. */
const FD_RESERVE = 256;

function openFileLimit(): number {
  const out = new Deno.Command("sh", { args: ["-c", "ulimit -n"], stdout: "piped" }).outputSync();
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "unlimited" ? Number.POSITIVE_INFINITY : Number(text);
}

const FD_LIMIT = openFileLimit();
const WANTED = 1000;
const CLIENTS = Math.min(WANTED, Math.floor((FD_LIMIT - FD_RESERVE) / FDS_PER_CONNECTION));

/** A client's own payload: its index in the first 4 bytes, then bytes derived from it. */
function payloadOf(index: number): Buffer {
  const data = Buffer.alloc(PAYLOAD);
  data.writeUInt32BE(index, 0);
  for (let i = 4; i < PAYLOAD; i++) data[i] = (index * 31 + i * 7) & 0xff;
  return data;
}

Deno.test({
  name:
    `load: ${CLIENTS} concurrent clients of a watched echo server each get their own 4 KiB back${
      CLIENTS < WANTED ? ` (only ${CLIENTS} of ${WANTED}: ulimit -n is ${FD_LIMIT})` : ""
    } (ulimit -n ${FD_LIMIT})`,
  fn: async () => {
    assert(CLIENTS >= 100, `ulimit -n is ${FD_LIMIT}: too low for a load test`);
    await using lab = await Lab.open("load: concurrent echo", { maxEvents: 200_000 });
    // The server holds every echo until all clients are connected, so all of
    // them are open at the same time at the peak.
    const everyoneConnected = Promise.withResolvers<void>();
    let peak = 0;
    let open = 0;
    const server = lab.watch(
      net.createServer((socket) => {
        peak = Math.max(peak, ++open);
        if (open === CLIENTS) everyoneConnected.resolve();
        socket.on("close", () => open--);
        const chunks: Buffer[] = [];
        let size = 0;
        socket.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.byteLength;
          if (size === PAYLOAD) {
            everyoneConnected.promise.then(() => socket.end(Buffer.concat(chunks)));
          }
        });
      }),
      "server",
    );
    server.listen(lab.port(), HOST, 1024);
    const port = (await lab.until("server", "listening")).local!.port;

    const answers: Promise<Buffer>[] = [];
    const WAVE = 100;
    for (let first = 0; first < CLIENTS; first += WAVE) {
      const wave: Promise<unknown>[] = [];
      for (let i = first; i < Math.min(first + WAVE, CLIENTS); i++) {
        const client = lab.watch(net.connect(port, HOST), `c${i}`);
        const received: Buffer[] = [];
        client.on("data", (chunk: Buffer) => received.push(chunk));
        answers.push(
          lab.until(`c${i}`, "close", { timeoutMs: 60_000 }).then(() => Buffer.concat(received)),
        );
        wave.push(
          lab.until(`c${i}`, "connect", { timeoutMs: 30_000 }).then(() =>
            client.write(payloadOf(i))
          ),
        );
      }
      await Promise.all(wave);
    }
    const echoed = await Promise.all(answers);

    assertEquals(peak, CLIENTS, "every client was connected at the same time");
    for (let i = 0; i < CLIENTS; i++) {
      assert(payloadOf(i).equals(echoed[i]), `client c${i} got back something else`);
    }
    // The trace agrees: one connection per client, every accepted socket and
    // every client closed without error.
    for (let n = 1; n <= CLIENTS; n++) {
      await lab.until(`server#${n}`, "close", { timeoutMs: 30_000 });
    }
    const events = lab.events();
    assertEquals(lab.trace.dropped, 0);
    assertEquals(
      events.filter((e) => e.label === "server" && e.name === "connection").length,
      CLIENTS,
    );
    const closes = events.filter((e) => e.name === "close" && e.source === "event");
    assertEquals(closes.filter((e) => e.parent === "server").length, CLIENTS);
    assertEquals(closes.filter((e) => /^c\d+$/.test(e.label)).length, CLIENTS);
    assert(closes.every((e) => e.hadError === false), "a socket closed with an error");
    assertEquals(open, 0, "nothing left open on the server");
    assertEquals(
      await new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => error ? reject(error) : resolve(count))
      ),
      0,
    );
  },
});

Deno.test("load: with maxConnections = 100, exactly the 200 clients over the limit are closed without data", async () => {
  const LIMIT = 100;
  const TOTAL = 300;
  await using lab = await Lab.open("load: maxConnections", { maxEvents: 100_000 });
  const held: net.Socket[] = [];
  const server = lab.watch(
    net.createServer({ allowHalfOpen: true }, (socket) => {
      held.push(socket);
      const chunks: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => chunks.push(chunk));
      socket.on("end", () => socket.end(Buffer.concat(chunks)));
    }),
    "server",
  );
  server.maxConnections = LIMIT;
  server.listen(lab.port(), HOST, 512);
  const port = (await lab.until("server", "listening")).local!.port;

  // Phase 1: all 300 connect and send nothing. Served connections stay open,
  // so the 100 slots never free up early.
  const clients: net.Socket[] = [];
  const results: Promise<{ index: number; data: Buffer; localPort: number }>[] = [];
  for (let first = 0; first < TOTAL; first += 50) {
    const wave: Promise<unknown>[] = [];
    for (let i = first; i < first + 50; i++) {
      const client = lab.watch(net.connect(port, HOST), `c${i}`);
      clients.push(client);
      client.on("error", () => {}); // asserted below from the trace: there is none
      const received: Buffer[] = [];
      client.on("data", (chunk: Buffer) => received.push(chunk));
      let localPort = 0;
      wave.push(
        lab.until(`c${i}`, "connect", { timeoutMs: 30_000 }).then((e) => {
          localPort = e.local!.port;
        }),
      );
      results.push(
        lab.until(`c${i}`, "close", { timeoutMs: 60_000 }).then(() => ({
          index: i,
          data: Buffer.concat(received),
          localPort,
        })),
      );
    }
    await Promise.all(wave);
  }
  // Wait until the server has its 100 and the other 200 have been closed.
  await lab.until("server", "connection", { count: LIMIT, timeoutMs: 30_000 });
  const turnedAway = (e: { label: string; name: string; source: string }) =>
    /^c\d+$/.test(e.label) && e.name === "end" && e.source === "event";
  const waitForTurnedAway = async () => {
    for (let attempt = 0; attempt < 600; attempt++) {
      const ended = lab.events().filter(turnedAway).length;
      if (ended >= TOTAL - LIMIT) return ended;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return lab.events().filter(turnedAway).length;
  };
  assertEquals(await waitForTurnedAway(), TOTAL - LIMIT);
  // Phase 2: the clients still open send their 4 KiB and end; the server echoes.
  const stillOpen = clients.filter((c) => !c.readableEnded);
  assertEquals(stillOpen.length, LIMIT);
  for (const client of stillOpen) client.end(payloadOf(clients.indexOf(client)));
  const all = await Promise.all(results);

  const served = all.filter((r) => r.data.byteLength > 0);
  const refused = all.filter((r) => r.data.byteLength === 0);
  assertEquals(served.length, LIMIT);
  assertEquals(refused.length, TOTAL - LIMIT);
  for (const r of served) assert(payloadOf(r.index).equals(r.data), `c${r.index}: wrong echo`);

  // The trace says so. The server recorded exactly 100 connections (never
  // more than 100 at once), from exactly the served clients' ports. Deno's
  // node:net emits no "drop" event: a client over the limit is accepted by
  // the kernel, then closed by the server at once, so it sees connect, then
  // a clean end (FIN) with no data, no error, and close without error.
  const connections = lab.events("server").filter((e) => e.name === "connection");
  assertEquals(connections.length, LIMIT);
  assert(connections.every((e) => e.counters!.connections! <= LIMIT));
  assertEquals(lab.trace.names("server", "event").filter((n) => n === "drop"), []);
  assertEquals(
    new Set(connections.map((e) => e.remote!.port)),
    new Set(served.map((r) => r.localPort)),
  );
  for (const r of refused) {
    const names = lab.events(`c${r.index}`).filter((e) => e.source === "event").map((e) => e.name);
    assertEquals(names, ["connect", "ready", "end", "close"], `c${r.index}`);
    const close = lab.events(`c${r.index}`).find((e) => e.name === "close")!;
    assertEquals([close.hadError, close.counters!.bytesRead], [false, 0]);
  }
  for (const r of served) {
    const names = lab.events(`c${r.index}`).filter((e) => e.source === "event").map((e) => e.name);
    assert(names.includes("data") && names.at(-1) === "close", `c${r.index}: ${names}`);
  }
  await lab.until(`server#${LIMIT}`, "close");
  assertEquals(held.length, LIMIT);
});
