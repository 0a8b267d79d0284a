// lab.system and lab.sockets() on each platform: the host (Linux here), and macOS, Windows and
// Linux simulated by sources that answer with captured outputs (tests/fixtures/netstat).

import dgram from "node:dgram";
import net from "node:net";
import {
  assert,
  assertEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { Lab, Reading, System, type SystemSource } from "socketlab";
import { renderSocketTableText } from "socketlab/render";
import {
  capturedLinux,
  capturedMacos,
  capturedWindows,
} from "./fixtures/netstat/captured_source.ts";

Deno.test("macOS, captured: settings from sysctl in Linux's units, backlog from netstat -Lan, lo0's flags", async () => {
  await using lab = await Lab.open("system_test: macOS", { system: capturedMacos() });
  assertEquals([lab.system.os, lab.system.loopbackInterface], ["darwin", "lo0"]);
  const names = [
    "somaxconn",
    "defaultTtl",
    "keepAliveTimeMs",
    "keepAliveIntervalMs",
    "keepAliveProbes",
    "ephemeralPortFirst",
    "ephemeralPortLast",
  ] as const;
  const readings = await Promise.all(names.map((n) => lab.system.setting(n)));
  assertEquals(readings.map((r) => r.value), [128, 64, 7_200_000, 75_000, 8, 49152, 65535]);
  assertEquals(readings[2].source, "sysctl net.inet.tcp.keepidle");
  assertEquals((await lab.system.backlog(80)).value, 128);
  const none = await lab.system.backlog(9);
  assertEquals(none.value, undefined);
  assertEquals(none.reason, "no socket listens on port 9 (netstat -Lan)");
  const flags = await lab.system.interfaceFlags();
  assertEquals(flags.value?.includes("MULTICAST"), true);
  assertEquals(flags.value?.includes("BROADCAST"), false); // lo0 has no broadcast
  const members = await lab.system.memberships("239.23.101.42");
  assertStringIncludes(members.reason ?? "", "netstat -g");
});

Deno.test("macOS, captured: lab.sockets() reads netstat, queues kept, timers marked not available", async () => {
  await using lab = await Lab.open("system_test: macOS sockets", { system: capturedMacos() });
  const view = await lab.sockets({ ports: [12345, 62965] });
  assertEquals(view.table.source, "netstat -anW");
  assertEquals(view.table.reason, undefined);
  assertEquals(view.rows.map((r) => r.state), ["CLOSE_WAIT", "FIN_WAIT2", "LISTEN", "LISTEN"]);
  assert(view.table.unavailable?.includes("timer"));
  assertEquals(view.table.unavailable?.includes("receiveQueue"), false);
  assertEquals(view.rows.every((r) => !("timer" in r) && r.receiveQueue === 0), true);
  assertStringIncludes(view.text, "n/a: netstat -anW does not give timer");
  assertStringIncludes(view.bundle["text/html"] ?? "", "n/a");
  // The UDP table comes from its own netstat run.
  const udp = await lab.system.sockets({ ports: [52919] });
  assertEquals(udp.rows.map((r) => `${r.protocol} ${r.state}`), ["udp6 UNCONN"]);
});

Deno.test("Windows, captured: the table has no queues or timers and says so; settings say why not", async () => {
  await using lab = await Lab.open("system_test: Windows", { system: capturedWindows() });
  assertEquals(lab.system.loopbackInterface, "Loopback Pseudo-Interface 1");
  const view = await lab.sockets({ ports: [1031, 1032] });
  assertEquals(view.rows.map((r) => [r.local.port, r.remote.port, r.state, r.pid]), [
    [1031, 1032, "ESTABLISHED", 10644],
    [1032, 1031, "ESTABLISHED", 10644],
  ]);
  assertEquals(view.table.source, "netstat -ano");
  for (const field of ["sendQueue", "receiveQueue", "timer"] as const) {
    assert(view.table.unavailable?.includes(field), field);
  }
  assertStringIncludes(view.text, "n/a: netstat -ano does not give send-Q, recv-Q, timer");
  const line = view.text.split("\n")[1];
  assertEquals(line.split(/\s+/).slice(-3), ["n/a", "n/a", "n/a"]);
  const somaxconn = await lab.system.setting("somaxconn");
  assertEquals(somaxconn.value, undefined);
  assertStringIncludes(somaxconn.reason ?? "", "Winsock");
  assertStringIncludes((await lab.system.setting("keepAliveTimeMs")).reason ?? "", "registry");
  assertStringIncludes((await lab.system.backlog(1310)).reason ?? "", "does not show");
  assertEquals((await lab.system.interfaceFlags()).available, false);
});

Deno.test("Linux, captured: backlog from ss, memberships from /proc/net/igmp, flags from ip link", async () => {
  await using lab = await Lab.open("system_test: Linux", { system: capturedLinux() });
  const backlogs = await Promise.all([43255, 46465].map((p) => lab.system.backlog(p)));
  assertEquals(backlogs.map((r) => r.value), [5, 511]);
  assertEquals(backlogs[0].source, "ss -ltn sport = :43255");
  assertEquals((await lab.system.memberships("239.23.101.42")).value, 2);
  assertEquals((await lab.system.memberships("224.0.0.1", "eth0")).value, 1);
  assertEquals((await lab.system.memberships("239.1.2.3")).value, 0);
  assertStringIncludes(
    (await lab.system.memberships("239.1.2.3", "wlan9")).reason ?? "",
    "no interface wlan9",
  );
  assertEquals((await lab.system.interfaceFlags("lo")).value, ["LOOPBACK", "UP", "LOWER_UP"]);
  const view = await lab.sockets({ ports: [43707, 46078] });
  assertEquals(view.table.source, "/proc/net");
  assertEquals(view.table.unavailable, undefined);
  assertEquals(view.rows.find((r) => r.local.port === 46078)?.timer?.kind, "keepalive");
});

Deno.test("Linux without /proc (captured source refusing it): readings and the table say why", async () => {
  const noProc: SystemSource = {
    ...capturedLinux(),
    readTextFile: (path) =>
      Promise.reject(new Deno.errors.NotFound(`No such file or directory: ${path}`)),
  };
  await using lab = await Lab.open("system_test: no /proc", { system: noProc });
  const ttl = await lab.system.setting("defaultTtl");
  assertEquals(ttl.value, undefined);
  assertStringIncludes(ttl.reason ?? "", "/proc/sys/net/ipv4/ip_default_ttl could not be read");
  assertStringIncludes(String(ttl), "defaultTtl: not available (");
  const view = await lab.sockets({ ports: [1] });
  assertEquals(view.rows, []);
  assertStringIncludes(view.text, "/proc/net could not be read");
  assertStringIncludes(
    (await lab.system.memberships("239.1.2.3")).reason ?? "",
    "/proc/net/igmp could not be read",
  );
});

Deno.test("the host: settings as the files say, a listen backlog, TTLs set and read back", async () => {
  await using lab = await Lab.open("system_test: host");
  assertEquals(lab.system.os, Deno.build.os);
  // Deno reads /proc only with --allow-all; cat reads it with the suite's --allow-run.
  const file = async (path: string) => {
    const out = await new Deno.Command("cat", { args: [path], stdout: "piped" }).output();
    return new TextDecoder().decode(out.stdout).trim().split(/\s+/).map(Number);
  };
  const somaxconn = await lab.system.setting("somaxconn");
  assertEquals(somaxconn.value, (await file("/proc/sys/net/core/somaxconn"))[0]);
  assertEquals(somaxconn.source, "/proc/sys/net/core/somaxconn");
  const [first, last] = await file("/proc/sys/net/ipv4/ip_local_port_range");
  assertEquals((await lab.system.setting("ephemeralPortFirst")).value, first);
  assertEquals((await lab.system.setting("ephemeralPortLast")).value, last);
  const keepalive = (await file("/proc/sys/net/ipv4/tcp_keepalive_time"))[0];
  assertEquals((await lab.system.setting("keepAliveTimeMs")).value, keepalive * 1000);

  const port = lab.port();
  const server = lab.watch(net.createServer(), "server");
  server.listen(port, "127.0.0.1", 5);
  await lab.until("server", "listening");
  assertEquals((await lab.system.backlog(port)).value, 5);

  const udp = lab.watch(dgram.createSocket("udp4"), "udp");
  await assertRejects(() => lab.system.ttl(udp), TypeError, "not bound yet");
  udp.bind(0, "127.0.0.1");
  await lab.until("udp", "listening");
  const defaultTtl = (await lab.system.setting("defaultTtl")).value;
  assertEquals((await lab.system.ttl(udp)).value, defaultTtl);
  for (const ttl of [1, 7, 255]) {
    udp.setTTL(ttl);
    assertEquals((await lab.system.ttl(udp)).value, ttl);
  }
  const client = lab.watch(net.connect(port, "127.0.0.1"), "client");
  await lab.until("client", "connect", { source: "event" });
  const tcp = await lab.system.ttl(client);
  assertEquals(tcp.value, defaultTtl);
  assertStringIncludes(tcp.name, `tcp 127.0.0.1:${client.localPort}`);
});

Deno.test("lab.within(): the value in time, else a TimeoutError saying what did not come", async () => {
  await using lab = await Lab.open("system_test: within");
  assertEquals(await lab.within(Promise.resolve(42), 100, "answer"), 42);
  const late = await lab.within(new Promise<never>(() => {}), 20, "datagram").catch((e) => e);
  assertEquals([late.name, late.message], ["TimeoutError", "no datagram within 20 ms"]);
  await assertRejects(
    () => lab.within(Promise.reject(new RangeError("own")), 100),
    RangeError,
    "own",
  );
  await assertRejects(() => lab.within(Promise.resolve(1), -1), RangeError, "lab.within(): ms");
  await assertRejects(
    () => lab.within(42 as unknown as Promise<number>, 10),
    TypeError,
    "promise must be a Promise",
  );
});

Deno.test("readings display as one line; bad arguments and sources are refused with what to do", async () => {
  const reading = Reading.of("somaxconn", "/proc/sys/net/core/somaxconn", 4096);
  const display = (reading as unknown as Record<symbol, () => Record<string, string>>)[
    Symbol.for("Jupyter.display")
  ]();
  assertEquals(display, { "text/plain": "somaxconn = 4096 (/proc/sys/net/core/somaxconn)" });
  assertEquals(
    Deno.inspect(Reading.unavailable("x", "y", "because")),
    "x: not available (because)",
  );
  assertThrows(
    () => new System({ os: "linux" } as unknown as SystemSource),
    TypeError,
    "readTextFile()",
  );
  await assertRejects(
    () => Lab.open("system_test: bad", { system: {} as SystemSource }),
    TypeError,
    "system source",
  );
  const system = new System(capturedLinux());
  await assertRejects(() => system.setting("tcpNoDelay" as "somaxconn"), TypeError, '"somaxconn"');
  await assertRejects(() => system.memberships("127.0.0.1"), TypeError, "IPv4 multicast address");
  await assertRejects(() => system.backlog(70000), RangeError, "70000");
  await assertRejects(() => system.ttl({} as dgram.Socket), TypeError, "expected a dgram.Socket");
});

Deno.test("the renderer marks columns not available and keeps Linux's table as it was", () => {
  const row = {
    protocol: "tcp" as const,
    local: { address: "127.0.0.1", port: 80 },
    remote: { address: "0.0.0.0", port: 0 },
    state: "LISTEN",
  };
  const text = renderSocketTableText({
    rows: [row],
    source: "netstat -ano",
    unavailable: ["sendQueue", "timer"],
  });
  assertStringIncludes(text, "n/a: netstat -ano does not give send-Q, timer");
  const linux = renderSocketTableText({
    rows: [{ ...row, sendQueue: 0, receiveQueue: 2, timer: { kind: "none", remainingMs: 0 } }],
    source: "/proc/net",
  });
  assertEquals(linux.includes("n/a"), false);
});

Deno.test("system.noDelay and system.keepAlive read back what setNoDelay and setKeepAlive set", async () => {
  await using lab = await Lab.open("socket options read back");
  const server = lab.watch(net.createServer(), "server");
  server.listen(lab.port(), "127.0.0.1");
  await lab.until("server", "listening");
  const { port } = server.address() as net.AddressInfo;
  const client = lab.watch(net.connect(port, "127.0.0.1"), "client");
  await lab.until("client", "connect");
  client.setNoDelay(true);
  assertEquals((await lab.system.noDelay(client)).value, true, "setNoDelay(true): Nagle off");
  client.setNoDelay(false);
  assertEquals((await lab.system.noDelay(client)).value, false, "setNoDelay(false): Nagle on");
  client.setKeepAlive(true, 3000);
  assertEquals((await lab.system.keepAlive(client)).value, { enabled: true, idleMs: 3000 });
  client.setKeepAlive(true, 0); // 0 keeps the socket's previous idle time
  assertEquals((await lab.system.keepAlive(client)).value, { enabled: true, idleMs: 3000 });
  client.setKeepAlive(false);
  assertEquals((await lab.system.keepAlive(client)).value?.enabled, false);
  await assertRejects(
    () => lab.system.noDelay(dgram.createSocket("udp4") as unknown as net.Socket),
    TypeError,
    "system.noDelay(): expected a net.Socket",
  );
});
