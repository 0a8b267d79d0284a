// What notebooks/07_udp_broadcast.ipynb says Node and Deno do, checked by running the same snippet
// under both (tests/fixtures/two_runtimes.ts). Every datagram goes to 127.0.0.1 or to loopback's
// broadcast address 127.255.255.255, which Linux delivers on `lo` only.

import { assertEquals } from "@std/assert";
import { nodeMissing, nodeVersion, runBoth } from "./fixtures/two_runtimes.ts";
import { deadline } from "../lib/_async.ts";

/** Which runtimes a test runs on, said in its name. */
const RUNTIMES = nodeMissing === undefined
  ? `Node ${nodeVersion} and Deno`
  : `Deno only, Node not checked: ${nodeMissing}`;

/** What a failed call or send reported. */
interface Failure {
  code: string;
  errno: number;
  syscall: string;
  message: string;
}

Deno.test(`2.6 on Linux, a broadcast without setBroadcast(true) fails: Node EACCES, Deno send UNKNOWN; with it, it arrives, but not at a socket bound to 127.0.0.1 (${RUNTIMES})`, async () => {
  const both = await runBoth<{
    port: number;
    refused: Failure;
    sent: number;
    heard: string;
    unicastGot: string[];
  }>(`
import dgram from "node:dgram";
const failure = (e) => ({ code: e.code, errno: e.errno, syscall: e.syscall, message: e.message });
const bound = (socket, ...args) => new Promise((ok) => socket.bind(...args, ok));
const receiver = dgram.createSocket({ type: "udp4", reuseAddr: true });
await bound(receiver, 0, "127.255.255.255");
const { port } = receiver.address();
const heard = new Promise((ok) => receiver.once("message", (msg) => ok(msg.toString())));
// The same port on 127.0.0.1: it gets a unicast datagram sent after the broadcast, and nothing else.
const unicast = dgram.createSocket({ type: "udp4", reuseAddr: true });
await bound(unicast, port, "127.0.0.1");
const unicastGot = [];
const sentinel = new Promise((ok) => unicast.on("message", (msg) => {
  unicastGot.push(msg.toString());
  if (msg.toString() === "unicast") ok();
}));
const sender = dgram.createSocket("udp4");
await bound(sender, 0, "127.0.0.1");
const send = (text) => new Promise((ok) => sender.send(text, port, "127.255.255.255", (err, n) => ok(err ? failure(err) : n)));
const refused = await send("no SO_BROADCAST");
sender.setBroadcast(true);
const sent = await send("with SO_BROADCAST");
const broadcastHeard = await heard;
sender.send("unicast", port, "127.0.0.1");
await sentinel;
console.log(JSON.stringify({ port, refused, sent, heard: broadcastHeard, unicastGot }));
sender.close();
receiver.close();
unicast.close();
`);
  const { port } = both.deno;
  assertEquals(both.deno.refused, {
    code: "UNKNOWN",
    errno: -4094,
    syscall: "send",
    message: `send UNKNOWN 127.255.255.255:${port}`,
  }, "Deno reports the kernel's EACCES as UNKNOWN (UV_UNKNOWN, -4094)");
  if (both.node !== undefined) {
    assertEquals(both.node.refused, {
      code: "EACCES",
      errno: -13,
      syscall: "send",
      message: `send EACCES 127.255.255.255:${both.node.port}`,
    }, "Node reports the kernel's EACCES as it is");
  }
  for (const [runtime, result] of [["Deno", both.deno], ["Node", both.node]] as const) {
    if (result === undefined) continue;
    assertEquals(
      result.sent,
      "with SO_BROADCAST".length,
      `${runtime}: with SO_BROADCAST it is sent`,
    );
    assertEquals(result.heard, "with SO_BROADCAST", `${runtime}: only the second datagram arrives`);
    assertEquals(
      result.unicastGot,
      ["unicast"],
      `${runtime}: a socket bound to 127.0.0.1 gets no broadcast, only what is sent to 127.0.0.1`,
    );
  }
});

Deno.test(`2.6 setBroadcast on a socket that is not bound throws EBADF, and new Buffer.from() returns a Buffer (${RUNTIMES})`, async () => {
  const both = await runBoth<{ unbound: Failure; newFrom: [boolean, string] }>(`
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
const socket = dgram.createSocket("udp4");
let unbound = "no error";
try { socket.setBroadcast(true); } catch (e) { unbound = { code: e.code, errno: e.errno, syscall: e.syscall, message: e.message }; }
socket.close();
const buf = new Buffer.from("已经接受客户端的数据");
console.log(JSON.stringify({ unbound, newFrom: [Buffer.isBuffer(buf), buf.toString()] }));
`);
  for (const [runtime, result] of [["Deno", both.deno], ["Node", both.node]] as const) {
    if (result === undefined) continue;
    assertEquals(result.unbound, {
      code: "EBADF",
      errno: -9,
      syscall: "setBroadcast",
      message: "setBroadcast EBADF",
    }, `${runtime}: there is no OS socket to set SO_BROADCAST on before bind`);
    assertEquals(
      result.newFrom,
      [true, "已经接受客户端的数据"],
      `${runtime}: new applies to Buffer.from, a plain function returning a Buffer`,
    );
  }
});

Deno.test(`2.6 Deno.listenDatagram sends to 127.255.255.255 without any opt-in (Deno only: Node has no Deno.listenDatagram)`, async () => {
  // The notebook's "Deno way": Deno's own UDP sockets broadcast without setBroadcast.
  const receiver = Deno.listenDatagram({
    transport: "udp",
    hostname: "127.255.255.255",
    port: 0,
    reuseAddress: true,
  });
  const sender = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const port = (receiver.addr as Deno.NetAddr).port;
    const payload = new TextEncoder().encode("hello from Deno.listenDatagram");
    const target = { transport: "udp", hostname: "127.255.255.255", port } as const;
    assertEquals(await sender.send(payload, target), payload.length, "sent without opting in");
    const [data] = await deadline(receiver.receive(), 10_000);
    assertEquals(
      new TextDecoder().decode(data),
      "hello from Deno.listenDatagram",
      "and it arrives",
    );
  } finally {
    receiver.close();
    sender.close();
  }
});
