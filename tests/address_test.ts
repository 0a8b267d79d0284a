// The address predicates of lib/os/address.ts, to their boundaries (the guard's own decisions are
// tested in tests/guard_test.ts).
import { assertEquals } from "@std/assert";
import { isLoopbackAddress, isMulticastAddress, isWildcardAddress } from "../lib/os/address.ts";

/** Asserts `predicate` over a table of `[address, expected, why]`. */
function assertTable(
  predicate: (address: string) => boolean,
  table: readonly (readonly [string, boolean, string])[],
): void {
  for (const [address, expected, why] of table) {
    assertEquals(predicate(address), expected, `${JSON.stringify(address)}: ${why}`);
  }
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
