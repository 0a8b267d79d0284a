// The parsers of the platforms' own tools, against real captured outputs
// (tests/fixtures/netstat/README.md says where each came from).

import { assertEquals, assertThrows } from "@std/assert";
import { parseDarwinNetstat, parseWindowsNetstat } from "../lib/os/netstat.ts";
import { parseNetstatListenQueues, parseSsListening } from "../lib/os/listen_queue.ts";
import { parseIgmp } from "../lib/os/igmp.ts";
import { parseInterfaceFlags, parseSysctl } from "../lib/os/sysctl.ts";

const read = (name: string) =>
  Deno.readTextFileSync(new URL(`./fixtures/netstat/${name}`, import.meta.url));
const brief = (r: { protocol: string; local: { address: string; port: number }; state: string }) =>
  `${r.protocol} ${r.local.address}:${r.local.port} ${r.state}`;

Deno.test("macOS netstat -an: a half-open loopback connection, its listener and TIME_WAIT", () => {
  const rows = parseDarwinNetstat(read("macos-netstat-an-half-open.txt"));
  assertEquals(rows.map(brief), [
    "tcp 127.0.0.1:12345 CLOSE_WAIT",
    "tcp 127.0.0.1:62965 FIN_WAIT2",
    "tcp6 :::12345 LISTEN",
    "tcp6 :::12345 LISTEN",
    "tcp 127.0.0.1:65482 TIME_WAIT",
  ]);
  assertEquals(rows[1], {
    protocol: "tcp",
    local: { address: "127.0.0.1", port: 62965, family: "IPv4" },
    remote: { address: "127.0.0.1", port: 12345, family: "IPv4" },
    state: "FIN_WAIT2",
    receiveQueue: 0,
    sendQueue: 0,
  });
  // tcp46 is a dual-stack listener: an IPv6 row on the wildcard, no peer.
  assertEquals(rows[2].remote, { address: "::", port: 0, family: "IPv6" });
  // What netstat does not show is absent, not zero.
  assertEquals([rows[0].timer, rows[0].inode, rows[0].stateCode], [
    undefined,
    undefined,
    undefined,
  ]);
});

Deno.test("macOS netstat -an: tcp4/tcp6/tcp46 and udp4/udp6/udp46, UNIX sockets skipped", () => {
  const rows = parseDarwinNetstat(read("macos-netstat-an-parse-netstat.txt"));
  assertEquals(rows.map(brief), [
    "tcp 10.8.0.6:54433 ESTABLISHED",
    "tcp6 :::80 LISTEN",
    "tcp6 :::88 LISTEN",
    "udp 0.0.0.0:0 UNCONN",
    "udp6 :::52919 UNCONN",
    "udp6 :::0 UNCONN",
  ]);
  assertEquals(rows[0].remote, { address: "1.2.3.4", port: 443, family: "IPv4" });
});

Deno.test("macOS netstat -An: the Socket and Flowhash columns are skipped, queues kept, icm4 left out", () => {
  const rows = parseDarwinNetstat(read("macos-10.14.6-netstat-An.txt"));
  assertEquals(rows.length, 10);
  const waiting = rows.filter((r) => r.state === "CLOSE_WAIT");
  assertEquals(waiting.map((r) => [r.local.port, r.receiveQueue]), [[5442, 31], [9592, 0]]);
  const pair = rows.filter((r) => r.local.address === "127.0.0.1" && r.protocol === "tcp");
  assertEquals(pair.map((r) => [r.local.port, r.remote.port, r.state]), [
    [53755, 53763, "ESTABLISHED"],
    [53763, 53755, "ESTABLISHED"],
    [9592, 58704, "CLOSE_WAIT"],
  ]);
  assertEquals(rows.filter((r) => r.protocol.startsWith("udp")).map(brief), [
    "udp 0.0.0.0:58043 UNCONN",
    "udp6 :::61224 UNCONN",
    "udp 0.0.0.0:0 UNCONN",
    "udp 127.0.0.1:63995 UNCONN",
    "udp6 :::61982 UNCONN",
  ]);
});

Deno.test("Windows netstat -ano: states as Linux names them, IPv6 in brackets, the owning process", () => {
  const rows = parseWindowsNetstat(read("windows-10-netstat-aon.txt"));
  assertEquals(rows.map(brief), [
    "tcp 0.0.0.0:135 LISTEN",
    "tcp 127.0.0.1:1031 ESTABLISHED",
    "tcp 127.0.0.1:1032 ESTABLISHED",
    "tcp 127.0.0.1:1310 LISTEN",
    "tcp6 :::135 LISTEN",
    "tcp6 ::1:1025 LISTEN",
    "udp 0.0.0.0:53 BOUND",
    "udp 127.0.0.1:1900 BOUND",
    "udp6 :::5353 BOUND",
    "udp6 ::1:1900 BOUND",
  ]);
  assertEquals(rows[1], {
    protocol: "tcp",
    local: { address: "127.0.0.1", port: 1031, family: "IPv4" },
    remote: { address: "127.0.0.1", port: 1032, family: "IPv4" },
    state: "ESTABLISHED",
    pid: 10644,
  });
  // A UDP peer is always *:*: the wildcard of the socket's family, port 0.
  assertEquals(rows[8].remote, { address: "::", port: 0, family: "IPv6" });
  assertEquals(rows[0].sendQueue, undefined);
});

