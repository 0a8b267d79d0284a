// What notebooks/02_socket.ipynb says a `node:net` socket does, checked under Node and under
// Deno with the same snippet (tests/fixtures/two_runtimes.ts). Where the runtimes differ (what
// a paused socket leaves in the kernel, setTimeout(0) after a timeout), each is held to what the
// notebook says it does.

import { assertEquals, assertGreater, assertGreaterOrEqual } from "@std/assert";
import { nodeVersion, runBoth } from "./fixtures/two_runtimes.ts";
import { eachRuntime, RUNTIMES } from "./fixtures/each_runtime.ts";

/**
 * Prefix of the snippets: a server whose one accepted socket is handed to `onSocket`, a
 * connected client, and the kernel's view of the server's end of the connection
 * (`/proc/net/tcp`: state and receive queue), read until it satisfies a condition.
 */
const PAIR = `
import net from "node:net";
import fs from "node:fs";
async function pair(onSocket) {
  let accepted;
  const server = net.createServer((socket) => { accepted = socket; onSocket(socket); });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const client = net.connect(server.address().port, "127.0.0.1");
  await new Promise((ok) => client.once("connect", ok));
  while (accepted === undefined) await new Promise((ok) => setTimeout(ok, 5));
  return { server, client, socket: accepted };
}
const STATES = { "01": "ESTABLISHED", "08": "CLOSE_WAIT" };
function kernelRow({ server, client }) {
  const port = server.address().port;
  for (const line of fs.readFileSync("/proc/net/tcp", "utf8").split("\\n").slice(1)) {
    const f = line.trim().split(/\\s+/);
    if (f.length < 5) continue;
    const local = parseInt(f[1].split(":")[1], 16), remote = parseInt(f[2].split(":")[1], 16);
    if (local === port && remote === client.localPort) {
      return { state: STATES[f[3]] ?? f[3], recvQ: parseInt(f[4].split(":")[1], 16) };
    }
  }
}
async function kernelRowUntil(p, ok) {
  for (let i = 0; i < 200; i++) {
    const row = kernelRow(p);
    if (row && ok(row)) return row;
    await new Promise((done) => setTimeout(done, 10));
  }
  return kernelRow(p);
}
const wait = (ms) => new Promise((ok) => setTimeout(ok, ms));
function closeAll({ server, client, socket }) {
  client.destroy(); socket.destroy(); server.close();
}
`;

Deno.test(`1.2.6 pause: Node reads into the stream's buffer, Deno leaves the bytes in the kernel (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, number | boolean>>(
    PAIR + `
const p = await pair((socket) => socket.pause());
p.client.write("a".repeat(10000));
// Node: the kernel's queue empties as Node reads; Deno: it fills up to 10,000.
const row = await kernelRowUntil(p, (r) => r.recvQ === 0 || r.recvQ === 10000);
await wait(100); // let a runtime that reads finish reading
const first = { recvQ: kernelRow(p).recvQ, readableLength: p.socket.readableLength, paused: p.socket.isPaused() };
p.client.write("b".repeat(300000)); // far more than the stream's highWaterMark
await wait(300);
console.log(JSON.stringify({
  ...first,
  highWaterMark: p.socket.readableHighWaterMark,
  moreReadableLength: p.socket.readableLength,
  moreRecvQ: kernelRow(p).recvQ,
  data: p.socket.listenerCount("data"),
}));
closeAll(p);
`,
  );
  assertEquals(
    { recvQ: both.deno.recvQ, readableLength: both.deno.readableLength, paused: both.deno.paused },
    { recvQ: 10000, readableLength: 0, paused: true },
    "Deno: a paused socket reads nothing: 10,000 bytes in the kernel's receive queue",
  );
  assertEquals(both.deno.moreReadableLength, 0, "Deno: still nothing read");
  assertGreater(both.deno.moreRecvQ, 10000, "Deno: the kernel holds the rest");
  if (both.node !== undefined) {
    const node = both.node;
    assertEquals(
      { recvQ: node.recvQ, readableLength: node.readableLength, paused: node.paused },
      { recvQ: 0, readableLength: 10000, paused: true },
      "Node: a paused socket keeps reading: 10,000 bytes in the stream's buffer, none in the kernel",
    );
    if (nodeVersion.startsWith("v20.")) {
      assertEquals(node.highWaterMark, 16384, "Node 20: readableHighWaterMark is 16 KiB");
    }
    assertGreaterOrEqual(
      node.moreReadableLength,
      node.highWaterMark,
      "Node reads until its buffer reaches highWaterMark",
    );
    assertGreater(node.moreRecvQ, 0, "Node: once its buffer is full, the rest waits in the kernel");
  }
});

Deno.test(`1.2.5 unpipe: the socket is paused, no end until resume(); the 6 bytes and FIN wait in the kernel (Deno) or the stream (Node) (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PAIR + `
import { Writable } from "node:stream";
let piped = "";
const sink = new Writable({ write(chunk, _encoding, done) { piped += chunk; done(); } });
let ended = false;
const p = await pair((socket) => { socket.pipe(sink, { end: false }); socket.on("end", () => (ended = true)); });
p.client.resume();
p.client.write("before\\n");
while (piped === "") await wait(5);
p.socket.unpipe();
p.client.end("after\\n");
const row = await kernelRowUntil(p, (r) => r.state === "CLOSE_WAIT" && (r.recvQ === 0 || r.recvQ === 7));
await wait(100);
const stuck = { ...kernelRow(p), readableLength: p.socket.readableLength, paused: p.socket.isPaused(), ended };
p.socket.resume();
await new Promise((ok) => p.socket.once("end", ok));
console.log(JSON.stringify({ piped, stuck, endedAfterResume: ended }));
closeAll(p);
`,
  );
  const expected = (recvQ: number, readableLength: number) => ({
    piped: "before\n",
    stuck: { state: "CLOSE_WAIT", recvQ, readableLength, paused: true, ended: false },
    endedAfterResume: true,
  });
  assertEquals(both.deno, expected(7, 0), "Deno: recv-Q 7 (6 bytes + the FIN), nothing read");
  if (both.node !== undefined) {
    assertEquals(both.node, expected(0, 6), "Node: recv-Q 0, the 6 bytes in the stream's buffer");
  }
});

