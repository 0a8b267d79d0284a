import { assert, assertEquals, assertFalse, assertMatch } from "@std/assert";
import { guardDecision, type GuardRequest, LoopbackGuardError } from "../lib/record/guard.ts";
import { isLoopbackAddress, isMulticastAddress, isWildcardAddress } from "../lib/os/address.ts";

const OPT_IN = 'open the lab with { network: "lan" } to allow it';

/** Asserts `predicate` over a table of `[address, expected, why]`. */
function assertTable(
  predicate: (address: string) => boolean,
  table: readonly (readonly [string, boolean, string])[],
): void {
  for (const [address, expected, why] of table) {
    assertEquals(predicate(address), expected, `${JSON.stringify(address)}: ${why}`);
  }
}

/** Asserts that the guard refuses `request` with exactly `message`, and that "lan" lets it through. */
function assertRefused(request: GuardRequest, message: string): void {
  const label = JSON.stringify(request);
  assertEquals(guardDecision(request), message, label);
  assertEquals(guardDecision({ ...request, network: "loopback" }), message, `${label}, loopback`);
  assertEquals(guardDecision({ ...request, network: "lan" }), undefined, `${label}, lan`);
}

function assertAllowed(request: GuardRequest): void {
  const label = JSON.stringify(request);
  assertEquals(guardDecision(request), undefined, label);
  assertEquals(guardDecision({ ...request, network: "loopback" }), undefined, label);
  assertEquals(guardDecision({ ...request, network: "lan" }), undefined, label);
}

Deno.test("isLoopbackAddress: 127.0.0.0/8 to its boundaries, in IPv4 and IPv4-mapped form", () => {
  assertTable(isLoopbackAddress, [
    ["127.0.0.1", true, "the usual loopback"],
    ["127.0.0.0", true, "first address of 127.0.0.0/8"],
    ["127.255.255.255", true, "last address of 127.0.0.0/8"],
    ["127.1.2.3", true, "all of 127.0.0.0/8 is loopback"],
    ["126.255.255.255", false, "just below 127.0.0.0/8"],
    ["128.0.0.0", false, "just above 127.0.0.0/8"],
    ["128.0.0.1", false, "above 127.0.0.0/8"],
    ["::ffff:127.0.0.1", true, "IPv4-mapped 127.0.0.1"],
    ["::ffff:127.0.0.0", true, "IPv4-mapped first address of the /8"],
    ["::ffff:127.255.255.255", true, "IPv4-mapped last address of the /8"],
    ["::ffff:126.255.255.255", false, "IPv4-mapped, just below the /8"],
    ["::ffff:128.0.0.0", false, "IPv4-mapped, just above the /8"],
    ["::ffff:7f00:1", true, "IPv4-mapped 127.0.0.1 written in hex"],
    ["::ffff:7eff:ffff", false, "IPv4-mapped 126.255.255.255 written in hex"],
    ["0:0:0:0:0:ffff:127.0.0.1", true, "IPv4-mapped, fully written"],
    ["::FFFF:127.0.0.1", true, "case does not matter"],
    ["::ffff:10.0.0.1", false, "IPv4-mapped LAN address"],
    ["1::ffff:127.0.0.1", false, "not IPv4-mapped: the first word is 1"],
    ["0:0:0:0:1:ffff:7f00:1", false, "not IPv4-mapped: the fifth word is 1"],
    ["::127.0.0.1", false, "IPv4-compatible (deprecated) ::7f00:1 is not loopback"],
    ["::ffff:127.0.0.1x", false, "not an address at all"],
    ["10.23.101.42", false, "LAN"],
    ["0.0.0.0", false, "the wildcard is not loopback"],
    ["999.1.1.1", false, "not an address"],
    ["127.1", false, "shorthand IPv4 is not accepted as an address"],
  ]);
});

Deno.test("isLoopbackAddress: ::1 is the only IPv6 loopback, however it is written", () => {
  assertTable(isLoopbackAddress, [
    ["::1", true, "IPv6 loopback"],
    ["0::1", true, "::1 with a leading zero group"],
    ["::0:1", true, "::1 with an explicit zero group"],
    ["0:0:0:0:0:0:0:1", true, "::1 fully written"],
    ["0000:0000:0000:0000:0000:0000:0000:0001", true, "::1 with leading zeros"],
    ["::0.0.0.1", true, "::1 with a dotted tail"],
    ["::2", false, "the last word must be 1"],
    ["1::1", false, "the first word must be 0"],
    ["::1:0", false, "1 in the seventh word, not the eighth"],
    ["::1:1", false, "the seventh word must be 0"],
    ["::0.1.0.1", false, "::1:1 with a dotted tail"],
    ["::", false, "the IPv6 wildcard is not loopback"],
    ["fe80::1", false, "link-local"],
    ["  ::1  ", true, "surrounding blanks are ignored"],
  ]);
});

