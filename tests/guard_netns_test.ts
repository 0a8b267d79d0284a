/**
 * The loopback guard, attacked. Every attack of issue 17 runs on watched sockets in the lab's
 * namespace of a LanNamespaces pair (tests/fixtures/loopback_namespace.ts): the fake LAN peer
 * 10.23.101.42 (fd23:101::42) sits at the far end of a veth pair, "the default interface" is that
 * veth, and a capture at the peer records every frame the lab's namespace sends it. Nothing of
 * this runs in the host's namespace.
 *
 * - In loopback mode (the lab's default) every attack is refused with LoopbackGuardError where
 *   Node reports that call's failures, every refusal is in the trace, the wildcard servers are on
 *   loopback (the peer's connections are refused), and the capture sees nothing from the lab's
 *   sockets.
 * - The control: the same attacks in a lab opened with { network: "lan" } reach the peer, each
 *   one seen in the capture by its own port or group. So the attacks are real, and the capture
 *   would have seen them.
 *
 * Needs Linux, root, unshare, nsenter, ip and tcpdump (.ci/run installs it). Elsewhere this test
 * fails and says which is missing: it is never skipped.
 */
import { assert, assertEquals } from "@std/assert";
import { LanNamespaces } from "./fixtures/loopback_namespace.ts";
import type { Packet } from "./fixtures/pcap.ts";

const PROBE = new URL("./fixtures/guard_netns_probe.ts", import.meta.url).pathname;
const HOSTS = "10.23.101.42 localhost\n";
const GUARD = "ERR_SOCKETLAB_LOOPBACK";

Deno.test('loopback guard, attacked from network namespaces the test makes (Linux, as root; elsewhere it fails saying why): nothing reaches the LAN peer, and with { network: "lan" } every attack does', async (t) => {
  await using namespaces = await LanNamespaces.open();
  const attack = async (mode: string, set: string) => {
    const capture = await namespaces.capture();
    const out = await namespaces.run(PROBE, [mode, set], set === "hosts" ? { hosts: HOSTS } : {});
    const packets = await capture.stop();
    assertEquals(out.code, 0, out.stderr);
    return { results: JSON.parse(out.stdout) as Record<string, unknown>, packets };
  };

  // Loopback first: the control's memberships would otherwise still be announced meanwhile.
  await t.step("loopback mode: every attack is refused and the peer captures nothing", async () => {
    const { results, packets } = await attack("loopback", "main");
    assertEquals(results, LOOPBACK_MAIN);
    assertEquals(packets.filter(fromLabSocket), [], "the capture at the peer saw these");
    // The peer's connections to the wildcard ports were refused by the lab's kernel (RST).
    const resets = packets.filter((p) => p.protocol === "tcp" && p.flags!.includes("R"));
    assertEquals(new Set(resets.map((p) => p.sourcePort)), new Set([41001, 41002, 41003, 41004]));
  });

  await t.step("loopback mode, /etc/hosts maps localhost to the peer: refused", async () => {
    const { results, packets } = await attack("loopback", "hosts");
    assertEquals(results, {
      'udp send(…, 40011, "localhost")': GUARD,
      'udp connect(40012, "localhost")': GUARD,
      'tcp connect(40013, "localhost")': GUARD,
      "refusals recorded in the trace": 3,
      "messages naming undefined": 0,
    });
    assertEquals(packets.filter(fromLabSocket), []);
  });

  await t.step('the control, { network: "lan" }: the same attacks reach the peer', async () => {
    const { results, packets } = await attack("lan", "main");
    assertEquals(results, LAN_MAIN);
    assertIncludes(signatures(packets), [
      ...[40001, 40002, 40003, 40014, 40006, 40009, 40010, 40022, 40023].map((p) =>
        `udp 10.23.101.42:${p}`
      ),
      "udp ff02::1:40007",
      "udp ff02::1:40008",
      "udp 239.23.101.9:40024",
      "syn 10.23.101.42:40004",
      "syn fd23:101::42:40004",
      ...[40005, 40020, 40021].map((p) => `syn 10.23.101.42:${p}`),
      ...["239.23.101.8", "232.23.101.1", "232.23.101.2", "ff02::1:3"].map((g) => `join ${g}`),
      ...[41001, 41002, 41003, 41004].map((p) => `syn-ack from :${p}`),
    ]);
  });

  await t.step("the control, hosts: localhost leads to the peer", async () => {
    const { results, packets } = await attack("lan", "hosts");
    assertEquals(results, {
      'udp send(…, 40011, "localhost")': "sent",
      'udp connect(40012, "localhost")': "connect",
      'tcp connect(40013, "localhost")': "ECONNREFUSED",
      "refusals recorded in the trace": 0,
      "messages naming undefined": 0,
    });
    assertIncludes(signatures(packets), [
      "udp 10.23.101.42:40011",
      "udp 10.23.101.42:40012",
      "syn 10.23.101.42:40013",
    ]);
  });
});

