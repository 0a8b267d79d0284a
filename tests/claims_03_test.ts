// What notebooks/03_tcp_client.ipynb says a `node:net` client does, checked under Node and under
// Deno with the same snippet (tests/fixtures/two_runtimes.ts). The notebook runs on Deno's
// kernel; these tests hold its statements about Node to account, and its "Deno differs" remarks.

import { assert, assertEquals, assertGreater, assertLessOrEqual } from "@std/assert";
import { nodeMissing, nodeVersion, runBoth } from "./fixtures/two_runtimes.ts";
import { eachRuntime, RUNTIMES } from "./fixtures/each_runtime.ts";
import { PRELUDE } from "./fixtures/snippet_prelude.ts";

Deno.test(`03 1.3.1 connect(): the callback is one more connect listener, run after earlier ones (${RUNTIMES})`, async () => {
  const both = await runBoth<{ order: string[] }>(
    PRELUDE + `
const server = net.createServer((socket) => socket.end("hi"));
const port = await listen(server);
const order = [];
const socket = new net.Socket();
socket.on("connect", () => order.push("listener"));
socket.connect(port, "127.0.0.1", () => order.push("callback"));
socket.resume();
await once(socket, "close");
server.close();
console.log(JSON.stringify({ order }));
`,
  );
  eachRuntime(
    both,
    (r, runtime) =>
      assertEquals(
        r.order,
        ["listener", "callback"],
        `${runtime}: the listener registered first runs first`,
      ),
  );
});

Deno.test(`03 1.3.1 allowHalfOpen on a client: it writes on after the server's FIN; without it, EPIPE (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
const serverGot = [];
const server = net.createServer({ allowHalfOpen: true }, (socket) => {
  socket.setEncoding("utf8");
  socket.on("data", (text) => serverGot.push(text));
  socket.end("bye");
});
const port = await listen(server);
const out = {};
for (const allowHalfOpen of [true, false]) {
  const client = new net.Socket({ allowHalfOpen });
  const closed = once(client, "close");
  const wrote = new Promise((ok) => client.on("end", () => setTimeout(() => {
    const returned = client.write("still here", (error) => ok({ returned, callback: error ? error.code + ": " + error.message : "sent" }));
    client.end();
  }, 20)));
  client.resume();
  client.connect(port, "127.0.0.1");
  out[allowHalfOpen ? "half" : "full"] = await wrote;
  await closed;
}
server.close();
console.log(JSON.stringify({ ...out, serverGot }));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(
      r.half,
      { returned: true, callback: "sent" },
      `${runtime}: the half-open client can still write`,
    );
    assertEquals(r.full, {
      returned: false,
      callback: "EPIPE: This socket has been ended by the other party",
    }, `${runtime}: the default client was ended with the server's FIN`);
    assertEquals(
      r.serverGot,
      ["still here"],
      `${runtime}: only the half-open client's write arrived`,
    );
  });
});

