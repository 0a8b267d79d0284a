// Executes every notebook in notebooks/ on the real Deno kernel, twice in the same
// kernel (the `--rerun` semantics of `deno task notebooks`), without writing them,
// several notebooks at a time (`--jobs`, default the number of cores). Notebook 08 sends
// multicast, so tests/notebook_08_netns_test.ts runs it inside a loopback-only network
// namespace instead of here, in the host's namespace.

import { assert, assertEquals } from "@std/assert";
import { findNotebooks, runNotebooks } from "socketlab/runner";

const DIR = new URL("../notebooks/", import.meta.url).pathname.replace(/\/$/, "");
/** Notebooks that send to a non-loopback destination: run only inside a namespace. */
const IN_NAMESPACE_ONLY = ["08_udp_multicast.ipynb"];

Deno.test("findNotebooks finds exactly the .ipynb files of notebooks/", async () => {
  const expected: string[] = [];
  try {
    for await (const entry of Deno.readDir(DIR)) {
      if (entry.isFile && entry.name.endsWith(".ipynb")) expected.push(`${DIR}/${entry.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const found = await findNotebooks(DIR);
  assertEquals([...found].sort(), expected.sort());
  assertEquals(found, [...found].sort(), "notebooks are listed in name order");
});

Deno.test("every other notebook runs twice in one kernel without error", async (t) => {
  const paths = (await findNotebooks(DIR)).filter((path) =>
    !IN_NAMESPACE_ONLY.some((name) => path.endsWith(`/${name}`))
  );
  assert(paths.length >= 9, `expected the playground and every notebook but 08, found ${paths}`);
  const outcomes = await runNotebooks(paths, {
    rerun: true,
    write: false,
    timeout: 120_000,
    kernel: { startupTimeout: 60_000 },
  });
  for (const { path, report, error } of outcomes) {
    await t.step(path.slice(DIR.length + 1), () => {
      assert(report !== undefined, `${path}: ${error?.message}`);
      const failures = report.cells
        .filter((cell) => cell.failed)
        .map((cell) => `cell ${cell.index} (pass ${cell.pass}): ${cell.status}: ${cell.message}`);
      assert(report.ok, `${path}: ${report.failure}\n${failures.join("\n")}`);
      assertEquals(report.passes, 2);
      assertEquals(report.errors, 0);
    });
  }
});