Deno.test("isLoopbackAddress: host names are not resolved, only localhost counts", () => {
  assertTable(isLoopbackAddress, [
    ["localhost", true, "the one name the guard knows"],
    ["LOCALHOST", true, "names are case-insensitive"],
    [" localhost ", true, "surrounding blanks are ignored"],
    ["localhost.localdomain", false, "not resolved"],
    ["example.com", false, "not resolved"],
    ["", false, "empty"],
    [" ", false, "blank"],
  ]);
});

Deno.test("isLoopbackAddress and isMulticastAddress: a zone id does not change the address", () => {
  assertTable(isLoopbackAddress, [
    ["::1%lo", true, "::1 scoped to lo"],
    ["::1%eth0.100", true, "zone names may hold dots (VLAN interfaces)"],
    ["::ffff:127.0.0.1%lo", true, "IPv4-mapped loopback with a zone"],
    ["fe80::1%eth0", false, "link-local with a zone"],
    ["fe80::1%lo", false, "link-local even when scoped to lo"],
  ]);
  assertTable(isMulticastAddress, [
    ["ff02::1%lo", true, "link-local all-nodes group scoped to lo"],
    ["fe80::1%eth0", false, "link-local unicast with a zone"],
  ]);
});

Deno.test("isMulticastAddress: 224.0.0.0/4 to its boundaries, and ff00::/8 only", () => {
  assertTable(isMulticastAddress, [
    ["223.255.255.255", false, "just below 224.0.0.0/4"],
    ["224.0.0.0", true, "first address of 224.0.0.0/4"],
    ["224.0.0.1", true, "all-hosts group"],
    ["230.185.192.108", true, "inside 224.0.0.0/4"],
    ["239.255.255.255", true, "last address of 224.0.0.0/4"],
    ["240.0.0.0", false, "just above 224.0.0.0/4 (reserved, not multicast)"],
    ["255.255.255.255", false, "broadcast is not multicast"],
    ["::ffff:224.0.0.0", true, "IPv4-mapped first group"],
    ["::ffff:239.255.255.255", true, "IPv4-mapped last group"],
    ["::ffff:223.255.255.255", false, "IPv4-mapped, just below"],
    ["::ffff:240.0.0.0", false, "IPv4-mapped, just above"],
    ["1::ffff:224.0.0.1", false, "not IPv4-mapped: the first word is 1"],
    ["ff02::1", true, "IPv6 link-local all-nodes group"],
    ["ff0e::1", true, "IPv6 global-scope group"],
    ["FF02::1", true, "case does not matter"],
    ["ff02:0:0:0:0:0:0:1", true, "fully written"],
    ["fe80::1", false, "link-local unicast starts with f but is not multicast"],
    ["fc00::1", false, "unique local (fc00::/7) is not multicast"],
    ["fd00::", false, "unique local (fc00::/7) is not multicast"],
    ["fec0::1", false, "site-local (deprecated) is not multicast"],
    ["f00::1", false, "0f00::1 is not multicast"],
    ["::1", false, "loopback"],
    ["127.0.0.1", false, "loopback"],
    ["10.23.101.42", false, "LAN"],
    ["ff02", false, "not an address"],
    ["ffff.example.com", false, "a host name that starts with ff is not an address"],
    ["", false, "empty"],
  ]);
});

Deno.test("isWildcardAddress: 0.0.0.0 and :: in their spellings", () => {
  assertTable(isWildcardAddress, [
    ["0.0.0.0", true, "IPv4 any"],
    ["::", true, "IPv6 any"],
    ["0:0::0", true, ":: with explicit zero groups"],
    ["0:0:0:0:0:0:0:0", true, ":: fully written"],
    ["::0.0.0.0", true, ":: with a dotted tail (all 128 bits zero)"],
    [" :: ", true, "surrounding blanks are ignored"],
    // RFC 4291 §2.5.2: the unspecified address is all 128 bits zero. ::ffff:0.0.0.0 is an
    // IPv4-mapped address (it has ffff in it); the guard then refuses to bind to it, the safe side.
    ["::ffff:0.0.0.0", false, "IPv4-mapped 0.0.0.0 is not the unspecified address"],
    ["::1", false, "loopback"],
    ["::0.0.1.0", false, "::100 with a dotted tail"],
    ["::0.1.0.0", false, "::1:0 with a dotted tail"],
    ["0.0.0.1", false, "not all zero"],
    ["10.0.0.0", false, "a network address is not the wildcard"],
    ["127.0.0.1", false, "loopback"],
    ["fe80::%eth0", false, "link-local fe80:: with a zone"],
    ["0", false, "not an address"],
    ["", false, "empty"],
  ]);
});

