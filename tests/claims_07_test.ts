// What notebooks/07_udp_broadcast.ipynb says Node and Deno do, checked by running the same snippet
// under both (claim() of tests/fixtures/dgram_claims.ts). Every datagram goes to 127.0.0.1 or to
// loopback's broadcast address 127.255.255.255, which Linux delivers on `lo` only.

import { assertEquals } from "@std/assert";
import { claim, RUNTIMES } from "./fixtures/dgram_claims.ts";
import { deadline } from "../lib/_async.ts";

/** What a failed call or send reported. */
interface Failure {
  code: string;
  errno: number;
  syscall: string;
  message: string;
}

Deno.test(`2.6 on Linux, a broadcast without setBroadcast(true) fails: Node EACCES, Deno send UNKNOWN; with it, it arrives, but not at a socket bound to 127.0.0.1 (${RUNTIMES})`, async () => {
  await claim<
    { port: number; refused: Failure; sent: number; heard: string; unicastGot: string[] }
  >(
    `
const failure = (e) => ({ code: e.code, errno: e.errno, syscall: e.syscall, message: e.message });
const receiver = await bound("udp4", "127.255.255.255", { reuseAddr: true });
const { port } = receiver.address();
const heard = once(receiver, "message").then(([msg]) => msg.toString());
// The same port on 127.0.0.1: it gets a unicast datagram sent after the broadcast, and nothing else.
const unicast = dgram.createSocket({ type: "udp4", reuseAddr: true });
unicast.bind(port, "127.0.0.1");
await once(unicast, "listening");
const unicastGot = [];
const sentinel = new Promise((ok) => unicast.on("message", (msg) => {
  unicastGot.push(msg.toString());
  if (msg.toString() === "unicast") ok();
}));
const sender = await bound();
const send = (text) => new Promise((ok) =>
  sender.send(text, port, "127.255.255.255", (err, n) => ok(err ? failure(err) : n)));
const refused = await send("no SO_BROADCAST");
sender.setBroadcast(true);
const sent = await send("with SO_BROADCAST");
const broadcastHeard = await heard;
sender.send("unicast", port, "127.0.0.1");
await sentinel;
console.log(JSON.stringify({ port, refused, sent, heard: broadcastHeard, unicastGot }));
for (const socket of [sender, receiver, unicast]) socket.close();
`,
    (result, runtime) => {
      const expected = runtime === "deno"
        ? { code: "UNKNOWN", errno: -4094 } // Deno: the catch-all UV_UNKNOWN
        : { code: "EACCES", errno: -13 }; // Node: the kernel's errno as it is
      assertEquals(result.refused, {
        ...expected,
        syscall: "send",
        message: `send ${expected.code} 127.255.255.255:${result.port}`,
      }, `${runtime}: the kernel refuses a broadcast without SO_BROADCAST`);
      assertEquals(result.sent, "with SO_BROADCAST".length, `${runtime}: with it, it is sent`);
      assertEquals(result.heard, "with SO_BROADCAST", `${runtime}: only the second one arrives`);
      assertEquals(
        result.unicastGot,
        ["unicast"],
        `${runtime}: a socket bound to 127.0.0.1 gets no broadcast, only what is sent to 127.0.0.1`,
      );
    },
  );
});

Deno.test(`2.6 setBroadcast on a socket that is not bound throws EBADF, and new Buffer.from() returns a Buffer (${RUNTIMES})`, async () => {
  await claim<{ unbound: Failure | string; newFrom: [boolean, string] }>(
    `
const socket = dgram.createSocket("udp4");
let unbound = "no error";
try {
  socket.setBroadcast(true);
} catch (e) {
  unbound = { code: e.code, errno: e.errno, syscall: e.syscall, message: e.message };
}
socket.close();
const buf = new Buffer.from("已经接受客户端的数据");
console.log(JSON.stringify({ unbound, newFrom: [Buffer.isBuffer(buf), buf.toString()] }));
`,
    (result, runtime) => {
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
    },
  );
});

Deno.test("2.6 Deno.listenDatagram sends to 127.255.255.255 without any opt-in (Deno only: Node has no Deno.listenDatagram)", async () => {
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
