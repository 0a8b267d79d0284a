// What notebooks/01_tcp_server.ipynb says `node:net` servers do, checked under Node and under
// Deno with the same snippet (tests/fixtures/two_runtimes.ts). The notebook runs on Deno's
// kernel; these tests hold its statements about Node to account, and its "Deno differs" remarks.

import { assert, assertEquals } from "@std/assert";
import { nodeMissing, runBoth } from "./fixtures/two_runtimes.ts";
import { eachRuntime, RUNTIMES } from "./fixtures/each_runtime.ts";
import { assertNamespacesAvailable } from "./fixtures/loopback_namespace.ts";

/** Prefix of the snippets: a listening server, awaited. */
const LISTEN = `
import net from "node:net";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
function listen(server, ...args) {
  return new Promise((ok, fail) => { server.once("error", fail); server.listen(...args, () => ok(server)); });
}
const connected = (port) => new Promise((ok, fail) => {
  const socket = net.connect(port, "127.0.0.1", () => ok(socket)).once("error", fail);
});
const closed = (emitter) => new Promise((ok) => emitter.once("close", (hadError) => ok(hadError)));
`;

Deno.test(`1.1.1 listen: the port may be left out or 0, the default backlog is 511 (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    LISTEN + `
function backlog(port) {
  try {
    const fields = execFileSync("ss", ["-ltnH", "sport = :" + port]).toString().trim().split(/\\s+/);
    return fields[0] === "LISTEN" ? Number(fields[2]) : "no LISTEN row";
  } catch (error) { return "ss failed: " + error.message; }
}
const out = { somaxconn: Number(fs.readFileSync("/proc/sys/net/core/somaxconn", "utf8")) };
const forms = { "undefined, host": [undefined, "127.0.0.1"], "0, host": [0, "127.0.0.1"], "0, host, 5": [0, "127.0.0.1", 5] };
for (const [name, args] of Object.entries(forms)) {
  const server = await listen(net.createServer(), ...args);
  const { address, port } = server.address();
  out[name] = { address, picked: port > 0, backlog: backlog(port) };
  await new Promise((ok) => server.close(ok));
}
console.log(JSON.stringify(out));
`,
  );
  eachRuntime(both, (r, runtime) => {
    const defaultBacklog = Math.min(511, r.somaxconn as number);
    assertEquals(r["undefined, host"], {
      address: "127.0.0.1",
      picked: true,
      backlog: defaultBacklog,
    }, `${runtime}: listen(undefined, host) listens on a port the OS picked, backlog 511`);
    assertEquals(
      r["0, host"],
      { address: "127.0.0.1", picked: true, backlog: defaultBacklog },
      runtime,
    );
    assertEquals(r["0, host, 5"], { address: "127.0.0.1", picked: true, backlog: 5 }, runtime);
  });
});

Deno.test({
  name: `1.1.1 listen without a host listens on the wildcard "::", run in a loopback-only ` +
    `network namespace (${RUNTIMES}; needs Linux and root, as CI has)`,
  fn: async () => {
    await assertNamespacesAvailable();
    // A wildcard listen is reachable from the network: it runs only where there is none.
    const source = `import net from "node:net";
const server = net.createServer();
await new Promise((ok) => server.listen(ok));
console.log(JSON.stringify(server.address().address));
server.close();`;
    const dir = await Deno.makeTempDir({ prefix: "socketlab-claims-01-" });
    try {
      await Deno.writeTextFile(`${dir}/wildcard.mjs`, source);
      const runtimes: [string, string[]][] = [[Deno.execPath(), ["run", "--quiet", "-A"]]];
      if (nodeMissing === undefined) runtimes.push(["node", []]);
      for (const [command, args] of runtimes) {
        const out = await new Deno.Command("unshare", {
          args: [
            "--net",
            "sh",
            "-c",
            'ip link set lo up && exec "$@"',
            "sh",
            command,
            ...args,
            "wildcard.mjs",
          ],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
        }).output();
        const stdout = new TextDecoder().decode(out.stdout).trim();
        assert(out.success, `${command}: ${new TextDecoder().decode(out.stderr)}`);
        assertEquals(stdout, '"::"', `${command}: server.listen(callback) listens on "::"`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test(`1.1 createServer: allowHalfOpen and pauseOnConnect (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    LISTEN + `
async function ask(options) {
  const calls = [];
  const server = await listen(net.createServer(options, (socket) => {
    calls.push(socket.isPaused() ? "paused" : "flowing");
    const end = socket.end.bind(socket);
    socket.end = (...args) => (calls.push("end()"), end(...args));
    socket.on("end", () => { calls.push("peer's end"); if (options.allowHalfOpen) socket.end("answer"); });
    socket.resume();
  }), 0, "127.0.0.1");
  const client = await connected(server.address().port);
  let answer = "";
  client.setEncoding("utf8").on("data", (text) => (answer += text)).end("question?");
  await closed(client);
  await new Promise((ok) => server.close(ok));
  return { calls, answer };
}
console.log(JSON.stringify({
  plain: await ask({}),
  halfOpen: await ask({ allowHalfOpen: true, pauseOnConnect: true }),
}));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r.plain, { calls: ["flowing", "peer's end", "end()"], answer: "" }, runtime);
    assertEquals(
      r.halfOpen,
      { calls: ["paused", "peer's end", "end()"], answer: "answer" },
      `${runtime}: with allowHalfOpen the socket still writes after the peer's end`,
    );
  });
});