Deno.test("guardDecision: connect and send reach loopback only", () => {
  for (const operation of ["connect", "send"] as const) {
    for (
      const address of ["127.0.0.1", "127.255.255.255", "::1", "localhost", "::ffff:127.0.0.1"]
    ) {
      assertAllowed({ operation, address });
    }
    assertAllowed({ operation, address: undefined }); // Node's default host is localhost
    // Node treats an empty host like an omitted one (net: `host || "localhost"`, dgram:
    // `address || "127.0.0.1"`), so the guard lets it through.
    assertAllowed({ operation, address: "" });
    assertRefused(
      { operation, address: "10.23.101.42" },
      `${operation} to 10.23.101.42 refused: it is outside loopback (127.0.0.0/8, ::1); ${OPT_IN}`,
    );
    assertRefused(
      { operation, address: "0.0.0.0" },
      `${operation} to 0.0.0.0 refused: it is outside loopback (127.0.0.0/8, ::1); ${OPT_IN}`,
    );
    assertRefused(
      { operation, address: "::ffff:128.0.0.0", multicastInterface: "127.0.0.1" },
      `${operation} to ::ffff:128.0.0.0 refused: it is outside loopback (127.0.0.0/8, ::1); ${OPT_IN}`,
    );
  }
});

Deno.test("guardDecision: a multicast send or connect goes out through a loopback interface only", () => {
  for (const operation of ["connect", "send"] as const) {
    for (const group of ["239.7.7.7", "224.0.0.0", "ff02::1"]) {
      for (const multicastInterface of ["127.0.0.1", "::1", "localhost"]) {
        assertAllowed({ operation, address: group, multicastInterface });
      }
      const defaultInterface = `${operation} to multicast group ${group} refused: the packets ` +
        `would leave through the default interface; call setMulticastInterface("127.0.0.1") ` +
        `first, or ${OPT_IN}`;
      assertRefused({ operation, address: group }, defaultInterface);
      assertRefused(
        { operation, address: group, multicastInterface: "10.0.0.2" },
        defaultInterface,
      );
      assertRefused({ operation, address: group, multicastInterface: "" }, defaultInterface);
    }
  }
});

Deno.test("guardDecision: bind and listen accept loopback, wildcards and groups", () => {
  for (const operation of ["bind", "listen"] as const) {
    const allowed = [
      "127.0.0.1",
      "127.255.255.255",
      "::1",
      "localhost",
      "0.0.0.0",
      "::",
      "0:0::0",
      "239.7.7.7", // a receiver binds to its group; joining it is guarded separately
      "ff02::1",
      undefined, // Node binds to the wildcard
      "", // Node treats an empty address like an omitted one (the wildcard)
    ];
    for (const address of allowed) assertAllowed({ operation, address });
    for (const address of ["10.23.101.42", "::ffff:0.0.0.0", "fe80::1", "240.0.0.0"]) {
      assertRefused(
        { operation, address },
        `${operation} to ${address} refused: it is outside loopback (127.0.0.0/8, ::1); ${OPT_IN}`,
      );
    }
  }
});

Deno.test("guardDecision: joining or leaving a group needs a loopback interface", () => {
  for (const operation of ["addMembership", "dropMembership"] as const) {
    for (const multicastInterface of ["127.0.0.1", "::1", "localhost", "::ffff:127.0.0.1"]) {
      assertAllowed({ operation, address: "239.7.7.7", multicastInterface });
    }
    // Only the interface counts: the group itself is Node's to check.
    assertAllowed({ operation, address: "", multicastInterface: "127.0.0.1" });
    assertAllowed({ operation, address: undefined, multicastInterface: "127.0.0.1" });
    assertRefused(
      { operation, address: "239.7.7.7" },
      `${operation}("239.7.7.7") refused: without an interface the OS joins on its default ` +
        `interface and announces it there; pass "127.0.0.1" as the interface, or ${OPT_IN}`,
    );
    assertRefused(
      { operation, address: "239.7.7.7", multicastInterface: "10.0.0.2" },
      `${operation}("239.7.7.7", "10.0.0.2") refused: interface 10.0.0.2 is outside loopback; ` +
        `pass "127.0.0.1" as the interface, or ${OPT_IN}`,
    );
    // An empty group with no interface: refused for the interface, and the message shows "".
    assertRefused(
      { operation, address: "" },
      `${operation}("") refused: without an interface the OS joins on its default ` +
        `interface and announces it there; pass "127.0.0.1" as the interface, or ${OPT_IN}`,
    );
  }
});

