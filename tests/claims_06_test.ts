// What notebooks/06_udp_server_client.ipynb says Node and Deno do (sections 2.4 and 2.5 of the
// notes), checked by running the same code under both runtimes. Everything talks to loopback only;
// the notes' client is run as written (it binds the wildcard address implicitly, as the notebook
// explains, and sends to localhost) and ended once it has printed the echo.

import dgram from "node:dgram";
import { assert, assertEquals, assertMatch } from "@std/assert";
import { claim, RUNTIMES } from "./fixtures/dgram_claims.ts";
import { nodeMissing } from "./fixtures/two_runtimes.ts";

/** The notes' client of 2.5, character for character, sending to `port` instead of 41234. */
function notesClient(port: number): string {
  return `var dgram = require("dgram");
var socket = dgram.createSocket("udp4");
socket.on("message", (msg, rinfo) => {
  console.log(msg.toString());
  console.log(rinfo);
});
let buf = new Buffer(\`\`);
socket.send(buf, 0, buf.length, 41234, "localhost", (err, bytes) => {
  console.log("发送了s%个字节", bytes);
});
socket.on("err", err => {
  console.log(err);
});
`.replace("41234", String(port));
}

/** What a program printed before it was ended, and how it ended. */
interface Run {
  stdout: string;
  stderr: string;
  status: Deno.CommandStatus;
}

/**
 * Runs a program until its output contains `until`, then ends it with SIGTERM. A program that
 * prints nothing more is killed after 20 s (the command's abort signal), which ends its output.
 */