const refusedByPeer = Object.fromEntries(
  [41001, 41002, 41003, 41004].flatMap((p) => [
    [`tcp 10.23.101.1:${p}`, "ConnectionRefused"],
    [`tcp [fd23:101::1]:${p}`, "ConnectionRefused"],
  ]),
);

const LOOPBACK_MAIN = {
  "listen(41001)": { address: "127.0.0.1", hint: true },
  'listen(41002, "0.0.0.0")': { address: "127.0.0.1", hint: true },
  'listen(41003, "::")': { address: "::1", hint: true },
  "listen({ port: 41004 })": { address: "127.0.0.1", hint: true },
  "bind(41005)": { address: "127.0.0.1", hint: true },
  "the peer tries the wildcards": { ...refusedByPeer, "udp 10.23.101.1:41005": "sent" },
  "bind(41005) heard the peer": false,
  "send(msg, 0, [len], 40001, PEER, cb)": GUARD,
  "send(msg, null, null, 40002, PEER, cb)": GUARD,
  'send(msg, "0", new Number(len), 40003, PEER, cb)': GUARD,
  "send(msg, 40014, PEER) without a callback": GUARD,
  "tcp connect({ host: localhost, lookup }): two addresses, happy eyeballs": GUARD,
  "tcp connect({ host: localhost, family: 4, lookup })": GUARD,
  'udp createSocket({ lookup }) then send(…, "127.0.0.1")': GUARD,
  'setMulticastInterface("::1%v0")': GUARD,
  'then send to "ff02::1" (40007)': GUARD,
  'send to "ff02::1%v0" (40008)': GUARD,
  'addMembership("ff02::1:3", "::1%v0")': GUARD,
  "udp connected before watch(): watch()": GUARD,
  "then send() (40009)": "not watched, not sent",
  "udp connect() in flight at watch()": GUARD,
  'addSourceSpecificMembership(PEER, "232.23.101.1")': GUARD,
  'addSourceSpecificMembership(PEER, "232.23.101.2", LAB)': GUARD,
  'dropSourceSpecificMembership(PEER, "232.23.101.1")': GUARD,
  "tcp connect(40020, PEER)": GUARD,
  "net.connect(40021, PEER) then watch()": GUARD,
  "listen(0, LAB)": GUARD,
  "udp bind(0, LAB)": GUARD,
  "udp send(…, 40022, PEER)": GUARD,
  "udp connect(40023, PEER)": GUARD,
  'send to "239.23.101.9" (40024) without a multicast interface': GUARD,
  'addMembership("239.23.101.8") without an interface': GUARD,
  // Every refusal above but the watch() one is in the trace; none names "undefined".
  "refusals recorded in the trace": 23,
  "messages naming undefined": 0,
};

