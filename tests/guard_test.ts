import { assert, assertEquals, assertFalse, assertMatch } from "@std/assert";
import { guardDecision } from "../lib/record/guard.ts";
import { isLoopbackAddress, isMulticastAddress, isWildcardAddress } from "socketlab";

Deno.test("isLoopbackAddress: 127.0.0.0/8, ::1, IPv4-mapped loopback and localhost only", () => {
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
    ]
  ) {
    assertFalse(isLoopbackAddress(a), a);
  }
});

Deno.test("isMulticastAddress and isWildcardAddress", () => {
  for (const a of ["224.0.0.1", "239.255.255.255", "230.185.192.108", "ff02::1"]) {
    assert(isMulticastAddress(a), a);
  }
  for (const a of ["223.255.255.255", "240.0.0.1", "10.23.101.42", "127.0.0.1", "::1"]) {
    assertFalse(isMulticastAddress(a), a);
  }
  for (const a of ["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]) assert(isWildcardAddress(a), a);
  for (const a of ["127.0.0.1", "::1", "10.0.0.0"]) assertFalse(isWildcardAddress(a), a);
});

Deno.test("guardDecision: loopback passes, the LAN is refused with the way to opt in", () => {
  const allowed = [
    { operation: "connect", address: "127.0.0.1" },
    { operation: "connect", address: "::1" },
    { operation: "connect", address: "localhost" },
    { operation: "connect", address: undefined },
    { operation: "send", address: "127.255.255.255" },
    { operation: "send", address: "239.7.7.7", multicastInterface: "127.0.0.1" },
    { operation: "bind", address: "0.0.0.0" },
    { operation: "bind", address: "::" },
    { operation: "bind", address: "239.7.7.7" },
    { operation: "bind", address: undefined },
    { operation: "listen", address: "127.0.0.1" },
    { operation: "addMembership", address: "239.7.7.7", multicastInterface: "127.0.0.1" },
    { operation: "setMulticastInterface", address: "127.0.0.1" },
  ] as const;
  for (const request of allowed) {
    assertEquals(guardDecision(request), undefined, JSON.stringify(request));
  }

  const refused = [
    [
      { operation: "connect", address: "10.23.101.42" },
      /connect to 10\.23\.101\.42 refused: it is outside loopback/,
    ],
    [{ operation: "send", address: "10.23.101.42" }, /send to 10\.23\.101\.42 refused/],
    [{ operation: "send", address: "192.168.1.255" }, /outside loopback/],
    [{ operation: "bind", address: "10.23.101.42" }, /bind to 10\.23\.101\.42 refused/],
    [{ operation: "listen", address: "10.23.101.42" }, /listen to 10\.23\.101\.42 refused/],
    [{ operation: "connect", address: "example.com" }, /resolves no host name but "localhost"/],
    [{ operation: "send", address: "239.7.7.7" }, /setMulticastInterface\("127\.0\.0\.1"\) first/],
    [
      { operation: "send", address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      /default interface/,
    ],
    [
      { operation: "addMembership", address: "239.7.7.7" },
      /without an interface the OS joins on its default interface/,
    ],
    [
      { operation: "addMembership", address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      /interface 10\.0\.0\.2 is outside loopback/,
    ],
    [
      { operation: "setMulticastInterface", address: "10.0.0.2" },
      /setMulticastInterface\("10\.0\.0\.2"\) refused/,
    ],
  ] as const;
  for (const [request, pattern] of refused) {
    const reason = guardDecision(request);
    assert(reason !== undefined, JSON.stringify(request));
    assertMatch(reason, pattern);
    assertMatch(reason, /\{ network: "lan" \}/);
    assertEquals(guardDecision({ ...request, network: "lan" }), undefined);
  }
});