Deno.test(`03 1.3.1 readable/writable false are not ignored without fd; left out, both are allowed (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
const server = net.createServer((socket) => { socket.on("error", () => {}); socket.end("hi"); });
const port = await listen(server);
async function run(options) {
  const socket = new net.Socket(options);
  const result = { readable: socket.readable, writable: socket.writable, data: "", error: null };
  socket.setEncoding("utf8");
  socket.on("data", (text) => (result.data += text));
  socket.on("error", (error) => (result.error = error.code));
  const closed = once(socket, "close");
  socket.connect(port, "127.0.0.1", () => { result.returned = socket.write("x"); socket.end(); });
  await closed;
  return result;
}
const out = { leftOut: await run({}), falseFalse: await run({ readable: false, writable: false }) };
server.close();
console.log(JSON.stringify(out));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r.leftOut, {
      readable: true,
      writable: true,
      data: "hi",
      error: null,
      returned: true,
    }, runtime);
    assertEquals(r.falseFalse, {
      readable: false,
      writable: false,
      data: "",
      error: "ERR_STREAM_WRITE_AFTER_END",
      returned: false,
    }, `${runtime}: readable: false delivers nothing, writable: false refuses write()`);
  });
});

/**
 * Wraps two connected descriptors with `new net.Socket({ fd, ... })`: the
 * options left out, and `readable: true, writable: true` as the notes list
 * them. Node gets the descriptors as a child process's fds 3 and 4 from its
 * parent (there is no other public way to hold a socket descriptor no
 * net.Socket owns); Deno makes them with the C library (FFI), as the notebook
 * does. What is checked is the same code path: wrapping, reading, writing.
 */
const WRAP_FD = PRELUDE + `
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
async function wrap(fd, options) {
  const socket = new net.Socket({ fd, ...options });
  const result = { readyState: socket.readyState, readable: socket.readable, writable: socket.writable, got: "" };
  socket.on("connect", () => (result.connectEvent = true));
  socket.setEncoding("utf8");
  socket.on("data", (text) => (result.got += text));
  const closed = once(socket, "close");
  socket.end("through a descriptor");
  await closed;
  return result;
}
if (process.argv.at(-1) === "child") {
  const results = [await wrap(3, {}), await wrap(4, { readable: true, writable: true })];
  console.log(JSON.stringify(results));
} else {
  const fileFd = fs.openSync(process.execPath, "r");
  let file;
  try { new net.Socket({ fd: fileFd }); file = "no error"; } catch (error) { file = { name: error.name, code: error.code, message: error.message }; }
  fs.closeSync(fileFd);
  const server = net.createServer((socket) => { socket.setEncoding("utf8"); socket.on("data", (text) => socket.end("服务器：" + text)); });
  const port = await listen(server);
  let wrapped;
  if (typeof Deno === "undefined") {
    const sockets = [net.connect(port, "127.0.0.1"), net.connect(port, "127.0.0.1")];
    await Promise.all(sockets.map((socket) => once(socket, "connect")));
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "child"], { stdio: ["ignore", "pipe", "inherit", ...sockets] });
    let stdout = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    await once(child, "exit");
    sockets.forEach((socket) => socket.destroy());
    wrapped = JSON.parse(stdout);
  } else {
    const libc = Deno.dlopen("libc.so.6", {
      socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
      connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
    });
    const descriptor = () => {
      const fd = libc.symbols.socket(2, 1, 0);
      const address = new Uint8Array(16);
      new DataView(address.buffer).setUint16(0, 2, true);
      new DataView(address.buffer).setUint16(2, port);
      address.set([127, 0, 0, 1], 4);
      if (libc.symbols.connect(fd, address, 16) !== 0) throw new Error("connect() failed");
      return fd;
    };
    wrapped = [await wrap(descriptor(), {}), await wrap(descriptor(), { readable: true, writable: true })];
    libc.close();
  }
  server.close();
  console.log(JSON.stringify({ file, wrapped }));
}
`;

Deno.test(`03 1.3.1 fd: a connected socket's descriptor is wrapped, a file's is refused (${RUNTIMES}; Linux)`, async () => {
  const both = await runBoth<{ file: unknown; wrapped: unknown[] }>(WRAP_FD);
  eachRuntime(both, (r, runtime) => {
    assertEquals(r.file, {
      name: "TypeError",
      code: "ERR_INVALID_FD_TYPE",
      message: "Unsupported fd type: FILE",
    }, `${runtime}: a file's descriptor is refused`);
    const expected = {
      readyState: "open",
      readable: true,
      writable: true,
      got: "服务器：through a descriptor",
    };
    assertEquals(
      r.wrapped,
      [expected, expected],
      `${runtime}: open at once, no connect event, both ways`,
    );
  });
});

