// Bad input: each refused with an error that names the value (and, where the error comes from
// socketlab or Node's validation, what was expected), and each recorded in the trace.
//
// Also tested elsewhere, not repeated here: lab.port(-1 | 65536 | 1.5 | "http") and other lab
// arguments in tests/lab_test.ts ("bad input is refused with an error that names it"); notebooks
// that are not JSON, nbformat 3 or have a cell without "source" in tests/runner_test.ts
// ("malformed, non-v4 and incomplete notebooks give clear errors"); the loopback guard's
// refusals of LAN addresses in tests/guard_netns_test.ts.
//
// The loopback guard comes after Node: an invalid call gets Node's own error, watched or not.
//
// Where the OS, not a validator, refuses the value (a TTL of 0, a 65,508-byte datagram, a group
// that is not multicast), Deno's node:dgram reports only the call and the errno ("setTTL EINVAL",
// "send EMSGSIZE 127.0.0.1:port"), as Node does. The program gets that error unchanged; the
// recorded failure carries a hint that names the value and what was expected.

import net from "node:net";
import {
  assertNamespacesAvailable,
  runInLoopbackNamespace,
} from "./fixtures/loopback_namespace.ts";
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { Lab } from "socketlab";
import { NotebookError, runNotebook } from "socketlab/runner";

const HOST = "127.0.0.1";

Deno.test("bad input: ports given to node:net and node:dgram are refused naming the value and the range", async () => {
  await using lab = await Lab.open("bad input: ports");
  const server = lab.watch(net.createServer(), "server");
  for (const port of [-1, 65536, 1.5]) {
    assertThrows(
      () => server.listen(port, HOST),
      RangeError,
      `options.port should be >= 0 and < 65536. Received ${port}.`,
    );
    const socket = lab.watch(new net.Socket(), `client ${port}`);
    assertThrows(
      () => socket.connect(port, HOST),
      RangeError,
      `Port should be >= 0 and < 65536. Received ${port}.`,
    );
  }
  // A string port: as a positional argument Node would take "http" for a pipe path; in an
  // options object it is refused.
  assertThrows(
    () => server.listen({ port: "http" as unknown as number, host: HOST }),
    RangeError,
    "options.port should be >= 0 and < 65536. Received http.",
  );
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  for (const port of [-1, 65536, 1.5, "http"]) {
    assertThrows(
      () => udp.send("x", port as number, HOST),
      RangeError,
      `Port should be > 0 and < 65536. Received ${port}.`,
    );
  }
  // Every refused call is in the trace with Node's code and the value it was given.
  const listens = lab.events("server").filter((e) => e.name === "listen");
  assertEquals(listens.map((e) => e.code), Array(4).fill("ERR_SOCKET_BAD_PORT"));
  assertEquals(listens.slice(0, 3).map((e) => e.args), [
    '-1, "127.0.0.1"',
    '65536, "127.0.0.1"',
    '1.5, "127.0.0.1"',
  ]);
  const sends = lab.events("udp").filter((e) => e.name === "send");
  assertEquals(sends.map((e) => e.code), Array(4).fill("ERR_SOCKET_BAD_PORT"));
  assertEquals(lab.datagrams().flows, [], "refused sends are not counted as sent");
});

Deno.test("bad input: an empty host means localhost", async () => {
  await using lab = await Lab.open("bad input: hosts");
  const server = lab.watch(net.createServer((s) => s.end()), "server");
  server.listen(lab.port(), HOST);
  const port = (await lab.until("server", "listening")).local!.port;

  // Node documents an empty (or omitted) host as "localhost": not an error, and it stays on loopback.
  lab.watch(net.connect(port, ""), "empty");
  const connected = await lab.until("empty", "connect");
  assertEquals(connected.remote?.address, HOST);
  await lab.until("empty", "close");
});

/** An invalid call, made on an object the caller may watch first. */
type Call = (watch: <T>(target: T) => T) => unknown;

const INVALID: [string, Call][] = [
  ['udp send(true, 0, 1, 1, "host")', (w) => w(udp4()).send(true as never, 0, 1, 1, "host")],
  ['udp send("x", 0, "10.23.101.42"): port 0', (w) => w(udp4()).send("x", 0, "10.23.101.42")],
  [
    'listen({ host: "localhost:3000" })',
    (w) => w(net.createServer()).listen({ host: "localhost:3000" }),
  ],
  [
    'connect({ host: "10.23.101.42" }) without a port',
    (w) => w(tcp()).connect({ host: "10.23.101.42" } as never),
  ],
  ["connect({ port: 80, host: 42 })", (w) => w(tcp()).connect({ port: 80, host: 42 } as never)],
  ["addMembership()", (w) => (w(udp4()).addMembership as () => void)()],
  ["setMulticastInterface(1)", (w) => w(udp4()).setMulticastInterface(1 as never)],
  [
    'addSourceSpecificMembership(1, "232.1.1.1")',
    (w) => w(udp4()).addSourceSpecificMembership(1 as never, "232.1.1.1"),
  ],
];

