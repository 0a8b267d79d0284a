import { assert, assertEquals, assertMatch, assertRejects, assertThrows } from "@std/assert";
import { parseProcNet } from "../lib/os/proc_net.ts";
import { type SocketProtocol, type SocketRow, socketStateName } from "../lib/os/socket_row.ts";
import { readSocketTable } from "../lib/os/socket_table.ts";

const FIXTURES = new URL("./fixtures/proc_net/", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, FIXTURES));
const byPort = (rows: SocketRow[], local: number, remote?: number) =>
  rows.filter((r) => r.local.port === local && (remote === undefined || r.remote.port === remote));

const HEADER =
  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

/** The columns of one socket line; each defaults to a LISTEN socket on 127.0.0.1:8080. */
interface Columns {
  sl?: string;
  local?: string;
  remote?: string;
  st?: string;
  queues?: string;
  timer?: string;
  retrnsmt?: string;
  uid?: string;
  timeout?: string;
  inode?: string;
  /** The columns after `inode` (ref, pointer, ...; for UDP the 13th column is drops). */
  rest?: string[];
}

/** A socket line as the kernel writes it (the columns joined by blanks). */
function socketLine(c: Columns = {}): string {
  return [
    c.sl ?? "0:",
    c.local ?? "0100007F:1F90",
    c.remote ?? "00000000:0000",
    c.st ?? "0A",
    c.queues ?? "00000000:00000000",
    c.timer ?? "00:00000000",
    c.retrnsmt ?? "00000000",
    c.uid ?? "1000",
    c.timeout ?? "0",
    c.inode ?? "4242",
    ...(c.rest ?? ["1", "0000000000000000", "100", "0", "0", "10", "0"]),
  ].join(" ");
}

/** Parses a header and one socket line and returns its row. */
function parseOne(
  columns: Columns,
  protocol: SocketProtocol = "tcp",
  littleEndian?: boolean,
): SocketRow {
  const text = `${HEADER}\n   ${socketLine(columns)}\n`;
  const rows = parseProcNet(text, protocol, littleEndian === undefined ? {} : { littleEndian });
  assertEquals(rows.length, 1, "one socket line, one row");
  return rows[0];
}

/** How /proc/net spells the bytes of an address: 32-bit words, each in the machine's byte order. */
function procHex(bytes: readonly number[], littleEndian = true): string {
  let hex = "";
  for (let w = 0; w < bytes.length; w += 4) {
    const word = bytes.slice(w, w + 4);
    if (littleEndian) word.reverse();
    hex += word.map((b) => b.toString(16).padStart(2, "0")).join("");
  }
  return hex.toUpperCase();
}

const ipv4Bytes = (address: string) => address.split(".").map(Number);
const ipv6Bytes = (groups: readonly number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);

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
  assertEquals(udp.map((r) => r.stateCode), [7, 7, 1]);
  // Three unread datagrams: the queue counts the kernel's memory for them.
  assertEquals(udp[1].receiveQueue, 0x9c0);
  assertEquals(udp[1].timer?.kind, "none");
  const udp6 = parseProcNet(read("udp6"), "udp6");
  assertEquals(udp6[0].local.address, "::ffff:127.0.0.1");
  assertEquals(udp6[0].state, "ESTABLISHED");
  assertEquals(udp6[1].local, { address: "::1", port: 60661, family: "IPv6" });
  assertEquals(udp6[1].state, "UNCONN");
});

