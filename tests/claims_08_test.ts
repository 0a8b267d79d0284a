// What notebooks/08_udp_multicast.ipynb says Node and Deno do, checked by running the same snippet
// under both (tests/fixtures/two_runtimes.ts). The snippets here send nothing to a group: the
// notebook's multicast itself runs in a loopback-only network namespace. The one snippet that binds
// the wildcard address (a send on an unbound socket) runs in such a namespace too.

import { assert, assertEquals } from "@std/assert";
import { nodeMissing, nodeVersion, runBoth } from "./fixtures/two_runtimes.ts";
import { loopbackNamespaceUnavailable } from "./fixtures/loopback_namespace.ts";

/** Which runtimes a test runs on, said in its name. */
const RUNTIMES = nodeMissing === undefined
  ? `Node ${nodeVersion} and Deno`
  : `Deno only, Node not checked: ${nodeMissing}`;

Deno.test(`2.7 setMulticastTTL: 128, 1 and 255 are set; 0 is accepted by Node and refused by Deno (EINVAL); 256 is refused by both (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, number | string>>(`
import dgram from "node:dgram";
const socket = dgram.createSocket("udp4");
await new Promise((ok) => socket.bind(0, "127.0.0.1", ok));
const out = {};
for (const ttl of [128, 1, 255, 0, 256]) {
  try { out[ttl] = socket.setMulticastTTL(ttl); } catch (e) { out[ttl] = e.code + " " + e.errno + " " + e.message; }
}
socket.close();
console.log(JSON.stringify(out));
`);
  const refused = "EINVAL -22 setMulticastTTL EINVAL";
  assertEquals(
    both.deno,
    { 128: 128, 1: 1, 255: 255, 0: refused, 256: refused },
    "Deno returns the TTLs 1 to 255 it set and refuses 0 and 256",
  );
  if (both.node !== undefined) {
    assertEquals(
      both.node,
      { 128: 128, 1: 1, 255: 255, 0: 0, 256: refused },
      "Node returns the TTLs 0 to 255 it set and refuses 256",
    );
  }
});

Deno.test(`2.7 addMembership("10.23.101.42", "127.0.0.1") throws addMembership EINVAL: not a group (${RUNTIMES})`, async () => {
  const both = await runBoth<unknown>(`
import dgram from "node:dgram";
const socket = dgram.createSocket({ type: "udp4", reuseAddr: true });
await new Promise((ok) => socket.bind(0, "127.0.0.1", ok));
let out = "no error";
try { socket.addMembership("10.23.101.42", "127.0.0.1"); } catch (e) { out = [e.code, e.errno, e.syscall, e.message]; }
socket.close();
console.log(JSON.stringify(out));
`);
  const expected = ["EINVAL", -22, "addMembership", "addMembership EINVAL"];
  assertEquals(both.deno, expected, "Deno: the system refuses to join a unicast address");
  if (both.node !== undefined) assertEquals(both.node, expected, "Node: the same");
});

const namespaceMissing = await loopbackNamespaceUnavailable();

Deno.test(
  `2.7 a send on an unbound socket binds it, runs the listening handlers, then sends: options set there apply to the first datagram (${RUNTIMES}; in a loopback-only network namespace${
    namespaceMissing ? `, which cannot be made here: ${namespaceMissing}` : ""
  })`,
  async () => {
    assert(
      namespaceMissing === undefined,
      `needs a loopback-only network namespace: ${namespaceMissing}`,
    );
    // The implicit bind binds the wildcard address: run only where there is no network but lo.
    // SO_BROADCAST set in the listening handler is what lets the queued datagram go to
    // 127.255.255.255: had it left before the handler ran, Linux would have refused it.
    const source = `import dgram from "node:dgram";
const receiver = dgram.createSocket({ type: "udp4", reuseAddr: true });
await new Promise((ok) => receiver.bind(0, "127.255.255.255", ok));
const { port } = receiver.address();
const heard = new Promise((ok) => receiver.once("message", (msg) => ok(msg.toString())));
const order = [];
const server = dgram.createSocket("udp4");
server.on("listening", () => {
  order.push("listening");
  server.setBroadcast(true);
  server.setMulticastTTL(128);
});
const result = await new Promise((ok) =>
  server.send("queued", port, "127.255.255.255", (err, n) => { order.push("sent"); ok(err ? err.code : n); }));
console.log(JSON.stringify({ order, result, heard: await heard, bound: server.address().address }));
server.close();
receiver.close();`;
    const dir = await Deno.makeTempDir({ prefix: "socketlab-claims-08-" });
    try {
      await Deno.writeTextFile(`${dir}/implicit_bind.mjs`, source);
      const runtimes: [string, string[]][] = [["Deno", [Deno.execPath(), "run", "--quiet", "-A"]]];
      if (nodeMissing === undefined) runtimes.push(["Node", ["node"]]);
      for (const [runtime, command] of runtimes) {
        const out = await new Deno.Command("unshare", {
          args: [
            "--net",
            "sh",
            "-c",
            'ip link set lo up && exec "$@"',
            "sh",
            ...command,
            "implicit_bind.mjs",
          ],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(30_000),
        }).output();
        const stdout = new TextDecoder().decode(out.stdout).trim();
        assert(out.success, `${runtime}: ${new TextDecoder().decode(out.stderr)}`);
        assertEquals(
          JSON.parse(stdout),
          {
            order: ["listening", "sent"],
            result: "queued".length,
            heard: "queued",
            bound: "0.0.0.0",
          },
          `${runtime}: the first send binds the wildcard, the listening handler runs, then it is sent`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
