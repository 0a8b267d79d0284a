// Integrity: 64 MiB through watched sockets arrive byte for byte (SHA-256 on both ends),
// also through pipe() into a file, and with a paused reader that resumes late.

import net from "node:net";
import fs from "node:fs";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { assert, assertEquals, assertGreater } from "@std/assert";
import { Lab } from "socketlab";

const HOST = "127.0.0.1";
const TOTAL = 64 * 2 ** 20;
const CHUNK = 64 * 1024;

/** Chunk number `n` of the stream: pseudo-random bytes that differ from chunk to chunk. */
function chunkOf(n: number): Buffer {
  const chunk = Buffer.alloc(CHUNK);
  let x = (n + 1) * 0x9e3779b1 >>> 0 || 1;
  for (let i = 0; i < CHUNK; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    chunk.writeUInt32LE(x >>> 0, i);
  }
  return chunk;
}

/** Writes the 64 MiB with back-pressure, hashing what it sends; resolves with the hash. */
async function sendAll(lab: Lab, label: string, socket: net.Socket): Promise<string> {
  const hash = createHash("sha256");
  for (let n = 0; n < TOTAL / CHUNK; n++) {
    const chunk = chunkOf(n);
    hash.update(chunk);
    if (!socket.write(chunk)) {
      // the next drain after this write (the trace is bounded, so count nothing older)
      await lab.until(label, "drain", { after: lab.mark(), timeoutMs: 30_000 });
    }
  }
  socket.end();
  return hash.digest("hex");
}

/** Hashes everything `socket` receives; reports the hash and byte count at `end`. */
function hashUntilEnd(
  socket: net.Socket,
  done: (result: { hash: string; bytes: number }) => void,
): void {
  const hash = createHash("sha256");
  let bytes = 0;
  socket.on("data", (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.byteLength;
  });
  socket.on("end", () => done({ hash: hash.digest("hex"), bytes }));
}

async function listen(lab: Lab, server: net.Server): Promise<number> {
  server.listen(lab.port(), HOST);
  return (await lab.until("server", "listening")).local!.port;
}

Deno.test("integrity: 64 MiB through a watched socket, SHA-256 equal on both ends", async () => {
  await using lab = await Lab.open("integrity: socket", { maxEvents: 20_000 });
  const received = Promise.withResolvers<{ hash: string; bytes: number }>();
  const server = lab.watch(
    net.createServer((socket) => {
      hashUntilEnd(socket, received.resolve);
    }),
    "server",
  );
  const port = await listen(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  await lab.until("client", "connect");
  const sent = await sendAll(lab, "client", client);
  const got = await received.promise;
  assertEquals(got.bytes, TOTAL);
  assertEquals(got.hash, sent);
  await lab.until("client", "close", { timeoutMs: 30_000 });
  // The counters in the trace agree with what arrived.
  const end = lab.events("server#1").find((e) => e.name === "end")!;
  assertEquals(end.counters!.bytesRead, TOTAL);
});

Deno.test("integrity: 64 MiB piped from a watched socket into a file, SHA-256 equal", async () => {
  await using lab = await Lab.open("integrity: pipe", { maxEvents: 20_000 });
  const dir = await Deno.makeTempDir({ prefix: "socketlab-integrity-" });
  try {
    const path = `${dir}/received.bin`;
    const written = Promise.withResolvers<void>();
    const server = lab.watch(
      net.createServer((socket) => {
        const file = fs.createWriteStream(path);
        file.on("finish", () => written.resolve());
        file.on("error", written.reject);
        socket.pipe(file);
      }),
      "server",
    );
    const port = await listen(lab, server);
    const client = lab.watch(net.connect(port, HOST), "client");
    await lab.until("client", "connect");
    const sent = await sendAll(lab, "client", client);
    await written.promise;
    const hash = createHash("sha256");
    using file = await Deno.open(path);
    for await (const chunk of file.readable) hash.update(chunk);
    assertEquals((await Deno.stat(path)).size, TOTAL);
    assertEquals(hash.digest("hex"), sent);
    assertEquals(lab.trace.names("server#1", "call").filter((n) => n === "pipe"), ["pipe"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("integrity: a paused reader that resumes late still gets the same 64 MiB", async () => {
  await using lab = await Lab.open("integrity: paused reader", { maxEvents: 20_000 });
  const received = Promise.withResolvers<{ hash: string; bytes: number }>();
  const accepted = Promise.withResolvers<net.Socket>();
  const server = lab.watch(
    net.createServer((socket) => {
      // Paused from the start: nothing is read until resume().
      socket.pause();
      accepted.resolve(socket);
      hashUntilEnd(socket, received.resolve);
    }),
    "server",
  );
  const port = await listen(lab, server);
  const client = lab.watch(net.connect(port, HOST), "client");
  await lab.until("client", "connect");
  const sending = sendAll(lab, "client", client);
  // The sender fills the kernel buffers and its own queue, then waits for drain.
  const blocked = await lab.until("client", "write", {
    where: (e) => e.returned === false,
    timeoutMs: 10_000,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const readBeforeResume = lab.events("server#1").filter((e) => e.name === "data").length;
  assertEquals(readBeforeResume, 0, "the paused reader read nothing");
  assertGreater(blocked.counters!.writableLength!, 0);
  (await accepted.promise).resume();
  const sent = await sending;
  const got = await received.promise;
  assertEquals(got.bytes, TOTAL);
  assertEquals(got.hash, sent);
  assert(lab.trace.names("server#1", "call").includes("resume"));
  await lab.until("client", "close", { timeoutMs: 30_000 });
});
