// Bad input: each refused with an error that names the value (and, where the error comes from
// socketlab or Node's validation, what was expected), and each recorded in the trace.
//
// Also tested elsewhere, not repeated here: lab.port(-1 | 65536 | 1.5 | "http") and other lab
// arguments in tests/lab_test.ts ("bad input is refused with an error that names it"); notebooks
// that are not JSON, nbformat 3 or have a cell without "source" in tests/runner_test.ts
// ("malformed, non-v4 and incomplete notebooks give clear errors"); the loopback guard's codes
// for LAN addresses in tests/guard_netns_test.ts.
//
// Where the OS, not a validator, refuses the value (a TTL of 0, a 65,508-byte datagram, a group
// that is not multicast), Deno's node:dgram reports only the call and the errno ("setTTL EINVAL",
// "send EMSGSIZE 127.0.0.1:port"), as Node does. The program gets that error unchanged; the
// recorded failure carries a hint that names the value and what was expected.

import net from "node:net";
import {
  loopbackNamespaceUnavailable,
  runInLoopbackNamespace,
} from "./fixtures/loopback_namespace.ts";
import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { Lab, LoopbackGuardError } from "socketlab";
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

Deno.test("bad input: hosts — an empty host means localhost; 999.1.1.1 is refused by the guard before any lookup", async () => {
  await using lab = await Lab.open("bad input: hosts");
  const server = lab.watch(net.createServer((s) => s.end()), "server");
  server.listen(lab.port(), HOST);
  const port = (await lab.until("server", "listening")).local!.port;

  // Node documents an empty (or omitted) host as "localhost": not an error, and it stays on loopback.
  lab.watch(net.connect(port, ""), "empty");
  const connected = await lab.until("empty", "connect");
  assertEquals(connected.remote?.address, HOST);
  await lab.until("empty", "close");

  // "999.1.1.1" is not an IP address, so Node would look it up as a host name (a DNS query
  // leaving the machine). The guard refuses it first, naming it and saying what to pass instead.
  const bogus = lab.watch(new net.Socket(), "bogus");
  const error = assertThrows(() => bogus.connect(port, "999.1.1.1"), LoopbackGuardError);
  assertEquals(
    error.message,
    'connect to "999.1.1.1" refused: the guard resolves no host name but "localhost"; ' +
      'pass an IP address such as 127.0.0.1, or open the lab with { network: "lan" } to allow it',
  );
  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  assertThrows(() => udp.send("x", port, "999.1.1.1"), LoopbackGuardError, '"999.1.1.1"');
  assertEquals(lab.events("bogus").map((e) => [e.name, e.code]), [[
    "connect",
    "ERR_SOCKETLAB_LOOPBACK",
  ]]);
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
await using lab = await Lab.open("bad input netns probe");
try {
  lab.watch(new net.Socket(), "lan").connect(80, "10.23.101.42");
} catch (error) { results.lanConnect = outcome(error); }
try {
  lab.watch(dgram.createSocket("udp4"), "lanSend").send("x", 41234, "10.23.101.42");
} catch (error) { results.lanSend = outcome(error); }
const group = lab.watch(dgram.createSocket("udp4"), "group");
group.bind(0, "127.0.0.1");
await lab.until("group", "listening");
try { group.addMembership("10.23.101.42", "127.0.0.1"); } catch (error) { results.notMulticast = outcome(error); }
results.recorded = lab.events("group").filter((e) => e.name === "addMembership").map((e) => [e.args, e.code, e.hint]);
console.log(JSON.stringify(results));
`;

const reason = await loopbackNamespaceUnavailable();

Deno.test({
  name:
    `bad input: a LAN address without opt-in, and a group that is not multicast, inside a loopback-only namespace${
      reason ? ` (ignored: ${reason})` : ""
    }`,
  ignore: reason !== undefined,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "socketlab-bad-input-" });
    try {
      const script = `${dir}/probe.ts`;
      await Deno.writeTextFile(script, PROBE);
      const out = await runInLoopbackNamespace(script);
      assertEquals(out.code, 0, out.stderr);
      const results = JSON.parse(out.stdout);
      const optIn = 'open the lab with { network: "lan" } to allow it';
      assertEquals(results.lanConnect, {
        name: "LoopbackGuardError",
        code: "ERR_SOCKETLAB_LOOPBACK",
        message:
          `connect to 10.23.101.42 refused: it is outside loopback (127.0.0.0/8, ::1); ${optIn}`,
      });
      assertEquals(results.lanSend, {
        name: "LoopbackGuardError",
        code: "ERR_SOCKETLAB_LOOPBACK",
        message:
          `send to 10.23.101.42 refused: it is outside loopback (127.0.0.0/8, ::1); ${optIn}`,
      });
      // Through the loopback interface the guard lets the join through; the kernel refuses a
      // group outside 224.0.0.0/4 (Node's error, unchanged), and the trace's hint names the group.
      assertEquals(results.notMulticast, {
        name: "Error",
        code: "EINVAL",
        message: "addMembership EINVAL",
      });
      assertEquals(results.recorded, [[
        '"10.23.101.42", "127.0.0.1"',
        "EINVAL",
        "10.23.101.42 is not a multicast group: expected an IPv4 address from 224.0.0.0 to " +
        "239.255.255.255 or an IPv6 address in ff00::/8",
      ]]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
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
