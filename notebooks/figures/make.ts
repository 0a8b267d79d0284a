/**
 * Draws the README's pictures from a live lab on loopback: the sequence
 * diagram of an echo exchange and the back-pressure chart of a fast writer
 * and a slow reader. Run from the project's root:
 *
 *   deno run --allow-net=127.0.0.1,0.0.0.0 --allow-env --allow-sys --allow-read --allow-write=notebooks/figures notebooks/figures/make.ts
 *
 * @module
 */
import net from "node:net";
import { Lab } from "socketlab";

const HOST = "127.0.0.1";
const OUT = new URL("./", import.meta.url);

/** An echo server and a client that says hello and hangs up. */
async function echo(): Promise<string> {
  await using lab = await Lab.open("README: echo");
  const server = lab.watch(net.createServer((socket) => socket.pipe(socket)), "server");
  server.listen(lab.port(8080), HOST);
  await lab.until("server", "listening");
  const port = (server.address() as net.AddressInfo).port;
  const client = lab.watch(net.connect(port, HOST), "client");
  client.setEncoding("utf8");
  client.on("data", () => client.end());
  await lab.until("client", "connect");
  client.write("hello");
  await lab.until("client", "close");
  await lab.until("server#1", "close");
  return lab.diagram({ title: "An echo server and its client" }).svg!;
}

/** A writer that respects back-pressure, and a reader that pauses after every chunk. */
async function backpressure(): Promise<string> {
  await using lab = await Lab.open("README: back-pressure");
  const chunk = new Uint8Array(64 * 1024).fill(120);
  let left = 160; // 10 MiB, more than the kernel's buffers hold
  const server = lab.watch(
    net.createServer((socket) => {
      const pump = () => {
        while (left > 0) {
          left--;
          if (!socket.write(chunk)) return void socket.once("drain", pump);
        }
        socket.end();
      };
      pump();
    }),
    "writer",
  );
  server.listen(lab.port(), HOST);
  await lab.until("writer", "listening");
  const reader = lab.watch(net.connect((server.address() as net.AddressInfo).port, HOST), "reader");
  reader.on("data", () => {
    reader.pause(); // a slow reader: a break after every chunk
    setTimeout(() => reader.resume(), 4);
  });
  reader.pause(); // ... and nothing at all until the writer has filled the kernel's buffers
  await lab.until("writer#1", "write", { where: (e) => e.returned === false });
  reader.resume();
  await lab.until("reader", "close", { timeoutMs: 20_000 });
  return lab.chart("writer#1").svg!;
}

await Deno.writeTextFile(new URL("sequence_diagram.svg", OUT), await echo());
await Deno.writeTextFile(new URL("backpressure_chart.svg", OUT), await backpressure());