/** The TCP state names of Linux's tcp_states.h, in the order of their codes 1 to 12. */
const TCP_STATES = [
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

Deno.test("parseProcNet: every state code, including those a capture cannot produce", () => {
  const header = read("tcp").split("\n")[0];
  const line = read("tcp").split("\n")[1];
  const withCode = (code: number) =>
    line.replace(" 0A ", ` ${code.toString(16).toUpperCase().padStart(2, "0")} `);
  const text = [header, ...TCP_STATES.map((_, i) => withCode(i + 1))].join("\n");
  const rows = parseProcNet(text, "tcp");
  assertEquals(rows.map((r) => r.state), TCP_STATES);
  assertEquals(rows.map((r) => r.stateCode), TCP_STATES.map((_, i) => i + 1));
  // Codes outside tcp_states.h are named by their hex value, at least two digits.
  const unknown = parseProcNet(
    [header, withCode(0), withCode(13), withCode(0xff)].join("\n"),
    "tcp",
  );
  assertEquals(unknown.map((r) => r.state), ["UNKNOWN(0x00)", "UNKNOWN(0x0D)", "UNKNOWN(0xFF)"]);
  assertEquals(unknown.map((r) => r.stateCode), [0, 13, 255]);
});

Deno.test("socketStateName: TCP names, UDP's UNCONN and ESTABLISHED, UNKNOWN(0xNN)", () => {
  for (const protocol of ["tcp", "tcp6"] as const) {
    const names = TCP_STATES.map((_, i) => socketStateName(i + 1, protocol));
    assertEquals(names, TCP_STATES, protocol);
  }
  for (const protocol of ["udp", "udp6"] as const) {
    // UDP reuses two codes: 1 is a connected socket, 7 an unconnected one ("CLOSE" in the kernel).
    assertEquals(socketStateName(1, protocol), "ESTABLISHED", protocol);
    assertEquals(socketStateName(7, protocol), "UNCONN", protocol);
    assertEquals(
      socketStateName(10, protocol),
      "LISTEN",
      `${protocol}: other codes keep TCP's names`,
    );
  }
  assertEquals(socketStateName(7, "tcp6"), "CLOSE", "UNCONN is for UDP only");
  const unknown: [number, string][] = [
    [0, "UNKNOWN(0x00)"],
    [13, "UNKNOWN(0x0D)"],
    [0x2a, "UNKNOWN(0x2A)"],
    [0xff, "UNKNOWN(0xFF)"],
    [0x100, "UNKNOWN(0x100)"],
  ];
  for (const [code, name] of unknown) {
    assertEquals(socketStateName(code, "tcp"), name);
    assertEquals(socketStateName(code, "udp"), name);
  }
});

const PORTS: readonly [string, number][] = [["1F90", 8080], ["0000", 0], ["FFFF", 65535], [
  "00ff",
  255,
]];

Deno.test("parseProcNet: IPv4 addresses and ports in both byte orders", () => {
  for (const littleEndian of [true, false]) {
    for (const address of ["127.0.0.1", "10.1.2.3", "192.168.254.1", "0.0.0.0", "255.0.0.7"]) {
      for (const [portHex, port] of PORTS) {
        const row = parseOne(
          { local: `${procHex(ipv4Bytes(address), littleEndian)}:${portHex}` },
          "tcp",
          littleEndian,
        );
        assertEquals(row.local, { address, port, family: "IPv4" }, `${address} le=${littleEndian}`);
      }
    }
  }
  // Little-endian is the default: 0100007F is 127.0.0.1, and with littleEndian: false 1.0.0.127.
  assertEquals(parseOne({ local: "0100007F:0050" }).local.address, "127.0.0.1");
  assertEquals(parseOne({ local: "0100007F:0050" }, "tcp", true).local.address, "127.0.0.1");
  assertEquals(parseOne({ local: "0100007F:0050" }, "tcp", false).local.address, "1.0.0.127");
  const remote = parseOne({ remote: "0302010A:C350" }).remote;
  assertEquals(remote, { address: "10.1.2.3", port: 50000, family: "IPv4" });
});

Deno.test("parseProcNet: IPv6 text form (RFC 5952) in both byte orders", () => {
  const cases: [number[], string, string][] = [
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], "2001:db8::1", "the run of zeros is ::"],
    [[1, 0, 0, 2, 0, 0, 3, 4], "1::2:0:0:3:4", "on a tie the first longest run is ::"],
    [[1, 0, 0, 2, 0, 0, 0, 3], "1:0:0:2::3", "a longer later run wins"],
    [[0, 1, 0, 0, 0, 2, 0, 0], "0:1::2:0:0", "the longest run, not the first or last"],
    [[1, 0, 2, 3, 4, 5, 6, 7], "1:0:2:3:4:5:6:7", "a single zero group is not compressed"],
    [[1, 2, 3, 4, 5, 6, 7, 0], "1:2:3:4:5:6:7:0", "nor a single trailing zero"],
    [[0, 1, 2, 3, 4, 5, 6, 7], "0:1:2:3:4:5:6:7", "nor a single leading zero"],
    [[0, 0, 1, 2, 3, 4, 5, 6], "::1:2:3:4:5:6", "a leading run"],
    [[1, 2, 3, 4, 5, 6, 0, 0], "1:2:3:4:5:6::", "a trailing run"],
    [[1, 0, 0, 0, 0, 0, 0, 0], "1::", "a trailing run of seven"],
    [[0, 0, 0, 0, 0, 0, 0, 1], "::1", "loopback"],
    [[0, 0, 0, 0, 0, 0, 0, 0], "::", "all zero"],
    [[1, 2, 3, 4, 5, 6, 7, 8], "1:2:3:4:5:6:7:8", "no zeros"],
    [[0xfe80, 0, 0, 0, 0x5a81, 0xc3ff, 0xfed4, 0x1234], "fe80::5a81:c3ff:fed4:1234", "lower case"],
    [[0xabcd, 0xef01, 0x10, 0x100, 0, 0, 0xffff, 9], "abcd:ef01:10:100::ffff:9", "no leading 0s"],
    [[0, 0, 0, 0, 0, 0xffff, 0x7f00, 1], "::ffff:127.0.0.1", "IPv4-mapped, dotted"],
    [[0, 0, 0, 0, 0, 0xffff, 0xc0a8, 0x0102], "::ffff:192.168.1.2", "IPv4-mapped, dotted"],
    [[0, 0, 0, 0, 1, 0xffff, 0x7f00, 1], "::1:ffff:7f00:1", "not mapped: word 4 is 1"],
    [[0x100, 0, 0, 0, 0, 0xffff, 0x7f00, 1], "100::ffff:7f00:1", "not mapped: word 0 is 0x100"],
    [[0, 0, 0, 0, 0, 0xff, 0x7f00, 1], "::ff:7f00:1", "not mapped: word 5 is 0x00ff"],
    [[0, 0, 0, 0, 0, 0xff00, 0x7f00, 1], "::ff00:7f00:1", "not mapped: word 5 is 0xff00"],
    [[0, 0, 0, 0, 0, 0, 0x7f00, 1], "::7f00:1", "IPv4-compatible is shown in hex"],
  ];
  for (const littleEndian of [true, false]) {
    for (const [groups, expected, why] of cases) {
      const hex = procHex(ipv6Bytes(groups), littleEndian);
      const row = parseOne(
        { local: `${hex}:0050`, remote: "00000000000000000000000000000000:0000" },
        "tcp6",
        littleEndian,
      );
      assertEquals(row.local, { address: expected, port: 80, family: "IPv6" }, `${why} (${hex})`);
    }
  }
  // The byte order of each 32-bit word, as /proc/net/tcp6 shows 2001:db8::1 on x86.
  const row = parseOne({
    local: "B80D0120000000000000000001000000:0050",
    remote: "0".repeat(32) + ":0",
  }, "tcp6");
  assertEquals(row.local.address, "2001:db8::1");
});