Deno.test(`03 1.3.2 write(data, encoding, cb): the bytes each encoding makes, callbacks in order (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
const chunks = [];
const server = net.createServer((socket) => {
  socket.on("data", (chunk) => chunks.push(chunk));
  socket.on("end", () => socket.end());
});
const port = await listen(server);
const callbacks = [];
const client = net.connect(port, "127.0.0.1", () => {
  client.write("e4bda0e5a5bd", "hex", (error) => callbacks.push("hex " + (error ?? "ok")));
  client.write("5L2g5aW9", "base64", (error) => callbacks.push("base64 " + (error ?? "ok")));
  client.write("é", "latin1", (error) => callbacks.push("latin1 " + (error ?? "ok")));
  client.write("é", (error) => callbacks.push("utf8 " + (error ?? "ok")));
  client.end();
});
client.resume();
await once(client, "close");
server.close();
console.log(JSON.stringify({ hex: chunks.map((chunk) => chunk.toString("hex")).join(""), callbacks }));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r.hex, "e4bda0e5a5bd" + "e4bda0e5a5bd" + "e9" + "c3a9", `${runtime}: the bytes`);
    assertEquals(
      r.callbacks,
      ["hex ok", "base64 ok", "latin1 ok", "utf8 ok"],
      `${runtime}: callbacks`,
    );
  });
});

Deno.test(`03 1.3.2 a refused connection: error (already destroyed), then close(true); no listener throws (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
const port = await freePort();
const out = {};
const socket = net.connect(port, "127.0.0.1");
socket.on("error", (error) => { out.code = error.code; out.destroyedInListener = socket.destroyed; });
[out.hadError] = await once(socket, "close");
process.on("uncaughtException", (error) => {
  out.uncaught = error.code;
  console.log(JSON.stringify(out));
  process.exit(0);
});
net.connect(port, "127.0.0.1"); // no error listener
`,
  );
  eachRuntime(both, (r, runtime) =>
    assertEquals(r, {
      code: "ECONNREFUSED",
      destroyedInListener: true,
      hadError: true,
      uncaught: "ECONNREFUSED",
    }, runtime));
});

Deno.test(`03 1.3.3 close() at the second connection: a third is refused, the two are still served (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
const counts = [];
const server = net.createServer((socket) => {
  socket.setEncoding("utf8");
  socket.on("data", (text) => socket.write("服务器：" + text));
  server.getConnections((error, count) => {
    counts.push(count);
    if (count == 2) server.close(), closing();
  });
});
let closing;
const closeCalled = new Promise((ok) => (closing = ok));
const port = await listen(server);
const serverClosed = once(server, "close");
let serverClosedEarly = false;
serverClosed.then(() => (serverClosedEarly = true));
const clients = [];
for (let i = 0; i < 2; i++) {
  clients.push(net.connect(port, "127.0.0.1").setEncoding("utf8"));
  await once(server, "connection");
}
await closeCalled;
const third = net.connect(port, "127.0.0.1");
const [thirdError] = await once(third, "error");
const echoes = await Promise.all(clients.map((client, i) => (client.write("still " + i), once(client, "data"))));
const earlyBeforeEnd = serverClosedEarly;
clients.forEach((client) => client.end());
await serverClosed;
console.log(JSON.stringify({ counts, third: thirdError.code, echoes: echoes.flat(), earlyBeforeEnd }));
`,
  );
  eachRuntime(both, (r, runtime) =>
    assertEquals(r, {
      counts: [1, 2],
      third: "ECONNREFUSED",
      echoes: ["服务器：still 0", "服务器：still 1"],
      earlyBeforeEnd: false,
    }, runtime));
});

/** A snippet: listen, make `calls` on the server, and report at exit whether an unref'ed 300 ms timer fired. */
function unrefSnippet(calls: string[]): string {
  return PRELUDE + `
import { setTimeout } from "node:timers";
let timerFired = false;
const server = net.createServer();
await listen(server);
for (const call of ${JSON.stringify(calls)}) server[call]();
// The timer does not keep the process alive: it fires only if the server does.
setTimeout(() => { timerFired = true; server.close(); }, 300).unref();
process.on("exit", () => console.log(JSON.stringify({ keptAlive: timerFired })));
`;
}

Deno.test(`03 1.3.4 unref(): once or twice lets the process exit; one ref() undoes two unref() (${RUNTIMES})`, async () => {
  const cases: [string[], boolean][] = [
    [[], true],
    [["unref"], false],
    [["unref", "unref"], false],
    [["unref", "unref", "ref"], true],
  ];
  for (const [calls, keptAlive] of cases) {
    const both = await runBoth<{ keptAlive: boolean }>(unrefSnippet(calls));
    eachRuntime(
      both,
      (r, runtime) =>
        assertEquals(r.keptAlive, keptAlive, `${runtime}: after ${calls.join(", ") || "no call"}`),
    );
  }
});

Deno.test(`03 1.3.5 bufferSize is writableLength; false at writableHighWaterMark; no drain after end() (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    PRELUDE + `
let peer;
const server = net.createServer((socket) => { peer = socket; socket.pause(); });
const port = await listen(server);
const client = new net.Socket();
const out = { beforeConnect: String(client.bufferSize), samples: [], drains: 0, warnings: [] };
process.on("warning", (warning) => out.warnings.push(warning.name + ": " + warning.message));
client.connect(port, "127.0.0.1");
await once(client, "connect");
out.highWaterMark = client.writableHighWaterMark;
const chunk = new Uint8Array(256 * 1024);
for (let i = 0; i < 64; i++) {
  const flag = client.write(chunk);
  out.samples.push([flag, client.bufferSize, client.writableLength, client.bytesWritten]);
}
client.on("drain", () => out.drains++);
client.end();
out.queuedAtEnd = client.writableLength;
peer.resume();
peer.on("end", () => peer.end());
await once(client, "close");
out.afterClose = String(client.bufferSize);
server.close();
console.log(JSON.stringify(out));
`,
  );
  eachRuntime(both, (r, runtime) => {
    const major = Number(nodeVersion.replace(/^v/, "").split(".")[0]);
    const expectedMark = runtime === "Deno" || major >= 22 ? 65536 : 16384;
    assertEquals(r.highWaterMark, expectedMark, `${runtime}: the default writableHighWaterMark`);
    const samples = r.samples as [boolean, number, number, number][];
    samples.forEach(([flag, bufferSize, writableLength, bytesWritten], i) => {
      assertEquals(
        bufferSize,
        writableLength,
        `${runtime}, write #${i + 1}: bufferSize is writableLength`,
      );
      assertEquals(
        flag,
        writableLength < expectedMark,
        `${runtime}, write #${i + 1}: false at the mark`,
      );
      assertEquals(
        bytesWritten,
        (i + 1) * 256 * 1024,
        `${runtime}, write #${i + 1}: queued bytes count`,
      );
    });
    assert(samples.some(([flag]) => !flag), `${runtime}: 16 MiB to a paused peer fills the queue`);
    assertGreater(
      r.queuedAtEnd as number,
      expectedMark,
      `${runtime}: end() with much still queued`,
    );
    assertEquals(r.drains, 0, `${runtime}: an ending stream emits no drain`);
    assertEquals(
      [r.beforeConnect, r.afterClose],
      ["undefined", "undefined"],
      `${runtime}: no bufferSize unconnected`,
    );
    assertEquals(r.warnings, [], `${runtime}: reading bufferSize prints no deprecation warning`);
  });
});

Deno.test(`03 1.3.6 setKeepAlive: the idle time in whole seconds, 0 keeps the previous one (${RUNTIMES}; Linux's /proc/net/tcp)`, async () => {
  const both = await runBoth<Record<string, { timer: number; timerMs: number }>>(
    PRELUDE + `
const server = net.createServer((socket) => socket.on("error", () => {}));
const port = await listen(server);
const client = net.connect(port, "127.0.0.1");
await once(client, "connect");
const out = {};
const step = (name) => (out[name] = procRow(client.localPort, port));
step("connected");
client.setKeepAlive(true, 3000), step("true, 3000");
client.setKeepAlive(false), step("false");
client.setKeepAlive(true, 0), step("true, 0 after false");
client.setKeepAlive(false), client.setKeepAlive(true, 1500), step("true, 1500 after false");
client.setKeepAlive(false), client.setKeepAlive(true, 500), step("true, 500 after false");
client.destroy();
server.close();
console.log(JSON.stringify(out));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r["connected"].timer, 0, `${runtime}: no timer before setKeepAlive`);
    assertEquals(r["false"].timer, 0, `${runtime}: setKeepAlive(false) removes the timer`);
    // Turning keep-alive on arms the timer with the socket's idle time: the value kept is visible.
    const armed = (name: string, atMostMs: number, atLeastMs: number) => {
      assertEquals(r[name].timer, 2, `${runtime}, ${name}: the keep-alive timer`);
      assertLessOrEqual(
        r[name].timerMs,
        atMostMs,
        `${runtime}, ${name}: due within ${atMostMs} ms`,
      );
      assertGreater(r[name].timerMs, atLeastMs, `${runtime}, ${name}: not much sooner`);
    };
    armed("true, 3000", 3000, 2000);
    armed("true, 0 after false", 3000, 2000); // 0 kept the 3 s, not the system's 7200 s
    armed("true, 1500 after false", 1000, 0); // whole seconds: 1 s
    armed("true, 500 after false", 1000, 0); // under 1 s counts as 0: the 1 s is kept
  });
});

/** Why the system calls of a process cannot be traced here, or `undefined` when they can. */
const straceMissing: string | undefined = await new Deno.Command("strace", {
  args: ["-f", "-e", "trace=none", "true"],
  stdout: "null",
  stderr: "null",
}).output().then(
  (out) => out.success ? undefined : "strace cannot trace here (ptrace not permitted?)",
  () => "there is no strace on PATH (apt-get install strace)",
);

Deno.test(
  `03 1.3.6 setKeepAlive(true, ms) sets the probe interval to 1 s and 10 probes in Node, not in Deno ` +
    `(${RUNTIMES}, traced with strace${
      straceMissing === undefined ? "" : `, which fails here: ${straceMissing}`
    })`,
  async () => {
    if (straceMissing !== undefined) {
      throw new Error(`this claim is checked with strace: ${straceMissing}`);
    }
    const dir = await Deno.makeTempDir({ prefix: "socketlab-claims-03-" });
    try {
      const path = `${dir}/keepalive.mjs`;
      await Deno.writeTextFile(
        path,
        PRELUDE + `
const server = net.createServer((socket) => socket.on("error", () => {}));
const port = await listen(server);
const client = net.connect(port, "127.0.0.1");
await once(client, "connect");
const second = net.connect(port, "127.0.0.1");
await once(second, "connect");
client.setKeepAlive(true, 3000);
second.setKeepAlive(true);
client.destroy();
second.destroy();
server.close();
`,
      );
      const traced = async (name: string, command: string[]) => {
        // One output file per thread (-ff): no call split across lines by another thread's.
        const out = await new Deno.Command("strace", {
          args: ["-ff", "-o", `${dir}/${name}`, "-e", "trace=setsockopt", ...command, path],
          stdout: "null",
          stderr: "piped",
        }).output();
        assert(out.success, `${name} under strace: ${new TextDecoder().decode(out.stderr)}`);
        const lines: string[] = [];
        for await (const entry of Deno.readDir(dir)) {
          if (entry.name.startsWith(`${name}.`)) {
            lines.push(...(await Deno.readTextFile(`${dir}/${entry.name}`)).split("\n"));
          }
        }
        return lines.filter((line) => line.includes("TCP_KEEP"))
          .map((line) => line.replace(/^setsockopt\(\d+, /, "").replace(/\) += .*$/, ""));
      };
      const deno = await traced("deno", [Deno.execPath(), "run", "--quiet", "-A"]);
      assertEquals(
        deno,
        ["SOL_TCP, TCP_KEEPIDLE, [3], 4"],
        "Deno sets the idle time, only when given",
      );
      if (nodeMissing === undefined) {
        const node = await traced("node", ["node"]);
        assertEquals(
          node,
          [
            "SOL_TCP, TCP_KEEPIDLE, [3], 4",
            "SOL_TCP, TCP_KEEPINTVL, [1], 4",
            "SOL_TCP, TCP_KEEPCNT, [10], 4",
            "SOL_TCP, TCP_KEEPIDLE, [0], 4",
          ],
          `Node ${nodeVersion} (libuv) also sets the interval and the count; without a delay, only a refused 0`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(`03 1.3.6 setNoDelay(): no argument means true; a repeated value is not passed down again (${RUNTIMES})`, async () => {
  const both = await runBoth<{ passed: boolean[] }>(
    PRELUDE + `
const server = net.createServer((socket) => socket.resume());
const port = await listen(server);
const client = net.connect(port, "127.0.0.1");
await once(client, "connect");
// What each call hands to the native TCP handle (the kernel's TCP_NODELAY is set from it).
const passed = [];
const setNoDelay = client._handle.setNoDelay;
client._handle.setNoDelay = function (value) { passed.push(value); return setNoDelay.call(this, value); };
client.setNoDelay();
client.setNoDelay(false);
client.setNoDelay(true);
client.setNoDelay(true);
client.destroy();
server.close();
console.log(JSON.stringify({ passed }));
`,
  );
  eachRuntime(
    both,
    (r, runtime) =>
      assertEquals(r.passed, [true, false, true], `${runtime}: setNoDelay() is setNoDelay(true)`),
  );
});
