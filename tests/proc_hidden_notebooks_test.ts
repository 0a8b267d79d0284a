// Every notebook runs to the end with /proc/net, /proc/sys and /proc/self/fd hidden from the
// kernel (the LD_PRELOAD shim of tests/fixtures/proc_hidden), as on macOS or Windows: where a
// behaviour needs them, the cell asks lab.system and says so instead of failing. Notebook 08
// sends multicast, so it runs inside a loopback-only network namespace, /proc hidden there too.

import { assert, assertEquals } from "@std/assert";
import { findNotebooks, runNotebook } from "socketlab/runner";
import { hideProc } from "./fixtures/proc_hidden/harness.ts";
import { runNotebookInLoopbackNamespace } from "./fixtures/loopback_namespace.ts";

const DIR = new URL("../notebooks/", import.meta.url).pathname.replace(/\/$/, "");
const IN_NAMESPACE = "08_udp_multicast.ipynb";

Deno.test("every notebook runs to the end with /proc hidden from the kernel", async (t) => {
  await using hidden = await hideProc();
  const paths = await findNotebooks(DIR);
  assert(paths.some((p) => p.endsWith(`/${IN_NAMESPACE}`)), "notebook 08 is among them");
  for (const path of paths) {
    await t.step(path.slice(DIR.length + 1), async () => {
      if (path.endsWith(`/${IN_NAMESPACE}`)) {
        const run = await runNotebookInLoopbackNamespace(path, hidden.wrapper);
        assert(run.report?.ok, `${path} with /proc hidden: ${run.report?.failure ?? run.stderr}`);
        return;
      }
      const report = await runNotebook(path, {
        write: false,
        timeout: 120_000,
        kernel: { execPath: hidden.wrapper, startupTimeout: 60_000 },
      });
      const failures = report.cells
        .filter((cell) => cell.failed)
        .map((cell) => `cell ${cell.index}: ${cell.status}: ${cell.message}`);
      assert(report.ok, `${path} with /proc hidden: ${report.failure}\n${failures.join("\n")}`);
      assertEquals(report.errors, 0);
    });
  }
});