async function runUntil(command: string, args: string[], until: string): Promise<Run> {
  const child = new Deno.Command(command, {
    args,
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let stdout = "";
  try {
    while (!stdout.includes(until)) {
      const chunk = await reader.read();
      if (chunk.done) break;
      stdout += chunk.value;
    }
  } finally {
    try {
      child.kill("SIGTERM");
    } catch { /* it has ended by itself: its status says so */ }
    await reader.cancel();
  }
  return { stdout, stderr: await stderr, status: await child.status };
}

Deno.test(`06 §2.5: the notes' client as written prints s% unchanged, warns about new Buffer, never ends (${RUNTIMES})`, async () => {
  const server = dgram.createSocket("udp4");
  const got: number[] = [];
  server.on("message", (msg, info) => {
    got.push(msg.length);
    server.send(msg, 0, msg.length, info.port, info.address);
  });
  server.bind(0, "localhost");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = server.address().port;
  const dir = await Deno.makeTempDir({ prefix: "socketlab-notes-client-" });
  try {
    const file = `${dir}/client.cjs`;
    await Deno.writeTextFile(file, notesClient(port));
    const deno = await runUntil(Deno.execPath(), [
      "run",
      "--no-config",
      "--quiet",
      "--allow-net=localhost,127.0.0.1,0.0.0.0",
      file,
    ], "size: 0 }");
    const node = nodeMissing === undefined
      ? await runUntil("node", [file], "size: 0 }")
      : undefined;
    const rinfo = {
      deno: `{ address: "127.0.0.1", port: ${port}, family: "IPv4", size: 0 }`,
      node: `{ address: '127.0.0.1', family: 'IPv4', port: ${port}, size: 0 }`,
    };
    for (const [runtime, run] of [["deno", deno], ["node", node]] as const) {
      if (run === undefined) continue;
      assertEquals(
        run.stdout.trimEnd().split("\n"),
        ["发送了s%个字节 0", "", rinfo[runtime]],
        `${runtime}: the format string as it is with 0 after it, the empty echo, then rinfo`,
      );
      assertMatch(
        run.stderr,
        /\[DEP0005\] DeprecationWarning: Buffer\(\) is deprecated/,
        `${runtime}: new Buffer() prints DEP0005`,
      );
      assertEquals(run.status.signal, "SIGTERM", `${runtime}: it was still running when ended`);
    }
    assertEquals(got, node === undefined ? [0] : [0, 0], "the server got zero-byte datagrams");
  } finally {
    await Deno.remove(dir, { recursive: true });
    server.close();
  }
});

Deno.test(`06 §2.4: "localhost" binds 127.0.0.1; an 'error' without listener is an uncaught exception (${RUNTIMES})`, async () => {
  await claim<{ address: unknown; uncaught: string }>(
    `
    const server = await bound("udp4", "localhost");
    const address = server.address();
    const uncaught = new Promise((resolve) => process.once("uncaughtException", (e) => resolve(e.code)));
    const second = dgram.createSocket("udp4"); // no 'error' listener
    second.bind(address.port, "127.0.0.1");
    const code = await uncaught;
    console.log(JSON.stringify({ address: { address: address.address, family: address.family }, uncaught: code }));
    server.close();
    second.close();
    `,
    (out, runtime) => {
      assertEquals(out.address, { address: "127.0.0.1", family: "IPv4" }, `${runtime}: localhost`);
      assertEquals(out.uncaught, "EADDRINUSE", `${runtime}: the unheard 'error' is thrown`);
    },
  );
});

Deno.test(`06 §2.5: console.log formats %s, not s%; zero bytes are a UDP datagram but no TCP data (${RUNTIMES})`, async () => {
  await claim<{ formats: string[]; udp: number[]; tcp: number }>(
    `
    const formats = [util.format("发送了s%个字节", 17), util.format("发送了%s个字节", 17)];
    const server = await bound();
    const udp = [];
    server.on("message", (msg, info) => { udp.push(msg.length); server.send(msg, info.port, info.address); });
    const client = await bound();
    client.on("message", (msg) => udp.push(msg.length));
    client.send(Buffer.alloc(0), server.address().port, "127.0.0.1");
    while (udp.length < 2) await sleep(10);
    const tcpServer = net.createServer((socket) => socket.on("data", () => tcp++));
    let tcp = 0;
    tcpServer.listen(0, "127.0.0.1");
    await once(tcpServer, "listening");
    const connection = net.connect(tcpServer.address().port, "127.0.0.1");
    await once(connection, "connect");
    connection.write("");
    await sleep(200);
    connection.destroy();
    tcpServer.close();
    server.close();
    client.close();
    console.log(JSON.stringify({ formats, udp, tcp }));
    `,
    (out, runtime) => {
      assertEquals(out.formats, ["发送了s%个字节 17", "发送了17个字节"], `${runtime}: util.format`);
      assertEquals(out.udp, [0, 0], `${runtime}: a zero-byte datagram arrives and is echoed`);
      assertEquals(out.tcp, 0, `${runtime}: a zero-byte TCP write delivers no data event`);
    },
  );
});

Deno.test(`06 §2.5: setTTL returns its value, refuses 0, 256 and strings, needs a bound socket; no getTTL (${RUNTIMES})`, async () => {
  await claim<
    { unbound: string[]; set: number[]; refused: string[][]; notANumber: string[]; getTTL: string }
  >(
    `
    const socket = dgram.createSocket("udp4");
    const codes = (call) => { try { call(); return ["no throw"]; } catch (e) { return [e.name, e.code, e.syscall ?? "", e.message]; } };
    const unbound = codes(() => socket.setTTL(64));
    socket.bind(0, "127.0.0.1");
    await once(socket, "listening");
    const set = [1, 7, 64, 255].map((ttl) => socket.setTTL(ttl));
    const refused = [0, 256].map((ttl) => codes(() => socket.setTTL(ttl)));
    const notANumber = codes(() => socket.setTTL("64")).slice(0, 2);
    console.log(JSON.stringify({ unbound, set, refused, notANumber, getTTL: typeof socket.getTTL }));
    socket.close();
    `,
    (out, runtime) => {
      assertEquals(
        out.unbound,
        ["Error", "EBADF", "setTTL", "setTTL EBADF"],
        `${runtime}: unbound`,
      );
      assertEquals(out.set, [1, 7, 64, 255], `${runtime}: setTTL returns the value it set`);
      const einval = ["Error", "EINVAL", "setTTL", "setTTL EINVAL"];
      assertEquals(out.refused, [einval, einval], `${runtime}: 0 and 256 are EINVAL`);
      const typeError = ["TypeError", "ERR_INVALID_ARG_TYPE"];
      assertEquals(out.notANumber, typeError, `${runtime}: a string is refused`);
      assertEquals(out.getTTL, "undefined", `${runtime}: there is no getTTL()`);
    },
  );
});

Deno.test(`06: a burst arrives in the order of the send callbacks: call order in Node, not in Deno (${RUNTIMES})`, async () => {
  await claim<{ callbacks: number[]; arrivals: number[] }>(
    `
    const N = 200;
    const receiver = await bound();
    const sender = await bound();
    const arrivals = [];
    receiver.on("message", (msg) => arrivals.push(msg.readUInt32BE(0)));
    const callbacks = [];
    for (let seq = 0; seq < N; seq++) {
      const datagram = Buffer.alloc(64);
      datagram.writeUInt32BE(seq, 0);
      sender.send(datagram, receiver.address().port, "127.0.0.1", () => callbacks.push(seq));
    }
    for (let waited = 0; (callbacks.length < N || arrivals.length < N) && waited < 3000; waited += 20) {
      await sleep(20);
    }
    console.log(JSON.stringify({ callbacks, arrivals }));
    receiver.close();
    sender.close();
    `,
    (out, runtime) => {
      const callOrder = Array.from({ length: 200 }, (_, seq) => seq);
      assertEquals(
        out.callbacks.toSorted((a, b) => a - b),
        callOrder,
        `${runtime}: every callback`,
      );
      let next = 0;
      for (const seq of out.callbacks) if (seq === out.arrivals[next]) next++;
      assertEquals(next, out.arrivals.length, `${runtime}: arrivals follow the callbacks' order`);
      if (runtime === "node") {
        assertEquals(out.callbacks, callOrder, "node: the callbacks run in call order");
        assertEquals(out.arrivals, callOrder, "node: the burst arrives in call order");
      } else {
        assert(
          out.callbacks.some((seq, i) => i > 0 && seq < out.callbacks[i - 1]),
          "deno: the callbacks do not run in call order",
        );
        assertEquals(out.callbacks[0], 199, "deno: in this small program the last send goes first");
        assert(
          out.arrivals.some((seq, i) => i > 0 && seq < out.arrivals[i - 1]),
          "deno: the burst does not arrive in call order",
        );
      }
    },
  );
});
