// Faults on loopback: each ends with a clear recorded error, nothing hangs (every wait is a
// bounded lab.until), nothing leaks (the test sanitizers are on).
//
// The notebook-runner faults (the kernel dies with Deno.exit in a cell; a cell runs past its
// timeout) are tested in tests/runner_test.ts: "a cell that ends the kernel with Deno.exit(3)
// is reported as a dead kernel" and "a cell that runs past the timeout kills the kernel and is
// reported" (both also check that no kernel process is left).

import net from "node:net";
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertGreater, assertLess, assertMatch } from "@std/assert";
import { Lab } from "socketlab";

const HOST = "127.0.0.1";

async function listen(lab: Lab, server: net.Server, label = "server"): Promise<number> {
  server.listen(lab.port(), HOST);
  return (await lab.until(label, "listening")).local!.port;
}

Deno.test("faults: the peer resets mid-transfer (resetAndDestroy) and the sender records ECONNRESET", async () => {
  await using lab = await Lab.open("faults: reset");
  const server = lab.watch(
    net.createServer((socket) => {
      let bytes = 0;
      socket.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
        if (bytes >= 1024 * 1024) socket.resetAndDestroy();
      });
    }),
    "server",
  );
  const port = await listen(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  const errors: string[] = [];
  client.on("error", (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message));
  await lab.until("client", "connect");
  const chunk = Buffer.alloc(64 * 1024, 7);
  // Bounded: at most 64 MiB, stopping as soon as the socket is destroyed.
  for (let i = 0; i < 1024 && !client.destroyed; i++) {
    if (!client.write(chunk)) {
      const next = await Promise.race([
        lab.until("client", "drain", {
          count: lab.events("client").filter((e) => e.name === "drain").length + 1,
          timeoutMs: 10_000,
        }).then(() => "drain"),
        lab.until("client", "close", { timeoutMs: 10_000 }).then(() => "close"),
      ]);
      if (next === "close") break;
    }
  }
  const close = await lab.until("client", "close", { timeoutMs: 10_000 });
  const error = await lab.until("client", "error");
  // Writing into a reset connection fails with ECONNRESET (or EPIPE when the
  // reset is seen by a write first); either way the trace names it.
  assertMatch(error.code!, /^(ECONNRESET|EPIPE)$/);
  assertEquals(errors, [error.code]);
  assertEquals(close.hadError, true);
  assert(lab.trace.names("server#1", "call").includes("resetAndDestroy"));
  const serverClose = await lab.until("server#1", "close");
  assertGreater(serverClose.counters!.bytesRead!, 1024 * 1024 - 1);
  assertLess(serverClose.counters!.bytesRead!, 64 * 1024 * 1024);
});

Deno.test("faults: the server closes with clients attached; they keep working, new ones are refused", async () => {
  await using lab = await Lab.open("faults: server close");
  const server = lab.watch(
    net.createServer((socket) => socket.on("data", (d) => socket.write(d))),
    "server",
  );
  const port = await listen(lab, server);
  const clients = [0, 1, 2].map((i) => lab.watch(net.connect(port, HOST), `c${i}`));
  for (const client of clients) client.on("data", () => {}); // flowing, so "data" is emitted
  await lab.until("server", "connection", { count: 3 });
  server.close();
  // close() stops listening at once but waits for the attached clients.
  const late = lab.watch(net.connect(port, HOST), "late");
  late.on("error", () => {});
  const refused = await lab.until("late", "error");
  assertEquals(refused.code, "ECONNREFUSED");
  assertEquals((await lab.until("late", "close")).hadError, true);
  assertEquals(lab.trace.names("server", "event"), [
    "listening",
    "connection",
    "connection",
    "connection",
  ]);
  for (const [i, client] of clients.entries()) {
    client.write(`still here ${i}`);
    const data = await lab.until(`c${i}`, "data");
    assertEquals(data.preview, `still here ${i}`);
    client.end();
  }
  // The server's "close" comes only after its three attached connections closed.
  const closed = await lab.until("server", "close", {
    where: (e) => e.source === "event",
    timeoutMs: 5_000,
  });
  assertEquals(closed.counters!.connections, 0);
  for (let i = 1; i <= 3; i++) {
    const child = await lab.until(`server#${i}`, "close");
    assertEquals(child.hadError, false);
    assertLess(child.seq, closed.seq);
  }
  const closeCall = lab.events("server").find((e) => e.name === "close" && e.source === "call")!;
  assertLess(closeCall.seq, refused.seq);
});

Deno.test("faults: connecting to a closed port records ECONNREFUSED and a close with error", async () => {
  await using lab = await Lab.open("faults: closed port");
  const port = lab.port(); // free now: nothing listens on it
  const client = lab.watch(net.connect(port, HOST), "client");
  let seen: NodeJS.ErrnoException | undefined;
  client.on("error", (error) => seen = error);
  const error = await lab.until("client", "error");
  assertEquals(error.code, "ECONNREFUSED");
  assertEquals(error.message, `connect ECONNREFUSED ${HOST}:${port}`);
  assertEquals(seen?.code, "ECONNREFUSED");
  const close = await lab.until("client", "close");
  assertEquals(close.hadError, true);
  assertEquals(lab.trace.names("client", "event"), ["error", "close"]);
});

Deno.test("faults: an idle socket times out; the timeout is recorded and does not close it", async () => {
  await using lab = await Lab.open("faults: timeout");
  const server = lab.watch(net.createServer(() => {}), "server");
  const port = await listen(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  client.setTimeout(150);
  client.on("timeout", () => client.destroy(new Error("idle for 150 ms")));
  client.on("error", () => {});
  const timeout = await lab.until("client", "timeout", { timeoutMs: 5_000 });
  const error = await lab.until("client", "error");
  assertEquals(error.message, "idle for 150 ms");
  const close = await lab.until("client", "close");
  assertEquals(close.hadError, true);
  assert(close.seq > timeout.seq);
  // Node's timeout only tells: it was this program's destroy() that closed the socket.
  const names = lab.events("client").map((e) => e.name);
  assertEquals(names.slice(names.indexOf("timeout")), ["timeout", "destroy", "error", "close"]);
  await lab.until("server#1", "close");
});