Deno.test("parseProcNet: queues, timers, retransmits, uid and inode columns", () => {
  const row = parseOne({
    queues: "0000ABCD:00000010",
    timer: "01:0000012C",
    retrnsmt: "0000000A",
    uid: "65534",
    inode: "123456789",
  });
  assertEquals(row.sendQueue, 0xabcd);
  assertEquals(row.receiveQueue, 16);
  assertEquals(row.timer, { kind: "retransmit", remainingMs: 3000 }, "0x12C ticks of 10 ms");
  assertEquals(row.retransmits, 10, "retrnsmt is hexadecimal");
  assertEquals(row.uid, 65534, "uid is decimal");
  assertEquals(row.inode, 123456789, "inode is decimal");
  assertEquals(parseOne({ queues: "ffffffff:0" }).sendQueue, 0xffffffff, "lower-case hex");
  const kinds = ["none", "retransmit", "keepalive", "time_wait", "zero_window_probe"];
  for (const [code, kind] of kinds.entries()) {
    const timer = parseOne({ timer: `0${code}:00000064` }).timer;
    // No timer means no remaining time, whatever tm->when holds.
    assertEquals(timer, { kind, remainingMs: kind === "none" ? 0 : 1000 }, `tr ${code}`);
  }
  assertEquals(parseOne({ timer: "02:00000000" }).timer, { kind: "keepalive", remainingMs: 0 });
  assertEquals(parseOne({ timer: "03:1" }).timer, { kind: "time_wait", remainingMs: 10 });
});