/** What the cases made, to close afterwards. */
const made: { destroy?(): void; close?(): void }[] = [];
function udp4(): dgram.Socket {
  const socket = dgram.createSocket("udp4");
  made.push(socket);
  return socket;
}
function tcp(): net.Socket {
  const socket = new net.Socket();
  made.push(socket);
  return socket;
}

Deno.test("bad input: the guard comes after Node, so an invalid call gets Node's own error, watched or not, and the trace records it", async () => {
  await using lab = await Lab.open("bad input: precedence");
  const outcome = (call: () => unknown) => {
    try {
      call();
      return "no error";
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      return { name: e.name, code: e.code, message: e.message };
    }
  };
  for (const [i, [what, call]] of INVALID.entries()) {
    const unwatched = outcome(() => call((target) => target));
    const watched = outcome(() =>
      call((target) => lab.watch(target as net.Socket, `${i}`) as never)
    );
    assertEquals(watched, unwatched, what);
    const code = (unwatched as { code?: string }).code;
    assert(
      code !== undefined && code.startsWith("ERR_") && code !== "ERR_SOCKETLAB_LOOPBACK",
      what,
    );
    assertEquals(
      lab.events(`${i}`).filter((e) => e.source === "call").map((e) => e.code),
      [code],
      what,
    );
  }
  for (const target of made.splice(0)) target.destroy ? target.destroy() : target.close!();
});

Deno.test("bad input: UDP sizes — 65,507 bytes is the IPv4 maximum, 65,508 fails with EMSGSIZE, is not counted, and the hint names the size", async () => {
  await using lab = await Lab.open("bad input: udp size");
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(lab.port(41234, { transport: "udp" }), HOST);
  const port = (await lab.until("udp", "listening")).local!.port;
  const send = (size: number) =>
    new Promise<Error | null>((resolve) => udp.send(Buffer.alloc(size), port, HOST, resolve));
  assertEquals(await send(65_507), null);
  await lab.until("udp", "message");
  const error = await send(65_508) as NodeJS.ErrnoException;
  assertEquals(error.code, "EMSGSIZE");
  assertEquals(error.message, `send EMSGSIZE ${HOST}:${port}`);
  // The trace names the size that was refused, and the ledger does not count it as sent.
  const calls = lab.events("udp").filter((e) => e.name === "send");
  assertEquals(calls.map((e) => e.bytes), [65_507, 65_508]);
  const results = lab.events("udp").filter((e) => e.name === "sent");
  assertEquals(results.map((e) => [e.bytes, e.code, e.hint]), [[65_507, undefined, undefined], [
    undefined,
    "EMSGSIZE",
    "a 65,508-byte datagram is too large: expected at most 65,507 bytes, the largest UDP payload over IPv4",
  ]]);
  assertEquals(lab.datagrams().flows, [{ from: "udp", to: "udp", sent: 1, received: 1, lost: 0 }]);
});

Deno.test("bad input: TTLs 0 and 256 are refused (EINVAL) and the hint names them; 1 and 255 are accepted", async () => {
  await using lab = await Lab.open("bad input: ttl");
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  udp.bind(0, HOST);
  await lab.until("udp", "listening");
  for (const ttl of [0, 256]) {
    const error = assertThrows(
      () => udp.setTTL(ttl),
      Error,
      "setTTL EINVAL",
    ) as NodeJS.ErrnoException;
    assertEquals(error.code, "EINVAL");
    assertThrows(() => udp.setMulticastTTL(ttl), Error, "setMulticastTTL EINVAL");
  }
  assertEquals(udp.setTTL(1), 1);
  assertEquals(udp.setTTL(255), 255);
  const calls = lab.events("udp").filter((e) => e.name === "setTTL");
  assertEquals(calls.map((e) => [e.args, e.code, e.hint]), [
    ["0", "EINVAL", "TTL 0 is out of range: expected an integer from 1 to 255"],
    ["256", "EINVAL", "TTL 256 is out of range: expected an integer from 1 to 255"],
    ["1", undefined, undefined],
    ["255", undefined, undefined],
  ]);
  const multicast = lab.events("udp").filter((e) => e.name === "setMulticastTTL");
  assertEquals(multicast.map((e) => e.hint), [
    "multicast TTL 0 is out of range: expected an integer from 1 to 255 (Node also accepts 0)",
    "multicast TTL 256 is out of range: expected an integer from 1 to 255",
  ]);
});