const LAN_MAIN = {
  "listen(41001)": { address: "::", hint: false },
  'listen(41002, "0.0.0.0")': { address: "0.0.0.0", hint: false },
  'listen(41003, "::")': { address: "::", hint: false },
  "listen({ port: 41004 })": { address: "::", hint: false },
  "bind(41005)": { address: "0.0.0.0", hint: false },
  "the peer tries the wildcards": {
    ...Object.fromEntries(Object.keys(refusedByPeer).map((k) => [k, "connected"])),
    "tcp [fd23:101::1]:41002": "ConnectionRefused", // 0.0.0.0 is IPv4 only
    "udp 10.23.101.1:41005": "sent",
  },
  "bind(41005) heard the peer": true,
  "send(msg, 0, [len], 40001, PEER, cb)": "sent",
  "send(msg, null, null, 40002, PEER, cb)": "sent",
  'send(msg, "0", new Number(len), 40003, PEER, cb)': "sent",
  "send(msg, 40014, PEER) without a callback": "none",
  "tcp connect({ host: localhost, lookup }): two addresses, happy eyeballs": "ECONNREFUSED",
  "tcp connect({ host: localhost, family: 4, lookup })": "ECONNREFUSED",
  'udp createSocket({ lookup }) then send(…, "127.0.0.1")': "sent",
  'setMulticastInterface("::1%v0")': "returned",
  'then send to "ff02::1" (40007)': "sent",
  'send to "ff02::1%v0" (40008)': "sent",
  'addMembership("ff02::1:3", "::1%v0")': "returned",
  "udp connected before watch(): watch()": "returned",
  "then send() (40009)": "sent",
  "udp connect() in flight at watch()": "connect",
  "then send() (40010)": "sent",
  'addSourceSpecificMembership(PEER, "232.23.101.1")': "returned",
  'addSourceSpecificMembership(PEER, "232.23.101.2", LAB)': "returned",
  'dropSourceSpecificMembership(PEER, "232.23.101.1")': "returned",
  "tcp connect(40020, PEER)": "ECONNREFUSED",
  "net.connect(40021, PEER) then watch()": "ECONNREFUSED",
  "listen(0, LAB)": "listening",
  "udp bind(0, LAB)": "listening",
  "udp send(…, 40022, PEER)": "sent",
  "udp connect(40023, PEER)": "connect",
  'send to "239.23.101.9" (40024) without a multicast interface': "sent",
  'addMembership("239.23.101.8") without an interface': "returned",
  "refusals recorded in the trace": 0,
  "messages naming undefined": 0,
};

/**
 * Whether a packet came from one of the lab's sockets, and not from its kernel's housekeeping
 * (neighbour discovery, MLD reports of its own solicited-node groups) or its refusal of the
 * peer's attempts (a TCP reset, an ICMP "port unreachable").
 */
function fromLabSocket(p: Packet): boolean {
  switch (p.protocol) {
    case "tcp":
      return !(p.flags!.includes("R") && p.payload === 0);
    case "icmp":
      return p.icmpType !== 3;
    case "icmp6":
      if (p.icmpType === 1 || (p.icmpType! >= 133 && p.icmpType! <= 137)) return false;
      return p.groups === undefined || p.groups.some((g) => !g.startsWith("ff02::1:ff"));
    default:
      return true;
  }
}

/** What each packet shows of an attack: a datagram or SYN by its target, a join by its group. */
function signatures(packets: Packet[]): Set<string> {
  const seen = new Set<string>();
  for (const p of packets) {
    if (p.protocol === "udp") seen.add(`udp ${p.destination}:${p.destinationPort}`);
    if (p.protocol === "tcp" && p.flags === "S") {
      seen.add(`syn ${p.destination}:${p.destinationPort}`);
    }
    if (p.protocol === "tcp" && p.flags === "SA") seen.add(`syn-ack from :${p.sourcePort}`);
    for (const group of p.groups ?? []) seen.add(`join ${group}`);
  }
  return seen;
}

function assertIncludes(seen: Set<string>, expected: string[]): void {
  const missing = expected.filter((e) => !seen.has(e));
  assert(
    missing.length === 0,
    `the capture lacks ${missing.join(", ")}; it has ${[...seen].join(", ")}`,
  );
}