Deno.test("parseProcNet: an unknown timer code is an error naming the line", () => {
  const text = [HEADER, socketLine(), socketLine({ timer: "05:00000064" })].join("\n");
  assertThrows(
    () => parseProcNet(text, "tcp"),
    SyntaxError,
    "line 3 of /proc/net/tcp is not a socket line (unknown timer code 05): ",
  );
  assertThrows(
    () => parseProcNet(socketLine({ timer: "0A:00000064" }), "udp"),
    SyntaxError,
    "line 1 of /proc/net/udp is not a socket line (unknown timer code 0A)",
  );
});

Deno.test("parseProcNet: the drops column of UDP sockets", () => {
  const udpRest = (drops: string) => ["2", "000000004c76acf8", drops];
  for (const protocol of ["udp", "udp6"] as const) {
    const local = protocol === "udp" ? "0100007F:1F90" : `${"0".repeat(24)}01000000:1F90`;
    const remote = protocol === "udp" ? "00000000:0000" : `${"0".repeat(32)}:0000`;
    const row = parseOne({ local, remote, st: "07", rest: udpRest("386") }, protocol);
    assertEquals(row.drops, 386, `${protocol}: the 13th column`);
    assertEquals(parseOne({ local, remote, st: "07", rest: udpRest("0") }, protocol).drops, 0);
    // Kernels before 2.6.30 have no drops column: 12 columns, no drops.
    const old = parseOne({ local, remote, st: "07", rest: ["2", "000000004c76acf8"] }, protocol);
    assertEquals("drops" in old, false, `${protocol}: no drops column`);
  }
  for (const row of parseProcNet(read("udp"), "udp")) assertEquals(row.drops, 0);
  // TCP's 13th column is something else: TCP rows have no drops.
  for (const row of parseProcNet(read("tcp"), "tcp")) assertEquals("drops" in row, false);
  assertEquals("drops" in parseOne({}, "tcp"), false);
  assertThrows(
    () => parseOne({ st: "07", rest: udpRest("-1") }, "udp"),
    SyntaxError,
    "drops should be a decimal number, got -1",
  );
});

Deno.test("parseProcNet: header, blank lines, CRLF and exactly ten columns", () => {
  const text = `${HEADER}\r\n\r\n   ${socketLine()}\r\n\n  ${socketLine({ sl: "12:" })}  \n`;
  const rows = parseProcNet(text, "tcp");
  assertEquals(rows.length, 2);
  assertEquals(rows.map((r) => r.local.port), [8080, 8080]);
  // The ten columns up to the inode are enough.
  const ten = "0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 7 0 99";
  assertEquals(parseProcNet(ten, "tcp").map((r) => [r.uid, r.inode]), [[7, 99]]);
  assertEquals(parseProcNet("", "udp"), []);
  assertEquals(parseProcNet(`${HEADER}\n`, "tcp6"), []);
});

Deno.test("parseProcNet: a bad first column or too few columns is an error naming the line", () => {
  const why = "expected at least 10 columns starting with `N:`";
  for (const sl of ["x:", "0", "-1:", ":", "1:2:"]) {
    const text = `${HEADER}\n\n   ${socketLine({ sl })}\n`;
    assertThrows(
      () => parseProcNet(text, "tcp"),
      SyntaxError,
      `line 3 of /proc/net/tcp is not a socket line (${why}): ${
        JSON.stringify(socketLine({ sl }))
      }`,
    );
  }
  const nine = "0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 7 0";
  assertThrows(
    () => parseProcNet(nine, "udp"),
    SyntaxError,
    `line 1 of /proc/net/udp is not a socket line (${why})`,
  );
  // A long line is quoted up to its first 200 characters.
  const long = socketLine({ sl: "x:", rest: ["1".repeat(300)] });
  const error = assertThrows(() => parseProcNet(long, "tcp"), SyntaxError);
  assert(error.message.endsWith(`: ${JSON.stringify(long.slice(0, 200))}`), error.message);
});

