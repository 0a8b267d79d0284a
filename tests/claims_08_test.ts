// What notebooks/08_udp_multicast.ipynb says Node and Deno do, checked by running the same snippet
// under both (claim() of tests/fixtures/dgram_claims.ts). The snippets run on the host send nothing
// to a group. Those that do, and the one that binds the wildcard address (a send on an unbound
// socket), run in a network namespace with nothing but loopback, as the notebook's multicast does.

import { assertEquals } from "@std/assert";
import { claim, RUNTIMES } from "./fixtures/dgram_claims.ts";
import { assertNamespacesAvailable } from "./fixtures/loopback_namespace.ts";

Deno.test(`2.7 setMulticastTTL: 128, 1 and 255 are set; 0 is accepted by Node and refused by Deno (EINVAL); 256 is refused by both (${RUNTIMES})`, async () => {
  await claim<Record<string, number | string>>(
    `
const socket = await bound();
const out = {};
for (const ttl of [128, 1, 255, 0, 256]) {
  try {
    out[ttl] = socket.setMulticastTTL(ttl);
  } catch (e) {
    out[ttl] = e.code + " " + e.errno + " " + e.message;
  }
}
socket.close();
console.log(JSON.stringify(out));
`,
    (result, runtime) => {
      const refused = "EINVAL -22 setMulticastTTL EINVAL";
      assertEquals(
        result,
        { 128: 128, 1: 1, 255: 255, 0: runtime === "node" ? 0 : refused, 256: refused },
        runtime === "node"
          ? "Node returns the TTLs 0 to 255 it set and refuses 256"
          : "Deno returns the TTLs 1 to 255 it set and refuses 0 and 256",
      );
    },
  );
});

Deno.test(`2.7 addMembership("10.23.101.42", "127.0.0.1") throws addMembership EINVAL: not a group (${RUNTIMES})`, async () => {
  await claim<unknown>(
    `
const socket = await bound("udp4", "127.0.0.1", { reuseAddr: true });
let out = "no error";
try {
  socket.addMembership("10.23.101.42", "127.0.0.1");
} catch (e) {
  out = [e.code, e.errno, e.syscall, e.message];
}
socket.close();
console.log(JSON.stringify(out));
`,
    (result, runtime) => {
      assertEquals(
        result,
        ["EINVAL", -22, "addMembership", "addMembership EINVAL"],
        `${runtime}: the system refuses to join a unicast address`,
      );
    },
  );
});

/** What a test that runs in a loopback-only network namespace says in its name. */
const IN_NAMESPACE = `${RUNTIMES}; in a loopback-only network namespace: needs Linux and root`;

Deno.test(`2.7 a send on an unbound socket binds it, runs the listening handlers, then sends: options set there apply to the first datagram (${IN_NAMESPACE})`, async () => {
  // The implicit bind binds the wildcard address: run only where there is no network but lo.
  // SO_BROADCAST set in the listening handler is what lets the queued datagram go to
  // 127.255.255.255: had it left before the handler ran, Linux would have refused it.
  await assertNamespacesAvailable();
  await claim<unknown>(
    `
const receiver = await bound("udp4", "127.255.255.255", { reuseAddr: true });
const { port } = receiver.address();
const heard = once(receiver, "message").then(([msg]) => msg.toString());
const order = [];
const server = dgram.createSocket("udp4");
server.on("listening", () => {
  order.push("listening");
  server.setBroadcast(true);
  server.setMulticastTTL(128);
});
const result = await new Promise((ok) =>
  server.send("queued", port, "127.255.255.255", (err, n) => {
    order.push("sent");
    ok(err ? err.code : n);
  }));
console.log(JSON.stringify({ order, result, heard: await heard, bound: server.address().address }));
server.close();
receiver.close();
`,
    (result, runtime) => {
      assertEquals(
        result,
        {
          order: ["listening", "sent"],
          result: "queued".length,
          heard: "queued",
          bound: "0.0.0.0",
        },
        `${runtime}: the first send binds the wildcard, the listening handler runs, then it is sent`,
      );
    },
    { loopbackNamespace: true },
  );
});

Deno.test(`2.7 on Linux, a member sending through lo gets its own datagram with setMulticastLoopback(true) and with false (${IN_NAMESPACE})`, async () => {
  // The datagrams go to a multicast group: run only where there is no network but lo.
  await assertNamespacesAvailable();
  await claim<string[]>(
    `
const GROUP = "230.185.192.108";
const self = await bound("udp4", GROUP, { reuseAddr: true });
self.addMembership(GROUP, "127.0.0.1");
self.setMulticastInterface("127.0.0.1");
const got = [];
const waiting = new Map();
self.on("message", (msg) => {
  got.push(msg.toString());
  waiting.get(msg.toString())?.();
});
const heard = (text) => new Promise((ok) => waiting.set(text, ok));
const port = self.address().port;
for (const loopback of [true, false]) {
  const text = loopback ? "loopback on" : "loopback off";
  self.setMulticastLoopback(loopback);
  const arrived = heard(text);
  self.send(text, port, GROUP);
  await arrived;
}
console.log(JSON.stringify(got));
self.close();
`,
    (got, runtime) => {
      assertEquals(
        got,
        ["loopback on", "loopback off"],
        `${runtime}: through lo, loopback off changes nothing: the wire itself loops back`,
      );
    },
    { loopbackNamespace: true },
  );
});