Deno.test(`1.2.2 setEncoding("utf8") keeps a character split across chunks whole (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PAIR + `
async function read(encoding) {
  const chunks = [];
  const p = await pair((socket) => {
    if (encoding) socket.setEncoding(encoding);
    socket.on("data", (data) => chunks.push(typeof data === "string" ? data : [...data]));
  });
  const bytes = Buffer.from("a你b"); // 61 e4 bd a0 62
  p.client.write(bytes.subarray(0, 2));
  while (chunks.length < 1) await wait(5);
  p.client.write(bytes.subarray(2));
  while (chunks.length < 2) await wait(5);
  const bytesRead = p.socket.bytesRead;
  closeAll(p);
  return { chunks, bytesRead };
}
console.log(JSON.stringify({ utf8: await read("utf8"), none: await read(undefined) }));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r, {
      utf8: { chunks: ["a", "你b"], bytesRead: 5 },
      none: { chunks: [[0x61, 0xe4], [0xbd, 0xa0, 0x62]], bytesRead: 5 },
    }, `${runtime}: "a" then "你b" with the encoding, the bytes as sent without`);
  });
});

Deno.test(`1.2.7 setTimeout: timeout does not close; setTimeout(0) after a timeout: Node stops it, Deno re-arms it once (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PAIR + `
let timeouts = 0;
const p = await pair((socket) => {
  socket.on("data", () => {});
  socket.on("timeout", () => timeouts++);
  socket.setTimeout(100);
});
p.client.resume();
for (let i = 0; i < 100 && timeouts === 0; i++) await wait(10);
await wait(150); // a second timeout would come now if timeout re-armed itself without activity
const first = { timeouts, destroyed: p.socket.destroyed, readyState: p.socket.readyState };
p.socket.setTimeout(0);
p.client.write("activity");
await wait(500);
const afterZero = timeouts;
p.socket.setTimeout(100); // the workaround: replace the fired timer ...
p.socket.setTimeout(0); // ... and clear the new one
p.client.write("activity");
await wait(500);
console.log(JSON.stringify({ first, afterZero, afterWorkaround: timeouts }));
closeAll(p);
`,
  );
  const first = { timeouts: 1, destroyed: false, readyState: "open" };
  assertEquals(both.deno, { first, afterZero: 2, afterWorkaround: 2 }, "Deno: one more timeout");
  if (both.node !== undefined) {
    assertEquals(both.node, { first, afterZero: 1, afterWorkaround: 1 }, "Node: no more timeouts");
  }
});

Deno.test(`1.2.3 and 1.2.4: end has no argument; pipe unpipes itself at end; a write stream has no unpipe and no over event (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PAIR + `
import os from "node:os";
const path = fs.mkdtempSync(os.tmpdir() + "/claims-02-") + "/msg.txt";
const ws = fs.createWriteStream(path);
const seen = { endArgs: [], unpipeEvents: 0, over: false, unpipeMethod: typeof ws.unpipe };
ws.on("unpipe", () => seen.unpipeEvents++);
ws.on("over", () => (seen.over = true));
let ended;
const p = await pair((socket) => {
  socket.pipe(ws, { end: false });
  socket.on("end", (...args) => {
    seen.endArgs.push(args.length);
    seen.unpipeEventsAtEnd = seen.unpipeEvents;
    seen.writableAtEnd = ws.writable;
    socket.unpipe(ws);
    ws.end("closing\\n");
    ended = true;
  });
});
p.client.resume();
p.client.end("line\\n");
await new Promise((ok) => ws.once("close", ok));
seen.file = fs.readFileSync(path, "utf8");
fs.rmSync(path.replace(/\\/msg.txt$/, ""), { recursive: true });
console.log(JSON.stringify(seen));
closeAll(p);
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r, {
      endArgs: [0],
      unpipeEvents: 1,
      unpipeEventsAtEnd: 1,
      writableAtEnd: true,
      over: false,
      unpipeMethod: "undefined",
      file: "line\nclosing\n",
    }, `${runtime}: one unpipe (by pipe itself, before end), the file still open at end`);
  });
});