Deno.test("parseProcNet: bad columns are errors that say what was expected", () => {
  const cases: [Columns, SocketProtocol, string][] = [
    [{ local: "0100007G:1F90" }, "tcp", "address should be 8 hex digits, got 0100007G"],
    [{ local: "100007F:1F90" }, "tcp", "address should be 8 hex digits, got 100007F"],
    [{ remote: "000000000:0000" }, "tcp", "address should be 8 hex digits, got 000000000"],
    [{ local: "0100007F:1F90" }, "tcp6", "address should be 32 hex digits, got 0100007F"],
    [{ local: "0100007F:1F90:00" }, "tcp", "address:port should be two hex numbers"],
    [{ local: "0100007F" }, "tcp", "address:port should be two hex numbers, got 0100007F"],
    [{ local: "0100007F:1G90" }, "tcp", "port should be hexadecimal, got 1G90"],
    [{ st: "0Z" }, "tcp", "st should be hexadecimal, got 0Z"],
    [{ queues: "00000000" }, "tcp", "tx_queue:rx_queue should be two hex numbers, got 00000000"],
    [{ queues: "x:0" }, "tcp", "tx_queue should be hexadecimal, got x"],
    [{ queues: "0:-1" }, "tcp", "rx_queue should be hexadecimal, got -1"],
    [{ timer: "0000" }, "tcp", "tr:tm->when should be two hex numbers, got 0000"],
    [{ timer: "z:0" }, "tcp", "tr should be hexadecimal, got z"],
    [{ timer: "01:q" }, "tcp", "tm->when should be hexadecimal, got q"],
    [{ retrnsmt: "-2" }, "tcp", "retrnsmt should be hexadecimal, got -2"],
    [{ uid: "10a" }, "tcp", "uid should be a decimal number, got 10a"],
    [{ inode: "0x1" }, "tcp", "inode should be a decimal number, got 0x1"],
  ];
  for (const [columns, protocol, message] of cases) {
    assertThrows(
      () => parseProcNet(`${HEADER}\n${socketLine(columns)}`, protocol),
      SyntaxError,
      `line 2 of /proc/net/${protocol} is not a socket line (${message}`,
    );
  }
  // An IPv4 file read as tcp6 is caught by the address width.
  assertThrows(() => parseProcNet(read("tcp"), "tcp6"), SyntaxError, "32 hex digits");
});

Deno.test("parseProcNet: a bad protocol or text is a TypeError", () => {
  assertThrows(
    () => parseProcNet(read("tcp"), "sctp" as "tcp"),
    TypeError,
    'protocol must be one of tcp, tcp6, udp, udp6, got "sctp"',
  );
  assertThrows(
    () => parseProcNet(undefined as unknown as string, "udp6"),
    TypeError,
    "text must be the string content of /proc/net/udp6",
  );
});

