// The loopback guard on loopback: its decisions as pure functions, what a lab in loopback mode
// binds instead of a wildcard, watch() of an object already outside loopback, and Unix sockets.
// Every attack on a LAN address runs in tests/guard_netns_test.ts, inside network namespaces.

import net from "node:net";
import dgram from "node:dgram";
import { assert, assertEquals, assertFalse, assertMatch, assertThrows } from "@std/assert";
import { isLoopbackAddress, isMulticastAddress, isWildcardAddress, Lab } from "socketlab";
import { isLoopbackIp, isLoopbackZone } from "../lib/os/address.ts";
import {
  guardDecision,
  type GuardRequest,
  LoopbackGuardError,
  loopbackInstead,
} from "../lib/record/guard.ts";
import { sendArgs } from "../lib/record/_args.ts";
import { denoRun } from "./fixtures/loopback_namespace.ts";

const LO = Deno.build.os === "linux" ? "lo" : "lo0";
const OPT_IN = 'open the lab with { network: "lan" } to allow it';

Deno.test("isLoopbackAddress: 127.0.0.0/8, ::1, IPv4-mapped loopback and localhost; a zone only when it names loopback", () => {
  for (
    const a of [
      "127.0.0.1",
      "127.255.255.255",
      "127.1.2.3",
      "::1",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
      "localhost",
      "LOCALHOST",
      `::1%${LO}`,
      "::1%1",
    ]
  ) {
    assert(isLoopbackAddress(a), a);
  }
  for (
    const a of [
      "10.23.101.42",
      "128.0.0.1",
      "0.0.0.0",
      "::",
      "::2",
      "::ffff:10.0.0.1",
      "fe80::1",
      "239.7.7.7",
      "example.com",
      "",
      "999.1.1.1",
      "126.255.255.255",
      "::1%v0",
      "::1%eth0",
      "::1%2",
    ]
  ) {
    assertFalse(isLoopbackAddress(a), a);
  }
  // Where the OS is about to use an address, a name is no address: it would be resolved again.
  assertFalse(isLoopbackIp("localhost"));
  assert(isLoopbackZone("1") && isLoopbackZone(LO));
  assertFalse(isLoopbackZone("v0") || isLoopbackZone(""));
});

Deno.test("isMulticastAddress and isWildcardAddress", () => {
  for (const a of ["224.0.0.1", "239.255.255.255", "230.185.192.108", "ff02::1", "ff02::1%v0"]) {
    assert(isMulticastAddress(a), a);
  }
  for (const a of ["223.255.255.255", "240.0.0.1", "10.23.101.42", "127.0.0.1", "::1"]) {
    assertFalse(isMulticastAddress(a), a);
  }
  for (const a of ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]) assert(isWildcardAddress(a), a);
  for (const a of ["127.0.0.1", "::1", "10.0.0.0"]) assertFalse(isWildcardAddress(a), a);
});

Deno.test("guardDecision: what passes", () => {
  const allowed: GuardRequest[] = [
    { operation: "connect", address: "127.0.0.1", port: 80 },
    { operation: "connect", address: "::1" },
    { operation: "connect", address: `::1%${LO}` },
    { operation: "send", address: "127.255.255.255" },
    { operation: "send", address: "239.7.7.7", multicastInterface: "127.0.0.1" },
    { operation: "send", address: "ff02::1", multicastInterface: `::%${LO}`, family: "IPv6" },
    { operation: "send", address: `ff02::1%${LO}`, family: "IPv6" },
    { operation: "bind", address: "127.0.0.1" },
    { operation: "bind", address: "239.7.7.7" }, // a receiver may bind to its group
    { operation: "listen", address: "::1" },
    { operation: "addMembership", address: "239.7.7.7", multicastInterface: "127.0.0.1" },
    {
      operation: "addMembership",
      address: "ff02::1:3",
      multicastInterface: `::1%${LO}`,
      family: "IPv6",
    },
    {
      operation: "addSourceSpecificMembership",
      address: "232.1.1.1",
      source: "10.0.0.1",
      multicastInterface: "127.0.0.1",
    },
    { operation: "setMulticastInterface", address: "127.0.0.1" },
    { operation: "setMulticastInterface", address: `::%${LO}`, family: "IPv6" },
    // What the OS refuses anyway passes, so the call fails with the OS's own error:
    { operation: "addMembership", address: "10.23.101.42" }, // not a group: EINVAL
    { operation: "setMulticastInterface", address: "eth0" }, // not an address: EINVAL
    { operation: "setMulticastInterface", address: "::1", family: "IPv4" }, // wrong family
  ];
  for (const request of allowed) {
    assertEquals(guardDecision(request), undefined, JSON.stringify(request));
  }
});

