// The /proc-hidden simulation itself: a kernel started under the shim cannot see /proc/net,
// /proc/sys or /proc/self/fd, and the lab says so instead of failing. (Executing every
// notebook that way: tests/proc_hidden_test.ts.disabled-until-notebooks.)

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { runNotebook } from "socketlab/runner";
import { hideProc, writeNotebook } from "./fixtures/proc_hidden/harness.ts";

const LIBRARY = new URL("../lib/mod.ts", import.meta.url).href;

const CELL = `import { Lab } from "${LIBRARY}";
const tryRead = (path: string) => Deno.readTextFile(path).then(() => "read", (e) => e.name);
const lab = await Lab.open("proc hidden");
const view = await lab.sockets();
const somaxconn = await lab.system.setting("somaxconn");
const seen = {
  "/proc/net/tcp": await tryRead("/proc/net/tcp"),
  "/proc/sys/net/core/somaxconn": await tryRead("/proc/sys/net/core/somaxconn"),
  "/proc/self/fd": await Deno.readDir("/proc/self/fd")[Symbol.asyncIterator]().next().then(() => "listed", (e) => e.name),
  "/proc/self/status": await tryRead("/proc/self/status"),
  sockets: view.table.reason,
  somaxconn: somaxconn.reason,
};
await lab.close();
console.log(JSON.stringify(seen));`;

Deno.test("under the shim the kernel finds no /proc/net, /proc/sys or /proc/self/fd, and the lab says why", async () => {
  await using hidden = await hideProc();
  const dir = await Deno.makeTempDir({ prefix: "socketlab-proc-hidden-" });
  try {
    const path = `${dir}/probe.ipynb`;
    await writeNotebook(path, [CELL]);
    const report = await runNotebook(path, {
      write: false,
      timeout: 60_000,
      kernel: { execPath: hidden.wrapper, startupTimeout: 60_000 },
    });
    assert(report.ok, report.failure);
    const printed = report.cells[0].outputs.filter((o) => o.output_type === "stream")
      .map((o) => [o.text].flat().join("")).join("");
    const seen = JSON.parse(printed);
    assertEquals(seen["/proc/net/tcp"], "NotFound");
    assertEquals(seen["/proc/sys/net/core/somaxconn"], "NotFound");
    assertEquals(seen["/proc/self/fd"], "NotFound");
    assertEquals(seen["/proc/self/status"], "read"); // only the three folders are hidden
    assertStringIncludes(seen.sockets, "/proc/net could not be read");
    assertStringIncludes(seen.somaxconn, "/proc/sys/net/core/somaxconn could not be read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
