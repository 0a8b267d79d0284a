import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "@std/assert";
import { parseProcNet } from "../lib/os/proc_net.ts";
import { type SocketRow, socketStateName } from "../lib/os/socket_row.ts";
import { readSocketTable } from "../lib/os/socket_table.ts";

const FIXTURES = new URL("./fixtures/proc_net/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, FIXTURES));
const byPort = (rows: SocketRow[], local: number, remote?: number) =>
  rows.filter((r) => r.local.port === local && (remote === undefined || r.remote.port === remote));

Deno.test("parseProcNet: captured /proc/net/tcp, every state the capture produced", () => {
  const rows = parseProcNet(read("tcp"), "tcp");
  assertEquals(rows.length, 22);
  assertEquals(rows[0], {
    protocol: "tcp",
    local: { address: "127.0.0.1", port: 43707, family: "IPv4" },
    remote: { address: "0.0.0.0", port: 0, family: "IPv4" },
    state: "LISTEN",
    stateCode: 10,
    sendQueue: 0,
    receiveQueue: 0,
    timer: { kind: "none", remainingMs: 0 },
    retransmits: 0,
    uid: 0,
    inode: 8654,
  });
  assertEquals(
    new Set(rows.map((r) => r.state)),
    new Set([
      "LISTEN",
      "ESTABLISHED",
      "SYN_SENT",
      "SYN_RECV",
      "FIN_WAIT1",
      "FIN_WAIT2",
      "TIME_WAIT",
      "CLOSE_WAIT",
      "LAST_ACK",
      "CLOSING",
    ]),
  );
});

Deno.test("parseProcNet: queues and timers (keep-alive, TIME_WAIT, zero-window probe, retransmit)", () => {
  const rows = parseProcNet(read("tcp"), "tcp");
  // A LISTEN socket's rx_queue is its accept queue: one connection not yet accepted.
  const backlog = byPort(rows, 49435, 0)[0];
  assertEquals([backlog.state, backlog.receiveQueue, backlog.sendQueue], ["LISTEN", 1, 0]);
  // setKeepAlive + a paused reader: 20 bytes waiting, keep-alive timer at 29.53 s.
  const keepalive = byPort(rows, 46078, 43707)[0];
  assertEquals(keepalive.state, "ESTABLISHED");
  assertEquals(keepalive.receiveQueue, 20);
  assertEquals(keepalive.timer, { kind: "keepalive", remainingMs: 29_530 });
  // Half-open: FIN_WAIT2 on the side that ended, CLOSE_WAIT on the other.
  assertEquals(byPort(rows, 46086, 43707)[0].state, "FIN_WAIT2");
  assertEquals(byPort(rows, 43707, 46086)[0].state, "CLOSE_WAIT");
  // TIME_WAIT: 0x1746 ticks = 59.58 s left, no inode.
  const timeWait = byPort(rows, 46096, 43707)[0];
  assertEquals(timeWait.state, "TIME_WAIT");
  assertEquals(timeWait.timer, { kind: "time_wait", remainingMs: 59_580 });
  assertEquals(timeWait.inode, 0);
  // FIN_WAIT1 stuck behind a zero window: 3,782,145 bytes unsent, probing.
  const finWait1 = byPort(rows, 46110, 43707)[0];
  assertEquals(finWait1.state, "FIN_WAIT1");
  assertEquals(finWait1.sendQueue, 0x39b601);
  assertEquals(finWait1.timer, { kind: "zero_window_probe", remainingMs: 50 });
  // ... and its reader with 128,512 bytes it has not read.
  assertEquals(byPort(rows, 43707, 46110)[0].receiveQueue, 0x1f600);
  // SYN_SENT against a full backlog: one byte (the SYN) in flight, retransmit timer.
  const synSent = rows.filter((r) => r.state === "SYN_SENT");
  assertEquals(synSent.length, 3);
  for (const r of synSent) {
    assertEquals(r.remote.port, 49435);
    assertEquals(r.sendQueue, 1);
    assertEquals(r.timer, { kind: "retransmit", remainingMs: 690 });
  }
  const closing = rows.find((r) => r.state === "CLOSING")!;
  assertEquals([closing.timer?.kind, closing.retransmits], ["zero_window_probe", 0]);
  assertEquals(closing.timer?.remainingMs, 160);
});

Deno.test("parseProcNet: tcp6 with ::1, :: and IPv4-mapped addresses", () => {
  const rows = parseProcNet(read("tcp6"), "tcp6");
  assertEquals(rows.length, 5);
  assertEquals(rows[0].local, { address: "::1", port: 40205, family: "IPv6" });
  assertEquals(rows[0].state, "LISTEN");
  assertEquals(rows[1].local, { address: "::", port: 52175, family: "IPv6" });
  assertEquals(rows[1].remote, { address: "::", port: 0, family: "IPv6" });
  assertEquals(rows[2].local, { address: "::ffff:127.0.0.1", port: 52175, family: "IPv6" });
  assertEquals(rows[2].remote, { address: "::ffff:127.0.0.1", port: 33580, family: "IPv6" });
  assertEquals(rows[2].receiveQueue, 5);
  // The IPv4 client of that mapped connection is in /proc/net/tcp.
  const client = byPort(parseProcNet(read("tcp"), "tcp"), 33580, 52175);
  assertEquals(client.length, 1);
  assertEquals(client[0].state, "ESTABLISHED");
  assertEquals(rows[3].remote, { address: "::1", port: 40205, family: "IPv6" });
});

Deno.test("parseProcNet: udp and udp6, connected and unconnected", () => {
  const udp = parseProcNet(read("udp"), "udp");
  assertEquals(
    udp.map((r) => `${r.local.address}:${r.local.port} ${r.remote.port} ${r.state}`),
    ["0.0.0.0:39301 0 UNCONN", "127.0.0.1:59411 0 UNCONN", "127.0.0.1:60575 59411 ESTABLISHED"],
  );
  // Three unread datagrams: the queue counts the kernel's memory for them.
  assertEquals(udp[1].receiveQueue, 0x9c0);
  assertEquals(udp[1].timer?.kind, "none");
  const udp6 = parseProcNet(read("udp6"), "udp6");
  assertEquals(udp6[0].local.address, "::ffff:127.0.0.1");
  assertEquals(udp6[0].state, "ESTABLISHED");
  assertEquals(udp6[1].local, { address: "::1", port: 60661, family: "IPv6" });
  assertEquals(udp6[1].state, "UNCONN");
});

Deno.test("parseProcNet: every state code, including those a capture cannot produce", () => {
  const header = read("tcp").split("\n")[0];
  const line = read("tcp").split("\n")[1];
  const expected = [
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
    "NEW_SYN_RECV",
  ];
  const text = [
    header,
    ...expected.map((_, i) =>
      line.replace(" 0A ", ` ${(i + 1).toString(16).toUpperCase().padStart(2, "0")} `)
    ),
  ].join("\n");
  const rows = parseProcNet(text, "tcp");
  assertEquals(rows.map((r) => r.state), expected);
  assertEquals(rows.map((r) => r.stateCode), expected.map((_, i) => i + 1));
  assertEquals(socketStateName(7, "udp6"), "UNCONN");
  assertEquals(socketStateName(1, "udp"), "ESTABLISHED");
  assertEquals(socketStateName(0x2a, "tcp"), "UNKNOWN(0x2A)");
});

Deno.test("parseProcNet: IPv6 text form and byte order", () => {
  const line = (local: string) =>
    `   0: ${local}:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0`;
  const address = (hex: string) => parseProcNet(line(hex), "tcp6")[0].local.address;
  assertEquals(address("B80D0120000000000000000001000000"), "2001:db8::1");
  assertEquals(address("000080FE00000000FFC3815A3412D4FE"), "fe80::5a81:c3ff:fed4:1234");
  // The longest run of zero groups is the one written "::".
  assertEquals(address("B80D0120000000000100000000000000"), "2001:db8::1:0:0");
  assertEquals(address("B80D0120010000000000000000000000"), "2001:db8:0:1::");
  assertEquals(address("00000000000000000000000000000000"), "::");
  const be = parseProcNet(
    "   0: 7F000001:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 7",
    "tcp",
    { littleEndian: false },
  );
  assertEquals(be[0].local, { address: "127.0.0.1", port: 8080, family: "IPv4" });
  assertEquals(be[0].uid, 0);
  assertEquals(be[0].inode, 7);
});

Deno.test("parseProcNet: clear errors for bad input", () => {
  assertThrows(
    () => parseProcNet(read("tcp"), "sctp" as "tcp"),
    TypeError,
    'protocol must be one of tcp, tcp6, udp, udp6, got "sctp"',
  );
  assertThrows(
    () => parseProcNet("  sl  local_address\n   0: 0100007F:1F90 garbage\n", "tcp"),
    SyntaxError,
    "line 2 of /proc/net/tcp is not a socket line",
  );
  // An IPv4 file read as tcp6 is caught by the address width.
  assertThrows(() => parseProcNet(read("tcp"), "tcp6"), SyntaxError, "32 hex digits");
  assertEquals(parseProcNet("", "udp"), []);
});

Deno.test("readSocketTable: reads a directory and filters by port", async () => {
  const table = await readSocketTable({ root: FIXTURES.pathname, ports: [43707] });
  assertEquals(table.reason, undefined);
  assertEquals(table.ports, [43707]);
  assertEquals(table.rows.length, 12);
  for (const r of table.rows) assert(r.local.port === 43707 || r.remote.port === 43707);
  const all = await readSocketTable({ root: FIXTURES.pathname });
  assertEquals(all.rows.length, 22 + 5 + 3 + 2);
  assertEquals(all.rows.map((r) => r.protocol).at(-1), "udp6");
});

Deno.test("readSocketTable: a missing table gives a reason, not an exception", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const none = await readSocketTable({ root: dir, ports: [1] });
    assertEquals(none.rows, []);
    assertMatch(none.reason!, new RegExp(`^${dir} (could not be read|is not available on)`));
    await Deno.writeTextFile(`${dir}/tcp`, read("tcp"));
    const some = await readSocketTable({ root: dir });
    assertEquals(some.rows.length, 22);
    assertEquals(
      some.reason,
      `some tables could not be read: ${dir}/tcp6, ${dir}/udp, ${dir}/udp6`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  // Ports are checked like every port socketlab takes: a RangeError for a number out of
  // range, a TypeError for something that is not a number.
  await assertRejects(
    () => readSocketTable({ ports: [70000] }),
    RangeError,
    "ports[] must be an integer from 0 to 65535, got 70000",
  );
  await assertRejects(
    () => readSocketTable({ ports: ["8080" as unknown as number] }),
    TypeError,
    'ports[] must be an integer from 0 to 65535, got "8080"',
  );
});

const isLinux = Deno.build.os === "linux";

Deno.test({
  name: isLinux
    ? "readSocketTable: a live loopback listener and connection show up in /proc/net"
    : `readSocketTable: live /proc/net (ignored: ${Deno.build.os} has no /proc/net)`,
  ignore: !isLinux,
  async fn() {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    using client = await Deno.connect({ hostname: "127.0.0.1", port });
    using accepted = await listener.accept();
    await client.write(new TextEncoder().encode("unread"));
    // The kernel queues the bytes at once on loopback; allow a moment on a busy machine.
    let table = await readSocketTable({ ports: [port] });
    for (let i = 0; i < 50 && !table.rows.some((r) => r.receiveQueue === 6); i++) {
      await new Promise((r) => setTimeout(r, 20));
      table = await readSocketTable({ ports: [port] });
    }
    assertEquals(table.reason, undefined);
    const states = table.rows.map((r) => r.state).sort();
    assertEquals(states, ["ESTABLISHED", "ESTABLISHED", "LISTEN"]);
    const server = table.rows.find((r) => r.state === "ESTABLISHED" && r.local.port === port)!;
    assertEquals(server.receiveQueue, 6);
    assertEquals(server.remote.port, (client.localAddr as Deno.NetAddr).port);
    assert(accepted.localAddr.transport === "tcp");
  },
});

Deno.test("parseProcNet reads the drops column of UDP sockets", async () => {
  const text = await Deno.readTextFile(new URL("./fixtures/proc_net/udp", import.meta.url));
  const rows = parseProcNet(text, "udp");
  assert(rows.length > 0);
  for (const row of rows) assertEquals(typeof row.drops, "number");
  const edited = text.split("\n").map((line, i) => {
    if (i !== 1) return line;
    const f = line.trim().split(/\s+/);
    f[12] = "386";
    return f.join(" ");
  }).join("\n");
  assertEquals(parseProcNet(edited, "udp")[0].drops, 386);
  const tcp = await Deno.readTextFile(new URL("./fixtures/proc_net/tcp", import.meta.url));
  assertEquals(parseProcNet(tcp, "tcp")[0].drops, undefined);
});