Deno.test("guardDecision: what is refused, each saying why and how to opt in", () => {
  const refused: [GuardRequest, string][] = [
    [
      { operation: "connect", address: "10.23.101.42", port: 80 },
      "connect to 10.23.101.42:80 refused: the address is outside loopback (127.0.0.0/8, ::1)",
    ],
    [
      { operation: "connect", address: "10.23.101.42", port: 80, host: "localhost" },
      'connect to 10.23.101.42:80 (looked up from "localhost") refused',
    ],
    [
      { operation: "send", address: "fd23:101::42", port: 9 },
      "send to [fd23:101::42]:9 refused: the address is outside loopback",
    ],
    [{ operation: "send", address: "0.0.0.0", port: 9 }, "send to 0.0.0.0:9 refused"],
    [
      { operation: "send", address: "::1%v0", port: 9 },
      "send to [::1%v0]:9 refused: zone v0 is not the loopback interface",
    ],
    [
      // A zone on an address outside loopback: the address is the reason, not the zone.
      { operation: "connect", address: "fe80::1%v0", port: 9 },
      "connect to [fe80::1%v0]:9 refused: the address is outside loopback",
    ],
    [
      { operation: "send", address: "239.7.7.7", port: 9 },
      "send to multicast group 239.7.7.7:9 refused: without an interface the OS uses its " +
      'default one; call setMulticastInterface("127.0.0.1"',
    ],
    [
      { operation: "send", address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      "interface 10.0.0.2 is outside loopback",
    ],
    [
      { operation: "send", address: "ff02::1%v0", family: "IPv6" },
      "zone v0 is not the loopback interface",
    ],
    [
      { operation: "send", address: "ff02::1", multicastInterface: "::1", family: "IPv6" },
      "an IPv6 interface is chosen by its zone id, and ::1 has none",
    ],
    [
      { operation: "connect", address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      "connect to multicast group 239.7.7.7 refused",
    ],
    [
      { operation: "bind", address: "10.23.101.1", port: 5000 },
      "bind to 10.23.101.1:5000 refused: the address is outside loopback",
    ],
    [
      { operation: "listen", address: "0.0.0.0", port: 80 },
      "listen on 0.0.0.0:80 refused: a wildcard address listens on every interface",
    ],
    [
      { operation: "addMembership", address: "239.7.7.7" },
      'addMembership("239.7.7.7") refused: without an interface the OS uses its default one, ' +
      "and joining or leaving a group is announced there",
    ],
    [
      { operation: "dropMembership", address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      'dropMembership("239.7.7.7", "10.0.0.2") refused: interface 10.0.0.2 is outside loopback',
    ],
    [
      {
        operation: "addMembership",
        address: "ff02::1:3",
        multicastInterface: "::1%v0",
        family: "IPv6",
      },
      "zone v0 is not the loopback interface",
    ],
    [
      { operation: "addSourceSpecificMembership", address: "232.1.1.1", source: "10.0.0.1" },
      'addSourceSpecificMembership("10.0.0.1", "232.1.1.1") refused',
    ],
    [
      {
        operation: "dropSourceSpecificMembership",
        address: "232.1.1.1",
        source: "10.0.0.1",
        multicastInterface: "10.0.0.2",
      },
      "interface 10.0.0.2 is outside loopback",
    ],
    [
      { operation: "setMulticastInterface", address: "10.0.0.2" },
      'setMulticastInterface("10.0.0.2") refused: interface 10.0.0.2 is outside loopback; use "127.0.0.1"',
    ],
    [
      { operation: "setMulticastInterface", address: "::1%v0", family: "IPv6" },
      'setMulticastInterface("::1%v0") refused: zone v0 is not the loopback interface',
    ],
  ];
  for (const [request, expected] of refused) {
    const reason = guardDecision(request);
    assert(reason !== undefined, JSON.stringify(request));
    assert(reason.includes(expected), `${reason}\n  does not include\n${expected}`);
    assert(reason.endsWith(OPT_IN), reason);
    assertFalse(/undefined/.test(reason), reason);
    assertEquals(guardDecision({ ...request, network: "lan" }), undefined);
  }
});

Deno.test("loopbackInstead: a wildcard or no address becomes loopback of the same family", () => {
  assertEquals(loopbackInstead(null, "IPv4"), "127.0.0.1");
  assertEquals(loopbackInstead(undefined, "IPv6"), "::1");
  assertEquals(loopbackInstead("", "IPv4"), "127.0.0.1");
  assertEquals(loopbackInstead("0.0.0.0", "IPv4"), "127.0.0.1");
  assertEquals(loopbackInstead("::", "IPv6"), "::1");
  assertEquals(loopbackInstead("127.0.0.1", "IPv4"), undefined);
  assertEquals(loopbackInstead("10.23.101.1", "IPv4"), undefined);
});

Deno.test("sendArgs reads send()'s arguments as Node does, coercions included", () => {
  const msg = new Uint8Array(8);
  const peer = "10.23.101.42";
  assertEquals(sendArgs([msg, 0, [5], 9, peer]), {
    payload: msg,
    offset: 0,
    length: 5,
    port: 9,
    address: peer,
  });
  assertEquals(sendArgs([msg, null, null, 9, peer]), {
    payload: msg,
    offset: 0,
    length: 0,
    port: 9,
    address: peer,
  });
  assertEquals(sendArgs([msg, "0", new Number(5), 9, peer]).length, 5);
  assertEquals(sendArgs([msg, 0, 5, "9", peer]).port, 9); // a port string Node accepts
  assertEquals(sendArgs([msg, 0, 5, 9, () => {}]).address, undefined); // the callback
  assertEquals(sendArgs([msg, 9, peer, () => {}]), { payload: msg, port: 9, address: peer });
  assertEquals(sendArgs([msg, 9]), { payload: msg, port: 9, address: undefined });
  // A connected socket: offset and length when the third argument is a number, no target.
  assertEquals(sendArgs([msg, 1, 2, () => {}], true), { payload: msg, offset: 1, length: 2 });
  assertEquals(sendArgs([msg, () => {}], true), { payload: msg });
});

Deno.test("loopback mode: listen() and bind() with no address or a wildcard bind loopback, and the listening record says so", async () => {
  await using lab = await Lab.open("guard: wildcards");
  const cases: [string, (label: string) => net.Server | dgram.Socket, string][] = [
    ["listen(0)", (l) => lab.watch(net.createServer(), l).listen(0), "127.0.0.1"],
    [
      'listen(0, "0.0.0.0")',
      (l) => lab.watch(net.createServer(), l).listen(0, "0.0.0.0"),
      "127.0.0.1",
    ],
    ['listen(0, "::")', (l) => lab.watch(net.createServer(), l).listen(0, "::"), "::1"],
    [
      "listen({ port: 0 })",
      (l) => lab.watch(net.createServer(), l).listen({ port: 0 }),
      "127.0.0.1",
    ],
    ["udp4 bind(0)", (l) => lab.watch(dgram.createSocket("udp4"), l).bind(0), "127.0.0.1"],
    [
      'udp4 bind(0, "0.0.0.0")',
      (l) => lab.watch(dgram.createSocket("udp4"), l).bind(0, "0.0.0.0"),
      "127.0.0.1",
    ],
    ["udp6 bind(0)", (l) => lab.watch(dgram.createSocket("udp6"), l).bind(0), "::1"],
  ];
  for (const [label, open, expected] of cases) {
    const target = open(label);
    const listening = await lab.until(label, "listening");
    assertEquals(listening.local?.address, expected, label);
    assertEquals((target.address() as net.AddressInfo).address, expected, label);
    assertMatch(
      listening.hint!,
      new RegExp(`^the loopback guard bound ${expected.replace(".", "\\.")} instead of`),
    );
    assertMatch(listening.hint!, /open the lab with \{ network: "lan" \} to bind every interface$/);
  }
  // A server given no host answers clients of 127.0.0.1 and of localhost.
  const server = lab.watch(net.createServer((s) => s.end()), "server");
  server.listen(0);
  const port = (await lab.until("server", "listening")).local!.port;
  for (const host of ["127.0.0.1", "localhost"]) {
    lab.watch(net.connect(port, host), host);
    await lab.until(host, "connect");
  }
  // An address that is already loopback is left alone, and no hint is added.
  const plain = lab.watch(dgram.createSocket("udp4"), "plain");
  plain.bind(0, "127.0.0.1");
  assertEquals((await lab.until("plain", "listening")).hint, undefined);
});

Deno.test("loopback mode: the implicit bind of a first send() binds loopback too", async () => {
  await using lab = await Lab.open("guard: implicit bind");
  const receiver = lab.watch(dgram.createSocket("udp4"), "receiver");
  receiver.bind(0, "127.0.0.1");
  const port = (await lab.until("receiver", "listening")).local!.port;
  const lonely = lab.watch(dgram.createSocket("udp4"), "lonely");
  lonely.send("hello", port, "127.0.0.1");
  const listening = await lab.until("lonely", "listening");
  await lab.until("receiver", "message");
  assertEquals(lonely.address().address, "127.0.0.1");
  assertMatch(listening.hint!, /bound 127\.0\.0\.1 instead of 0\.0\.0\.0 \(every interface\)/);
});

Deno.test("watch() refuses an object already bound or connected outside loopback, naming it; a loopback one is fine", async () => {
  await using lab = await Lab.open("guard: already outside");
  // Bound to the wildcard before watch(): nothing is sent, the port is only open.
  const early = dgram.createSocket("udp4");
  early.bind(0, "0.0.0.0");
  await new Promise((resolve) => early.once("listening", resolve));
  const error = assertThrows(() => lab.watch(early, "early"), LoopbackGuardError);
  assertMatch(
    error.message,
    /^lab\.watch\(\) refused: the object is already bound to 0\.0\.0\.0, outside loopback/,
  );
  assertMatch(error.message, /watch it before it binds, listens or connects/);
  early.close();
  await new Promise((resolve) => early.once("close", resolve));
  assertEquals(lab.events("early"), [], "the refused socket is not watched");

  const fine = dgram.createSocket("udp4");
  fine.bind(0, "127.0.0.1");
  await new Promise((resolve) => fine.once("listening", resolve));
  lab.watch(fine, "fine").close();
  await lab.until("fine", "close");
});

Deno.test("Unix sockets pass the guard: a path never leaves the machine, even through a handle made before connect()", async () => {
  const script = new URL("./fixtures/unix_socket_probe.ts", import.meta.url).pathname;
  const [command, ...args] = denoRun(script);
  const out = await new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), {
    "watch(new net.Socket()).connect({ path })": "connect",
    "watch(net.connect({ path }))": "connect",
    "handle first, not watched": "connect",
    "handle first, watched": "connect",
  });
});