Deno.test(`1.1.4 maxConnections: the third client is closed at once; Node emits drop, Deno does not (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    LISTEN + `
const drops = [];
const server = net.createServer((socket) => socket.write("welcome"));
server.maxConnections = 2;
server.on("drop", (data) => drops.push(data));
await listen(server, 0, "127.0.0.1");
const clients = [];
for (let i = 0; i < 3; i++) {
  const client = await connected(server.address().port);
  clients.push({ socket: client, port: client.localPort, closed: closed(client) });
  client.resume();
  if (i < 2) await new Promise((ok) => client.once("data", ok));
}
const thirdHadError = await clients[2].closed;
const count = await new Promise((ok, fail) => server.getConnections((e, n) => (e ? fail(e) : ok(n))));
for (const c of clients) c.socket.destroy();
await new Promise((ok) => server.close(ok));
console.log(JSON.stringify({
  count, thirdHadError, thirdRead: clients[2].socket.bytesRead,
  drops: drops.map((d) => ({ remoteAddress: d.remoteAddress, remoteIsThird: d.remotePort === clients[2].port })),
}));
`,
  );
  const same = { count: 2, thirdHadError: false, thirdRead: 0 };
  assertEquals(both.deno, { ...same, drops: [] }, "Deno: no drop event");
  if (both.node !== undefined) {
    assertEquals(
      both.node,
      { ...same, drops: [{ remoteAddress: "127.0.0.1", remoteIsThird: true }] },
      "Node: one drop event, for the third client",
    );
  }
});

Deno.test(`1.1.5 close: new connections refused at once, close only after the last one ends (${RUNTIMES})`, async () => {
  const both = await runBoth<Record<string, unknown>>(
    LISTEN + `
const order = [];
let accepted;
const server = await listen(net.createServer((socket) => (accepted = socket)), 0, "127.0.0.1");
const { port } = server.address();
const client = await connected(port);
while (accepted === undefined) await new Promise((ok) => setTimeout(ok, 5));
const serverClosed = new Promise((ok) =>
  server.close(() => ok(order.push("server close; accepted socket destroyed: " + accepted.destroyed)))
);
const listeningAfterClose = server.listening;
const late = await connected(port).then(() => "connected", (error) => error.code);
order.push("client ends");
client.end();
await serverClosed;
console.log(JSON.stringify({ listeningAfterClose, late, order }));
`,
  );
  eachRuntime(both, (r, runtime) => {
    assertEquals(r, {
      listeningAfterClose: false,
      late: "ECONNREFUSED",
      order: ["client ends", "server close; accepted socket destroyed: true"],
    }, runtime);
  });
});