Deno.test("guardDecision: setMulticastInterface accepts a loopback interface only", () => {
  for (const address of ["127.0.0.1", "::1", "::1%lo", "localhost"]) {
    assertAllowed({ operation: "setMulticastInterface", address });
  }
  for (const [address, shown] of [["10.0.0.2", '"10.0.0.2"'], ["0.0.0.0", '"0.0.0.0"']]) {
    assertRefused(
      { operation: "setMulticastInterface", address },
      `setMulticastInterface(${shown}) refused: it is outside loopback; use "127.0.0.1", or ${OPT_IN}`,
    );
  }
  // Unlike the other operations, an empty or omitted interface is refused: there is no
  // loopback default to fall back to.
  assertRefused(
    { operation: "setMulticastInterface", address: "" },
    `setMulticastInterface("") refused: it is outside loopback; use "127.0.0.1", or ${OPT_IN}`,
  );
  assertRefused(
    { operation: "setMulticastInterface", address: undefined },
    `setMulticastInterface(undefined) refused: it is outside loopback; use "127.0.0.1", or ${OPT_IN}`,
  );
});

Deno.test("guardDecision: host names other than localhost are refused by every operation", () => {
  const operations = [
    "connect",
    "send",
    "bind",
    "listen",
    "addMembership",
    "dropMembership",
    "setMulticastInterface",
  ] as const;
  for (const operation of operations) {
    for (const address of ["example.com", "localhost.localdomain", " ff02.example "]) {
      assertRefused(
        { operation, address, multicastInterface: "127.0.0.1" },
        `${operation} to ${JSON.stringify(address)} refused: the guard resolves no host name ` +
          `but "localhost"; pass an IP address such as 127.0.0.1, or ${OPT_IN}`,
      );
    }
    // A zone id does not make an address a host name.
    assertEquals(
      guardDecision({ operation, address: "::1%lo", multicastInterface: "127.0.0.1" }),
      undefined,
      `${operation} ::1%lo`,
    );
  }
});

Deno.test("guardDecision: every refusal names the address and the opt-in", () => {
  const refusals: GuardRequest[] = [
    { operation: "connect", address: "192.168.1.20" },
    { operation: "send", address: "192.168.1.255" },
    { operation: "send", address: "239.1.2.3", multicastInterface: "192.168.1.20" },
    { operation: "bind", address: "192.168.1.20" },
    { operation: "listen", address: "fe80::1%eth0" },
    { operation: "addMembership", address: "239.1.2.3", multicastInterface: "192.168.1.20" },
    { operation: "setMulticastInterface", address: "192.168.1.20" },
  ];
  for (const request of refusals) {
    const reason = guardDecision(request);
    assert(reason !== undefined, JSON.stringify(request));
    assert(reason.startsWith(request.operation), `names the operation: ${reason}`);
    assert(reason.includes(request.address!), `names the address: ${reason}`);
    if (request.multicastInterface !== undefined && request.operation !== "send") {
      assert(reason.includes(request.multicastInterface), `names the interface: ${reason}`);
    }
    assert(reason.endsWith(OPT_IN), `ends with the opt-in: ${reason}`);
    // The watcher throws the reason as a LoopbackGuardError.
    const error = new LoopbackGuardError(reason);
    assertEquals([error.name, error.code, error.message], [
      "LoopbackGuardError",
      "ERR_SOCKETLAB_LOOPBACK",
      reason,
    ]);
    assert(error instanceof Error);
  }
});

Deno.test('guardDecision: { network: "lan" } allows everything, "loopback" is the default', () => {
  const requests: GuardRequest[] = [
    { operation: "connect", address: "10.23.101.42" },
    { operation: "send", address: "239.7.7.7" },
    { operation: "bind", address: "example.com" },
    { operation: "addMembership", address: "239.7.7.7" },
    { operation: "setMulticastInterface", address: undefined },
  ];
  for (const request of requests) {
    assertEquals(guardDecision({ ...request, network: "lan" }), undefined, JSON.stringify(request));
    const reason = guardDecision(request);
    assert(reason !== undefined, `refused by default: ${JSON.stringify(request)}`);
    assertEquals(guardDecision({ ...request, network: "loopback" }), reason);
    assertMatch(reason, /\{ network: "lan" \}/);
  }
  assertFalse(isLoopbackAddress("10.23.101.42"), "lan scope does not change the predicates");
});
