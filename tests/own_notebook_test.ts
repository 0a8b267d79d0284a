// A reader's own notebook, in a folder of their own with no deno.json, that
// imports socketlab by path: the library resolves its own dependencies.

import { assert, assertEquals } from "@std/assert";
import { runNotebook } from "socketlab/runner";
import { code, notebookOf } from "./fixtures/runner/notebooks.ts";
import { formatNotebook } from "../lib/runner/notebook/notebook.ts";

const LIBRARY = new URL("../lib/mod.ts", import.meta.url).href;

const CELLS = [
  `import net from "node:net";
import { assertEquals } from "jsr:@std/assert@^1.0.14";
import { Lab } from "${LIBRARY}";
const lab = await Lab.open("my own notebook");`,
  `const server = lab.watch(net.createServer((s) => s.end("hello")), "server");
server.listen(lab.port(), "127.0.0.1");
await lab.until("server", "listening");
const client = lab.watch(net.connect((server.address() as net.AddressInfo).port, "127.0.0.1"), "client");
client.setEncoding("utf8");
let text = "";
client.on("data", (chunk) => text += chunk);
await lab.until("client", "close", { source: "event" });
assertEquals(text, "hello");
lab.trace.names("client", "event");`,
  `await lab.close();`,
];

Deno.test("a notebook in a folder without deno.json imports socketlab by path and runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "socketlab-own-" });
  try {
    const path = `${dir}/mine.ipynb`;
    await Deno.writeTextFile(path, formatNotebook(notebookOf(CELLS.map((c) => code(c)))));
    for await (const entry of Deno.readDir(dir)) {
      assertEquals(entry.name, "mine.ipynb", "the folder holds the notebook and nothing else");
    }
    const report = await runNotebook(path, { write: false, kernel: { startupTimeout: 60_000 } });
    assert(report.ok, report.failure);
    const result = report.cells[1].outputs.find((o) => o.output_type === "execute_result");
    const text = (result?.data as Record<string, string>)["text/plain"];
    assert(text.includes('"connect"') && text.includes('"close"'), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