Deno.test("readSocketTable: reads a directory and keeps the rows whose local or remote port matches", async () => {
  const all = await readSocketTable({ root: FIXTURES.pathname });
  assertEquals(all.reason, undefined);
  assertEquals("ports" in all, false, "no filter, no ports");
  assertEquals(all.rows.length, 22 + 5 + 3 + 2);
  assertEquals(
    [...new Set(all.rows.map((r) => r.protocol))],
    ["tcp", "tcp6", "udp", "udp6"],
    "in the order of the files",
  );
  for (const ports of [[43707], [59411], [49435, 43707, 43707], [1]]) {
    const table = await readSocketTable({ root: FIXTURES.pathname, ports });
    const wanted = all.rows.filter((r) =>
      ports.includes(r.local.port) || ports.includes(r.remote.port)
    );
    assertEquals(table.rows, wanted, `ports ${ports}`);
    assertEquals(table.ports, [...new Set(ports)].sort((a, b) => a - b), "sorted, once each");
    assertEquals(table.reason, undefined);
  }
  // Both sides count: 43707 is the local port of its listener and the remote one of its clients.
  const one = await readSocketTable({ root: FIXTURES.pathname, ports: [43707] });
  assert(one.rows.some((r) => r.local.port === 43707 && r.remote.port !== 43707));
  assert(one.rows.some((r) => r.remote.port === 43707 && r.local.port !== 43707));
  // An empty port list keeps nothing; ports 0 and 65535 are valid.
  assertEquals((await readSocketTable({ root: FIXTURES.pathname, ports: [] })).rows, []);
  const edges = await readSocketTable({ root: FIXTURES.pathname, ports: new Set([65535, 0]) });
  assertEquals(edges.ports, [0, 65535]);
  assertEquals(edges.rows, all.rows.filter((r) => r.remote.port === 0), "port 0: unconnected");
  // protocols picks the tables, trailing slashes on root do not matter.
  const udp = await readSocketTable({
    root: `${FIXTURES.pathname}//`,
    protocols: ["udp6", "udp"],
  });
  assertEquals(udp.rows.map((r) => r.protocol), ["udp6", "udp6", "udp", "udp", "udp"]);
  assertEquals(udp.reason, undefined);
});

Deno.test("readSocketTable: a missing table gives a reason naming it, not an exception", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const none = await readSocketTable({ root: dir, ports: [1] });
    assertEquals(none.rows, []);
    assertEquals(none.ports, [1]);
    assertMatch(none.reason!, new RegExp(`^${dir} (could not be read|is not available on)`));
    await Deno.writeTextFile(`${dir}/tcp`, read("tcp"));
    const some = await readSocketTable({ root: `${dir}/` });
    assertEquals(some.rows.length, 22);
    assertEquals(
      some.reason,
      `some tables could not be read: ${dir}/tcp6, ${dir}/udp, ${dir}/udp6`,
    );
    const onlyMissing = await readSocketTable({ root: dir, protocols: ["udp"] });
    assertEquals(onlyMissing.rows, []);
    assertMatch(onlyMissing.reason!, new RegExp(`^${dir} (could not be read|is not available on)`));
    const onlyPresent = await readSocketTable({ root: dir, protocols: ["tcp"] });
    assertEquals([onlyPresent.rows.length, onlyPresent.reason], [22, undefined]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readSocketTable: bad ports and protocols throw an error naming the value", async () => {
  for (const port of [70000, 65536, -1, 1.5, NaN]) {
    await assertRejects(
      () => readSocketTable({ root: FIXTURES.pathname, ports: [80, port] }),
      RangeError,
      `ports[] must be an integer from 0 to 65535, got ${port}`,
    );
  }
  await assertRejects(
    () => readSocketTable({ root: FIXTURES.pathname, ports: ["80" as unknown as number] }),
    TypeError,
    'ports[] must be an integer from 0 to 65535, got "80"',
  );
  await assertRejects(
    () => readSocketTable({ root: FIXTURES.pathname, protocols: ["tcp", "sctp" as "tcp"] }),
    TypeError,
    'protocols must hold only tcp, tcp6, udp, udp6, got "sctp"',
  );
});

Deno.test("readSocketTable: a live loopback listener and connection show up in /proc/net", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  using client = await Deno.connect({ hostname: "127.0.0.1", port });
  using accepted = await listener.accept();
  await client.write(new TextEncoder().encode("unread"));
  let table = await readSocketTable({ ports: [port] });
  if (Deno.build.os !== "linux") {
    // No /proc/net: no rows, and a reason naming the system.
    assertEquals(table.rows, []);
    assertEquals(
      table.reason,
      `/proc/net is not available on ${Deno.build.os}: the kernel socket table needs Linux`,
    );
    return;
  }
  // The kernel queues the bytes at once on loopback; allow a moment on a busy machine.
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
});
