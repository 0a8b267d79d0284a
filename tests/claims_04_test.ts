// What notebooks/04_demo_echo.ipynb says the notes' echo server does with and without
// `allowHalfOpen`, checked under Node and under Deno with the same snippet
// (tests/fixtures/two_runtimes.ts). The notebook runs on Deno's kernel; these tests hold its
// statements about Node to account.

import { assertEquals } from "@std/assert";
import { runBoth } from "./fixtures/two_runtimes.ts";
import { eachRuntime, RUNTIMES } from "./fixtures/each_runtime.ts";
import { PRELUDE } from "./fixtures/snippet_prelude.ts";

/**
 * The demo's exchange: a client says hello and ends its side; the server's
 * `end` listener counts its arguments and writes one more line; 30 ms later
 * (the notebook's later cell) the server writes a last line and ends. Reports
 * what the client got, the sockets' `readyState` and kernel states between
 * the two, and what the last write's callback got.
 */
function demoSnippet(allowHalfOpen: boolean): string {
  return PRELUDE + `
const out = { clientGot: [] };
let serverSocket;
const server = net.createServer({ allowHalfOpen: ${allowHalfOpen} }, (socket) => {
  serverSocket = socket;
  socket.setEncoding("utf8");
  socket.on("data", (data) => socket.write("echo:" + data));
  socket.on("end", (...args) => {
    out.endArguments = args.length;
    socket.write("after your FIN");
  });
});
const port = await listen(server);
const client = net.connect(port, "127.0.0.1");
client.setEncoding("utf8");
client.on("data", (text) => out.clientGot.push(text));
client.on("end", () => out.clientGot.push("<FIN>"));
const closed = once(client, "close");
await once(client, "connect");
const localPort = client.localPort;
client.write("hello");
await once(client, "data");
client.end();
await new Promise((ok) => setTimeout(ok, 30));
out.between = {
  client: client.readyState,
  server: serverSocket.readyState,
  clientRow: procRow(localPort, port).state,
  serverRow: procRow(port, localPort).state,
};
out.writableBeforeLast = serverSocket.writable;
out.lastLine = await new Promise((ok) => serverSocket.write("last line", (error) => ok(error ? error.code : "sent")));
serverSocket.end();
await closed;
server.close();
console.log(JSON.stringify(out));
`;
}

Deno.test(`04 demo, allowHalfOpen: true: the connection stays half-open until the server ends it (${RUNTIMES}; Linux's /proc/net/tcp)`, async () => {
  const both = await runBoth<Record<string, unknown>>(demoSnippet(true));
  eachRuntime(both, (r, runtime) =>
    assertEquals(r, {
      clientGot: ["echo:hello", "after your FIN", "last line", "<FIN>"],
      endArguments: 0,
      between: {
        client: "readOnly",
        server: "writeOnly",
        clientRow: "FIN_WAIT2",
        serverRow: "CLOSE_WAIT",
      },
      writableBeforeLast: true,
      lastLine: "sent",
    }, runtime));
});

Deno.test(`04 demo, allowHalfOpen: false: what the end listener writes still goes out, then Node ends the socket (${RUNTIMES}; Linux's /proc/net/tcp)`, async () => {
  const both = await runBoth<Record<string, unknown>>(demoSnippet(false));
  eachRuntime(both, (r, runtime) =>
    assertEquals(r, {
      clientGot: ["echo:hello", "after your FIN", "<FIN>"],
      endArguments: 0,
      between: { client: "closed", server: "closed", clientRow: "TIME_WAIT", serverRow: "no row" },
      writableBeforeLast: false,
      lastLine: "EPIPE",
    }, runtime));
});