// ---- inside a loopback-only network namespace -------------------------------------------

const PROBE = `
import net from "node:net";
import dgram from "node:dgram";
import { Lab } from "socketlab";
const results = {};
const outcome = (error) => ({ name: error.name, code: error.code, message: error.message });
const firstError = (target) => new Promise((resolve) => target.once("error", (e) => resolve(outcome(e))));
await using lab = await Lab.open("bad input netns probe");
const lan = lab.watch(new net.Socket(), "lan");
lan.connect(80, "10.23.101.42");
results.lanConnect = await firstError(lan);
const lanSend = lab.watch(dgram.createSocket("udp4"), "lanSend");
results.lanSend = await new Promise((resolve) =>
  lanSend.send("x", 41234, "10.23.101.42", (error) => resolve(outcome(error))));
// A name that does not resolve gets Node's lookup error, watched or not.
for (const watched of [false, true]) {
  const socket = new net.Socket();
  if (watched) lab.watch(socket, "bogus");
  socket.connect(80, "999.1.1.1");
  results[watched ? "bogusWatched" : "bogusUnwatched"] = await firstError(socket);
}
const group = lab.watch(dgram.createSocket("udp4"), "group");
group.bind(0, "127.0.0.1");
await lab.until("group", "listening");
try { group.addMembership("10.23.101.42", "127.0.0.1"); } catch (error) { results.notMulticast = outcome(error); }
try { group.addMembership("10.23.101.42"); } catch (error) { results.notMulticastNoInterface = outcome(error); }
results.recorded = lab.events("group").filter((e) => e.name === "addMembership").map((e) => [e.args, e.code, e.hint]);
console.log(JSON.stringify(results));
`;

Deno.test("bad input: a LAN address without opt-in, a name that does not resolve, and a group that is not multicast, inside a loopback-only namespace the test makes (Linux, as root; elsewhere it fails saying why)", async () => {
  await assertNamespacesAvailable();
  const dir = await Deno.makeTempDir({ prefix: "socketlab-bad-input-" });
  try {
    const script = `${dir}/probe.ts`;
    await Deno.writeTextFile(script, PROBE);
    const out = await runInLoopbackNamespace(script);
    assertEquals(out.code, 0, out.stderr);
    const results = JSON.parse(out.stdout);
    const optIn = 'open the lab with { network: "lan" } to allow it';
    const outside = "the address is outside loopback (127.0.0.0/8, ::1)";
    // The guard reports where Node reports that call's failures: the socket's error event, the
    // send() callback. The message names the address and port, and how to opt in.
    assertEquals(results.lanConnect, {
      name: "LoopbackGuardError",
      code: "ERR_SOCKETLAB_LOOPBACK",
      message: `connect to 10.23.101.42:80 refused: ${outside}; ${optIn}`,
    });
    assertEquals(results.lanSend, {
      name: "LoopbackGuardError",
      code: "ERR_SOCKETLAB_LOOPBACK",
      message: `send to 10.23.101.42:41234 refused: ${outside}; ${optIn}`,
    });
    // The lookup is Node's (it cannot leave this namespace); the guard judges only an address.
    assertEquals(results.bogusWatched, results.bogusUnwatched);
    assert(results.bogusUnwatched.code !== "ERR_SOCKETLAB_LOOPBACK", results.bogusUnwatched.code);
    // A group that is not multicast: the kernel refuses it (Node's error, unchanged), with or
    // without an interface, and the trace's hint names the group.
    const einval = { name: "Error", code: "EINVAL", message: "addMembership EINVAL" };
    assertEquals(results.notMulticast, einval);
    assertEquals(results.notMulticastNoInterface, einval);
    const hint = "10.23.101.42 is not a multicast group: expected an IPv4 address from 224.0.0.0 " +
      "to 239.255.255.255 or an IPv6 address in ff00::/8";
    assertEquals(results.recorded, [
      ['"10.23.101.42", "127.0.0.1"', "EINVAL", hint],
      ['"10.23.101.42"', "EINVAL", hint],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad input: runNotebook refuses a cell without source before starting any kernel", async () => {
  const dir = await Deno.makeTempDir({ prefix: "socketlab-bad-input-" });
  try {
    const path = `${dir}/no_source.ipynb`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [{ cell_type: "code", id: "a", metadata: {}, outputs: [], execution_count: null }],
      }),
    );
    let spawned = 0;
    await assertRejects(
      () => runNotebook(path, { kernel: { onSpawn: () => spawned++ } }),
      NotebookError,
      'no_source.ipynb: cell 1 has no "source"',
    );
    assertEquals(spawned, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