Deno.test("Windows netstat -an: without -o there is no pid; a zone stays on the address", () => {
  const rows = parseWindowsNetstat(read("windows-10-netstat-an.txt"));
  assertEquals(rows.length, 7);
  assertEquals(rows.every((r) => r.pid === undefined), true);
  assertEquals(rows.at(-1)?.local, {
    address: "fe80::asda:4124:2096:62b2%9",
    port: 1900,
    family: "IPv6",
  });
});

Deno.test("the parsers name the line they cannot read", () => {
  const bad: [() => unknown, string][] = [
    [
      () => parseDarwinNetstat("tcp4  x  0  127.0.0.1.80  *.*  LISTEN\n"),
      "Recv-Q should be a number",
    ],
    [() => parseWindowsNetstat("  TCP    nowhere    0.0.0.0:0   LISTENING\n"), "address:port"],
    [() => parseIgmp("\t\t\t\t010000E0     1 0:00000000\t\t0\n"), "before any device"],
  ];
  for (const [parse, message] of bad) assertThrows(parse, SyntaxError, message);
});

Deno.test("ss -ltn: a listening socket's backlog is Send-Q (captured with backlogs 5 and 511)", () => {
  const queues = parseSsListening(read("linux-ss-ltn.txt"));
  assertEquals(queues.map((q) => [q.local.address, q.backlog, q.queued]), [
    ["127.0.0.1", 5, 0],
    ["127.0.0.1", 511, 0],
  ]);
  const [dual] = parseSsListening("LISTEN 0      4096                *:22              *:*\n");
  assertEquals(dual.local, { address: "::", port: 22, family: "IPv6" });
});

Deno.test("netstat -Lan: qlen/incqlen/maxqlen with and without FreeBSD's Proto column", () => {
  const bsd = parseNetstatListenQueues(read("netstat-Lan-nbari.txt"));
  assertEquals(bsd.map((q) => [q.local.address, q.local.port, q.queued, q.backlog]), [
    ["::", 80, 1863, 32768],
    ["0.0.0.0", 31025, 0, 128],
    ["::", 31025, 0, 128],
  ]);
  const mac = parseNetstatListenQueues(read("netstat-Lan-nginx.txt"));
  assertEquals(mac.map((q) => [q.local.port, q.queued, q.backlog]), [[12345, 0, 128], [
    80,
    192,
    128,
  ], [
    8080,
    0,
    128,
  ]]);
});

Deno.test("/proc/net/igmp: groups per device, little-endian hex, users counted", () => {
  assertEquals(parseIgmp(read("linux-proc-net-igmp.txt")), [
    { device: "lo", group: "224.0.0.1", users: 1 },
    { device: "ens33", group: "224.0.0.1", users: 1 },
  ]);
  const more = parseIgmp(read("linux-proc-net-igmp-more.txt"));
  assertEquals(more.filter((m) => m.device === "eth0").map((m) => m.group), [
    "224.1.3.38",
    "224.1.1.155",
    "224.0.0.251",
    "224.0.0.1",
  ]);
  // Captured here while two sockets were members of 239.23.101.42 on lo.
  const joined = parseIgmp(read("linux-proc-net-igmp-joined.txt"));
  assertEquals(joined.find((m) => m.group === "239.23.101.42"), {
    device: "lo",
    group: "239.23.101.42",
    users: 2,
  });
  assertEquals(
    parseIgmp("1\tlo :  1  V3\n\t\t\t\tE0000001     1 0:00000000\t\t0\n", false)[0].group,
    "224.0.0.1",
  );
});

Deno.test("sysctl and interface flags: macOS 10.14's sysctl -a and ifconfig, Linux's ip link", () => {
  const values = parseSysctl(read("macos-10.14.6-sysctl.txt"));
  assertEquals(
    ["kern.ipc.somaxconn", "net.inet.ip.ttl", "net.inet.tcp.keepidle", "net.inet.tcp.keepcnt"]
      .map((name) => values.get(name)),
    ["128", "64", "7200000", "8"],
  );
  assertEquals(parseSysctl("net.core.somaxconn = 4096\n").get("net.core.somaxconn"), "4096");
  // macOS's lo0 has no BROADCAST flag; Linux's lo has neither BROADCAST nor (here) MULTICAST.
  assertEquals(parseInterfaceFlags(read("macos-10.14.6-ifconfig.txt")), [
    "UP",
    "LOOPBACK",
    "RUNNING",
    "MULTICAST",
  ]);
  assertEquals(parseInterfaceFlags(read("linux-ip-link-show-lo.txt")), [
    "LOOPBACK",
    "UP",
    "LOWER_UP",
  ]);
  assertEquals(parseInterfaceFlags("no flags here"), undefined);
});
