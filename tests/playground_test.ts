// The playground's promise: after its first cell, every cell can be re-run in any order. Its
// code cells are run as a reader might: all in order, then in three other orders, in one kernel.

import { assert, assertEquals } from "@std/assert";
import { runNotebook } from "socketlab/runner";

const PLAYGROUND = new URL("../notebooks/00_playground.ipynb", import.meta.url).pathname;
const OUTPUT = new URL("./output/", import.meta.url).pathname;

/** A fixed shuffle, so that a failing order can be run again. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

Deno.test("every playground cell after the first can be re-run in any order", async () => {
  const notebook = JSON.parse(await Deno.readTextFile(PLAYGROUND));
  const code = notebook.cells.filter((c: { cell_type: string }) => c.cell_type === "code");
  assert(code.length >= 6, `the playground has a setup cell and experiments, got ${code.length}`);
  const [setup, ...rest] = code;
  const order = [setup, ...rest, ...shuffled(rest, 1), ...shuffled(rest, 2), ...rest.toReversed()];
  await Deno.mkdir(OUTPUT, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: OUTPUT, prefix: "playground-" });
  try {
    const path = `${dir}/playground.ipynb`;
    const cells = order.map((c) => ({ ...c, outputs: [], execution_count: null }));
    await Deno.writeTextFile(path, JSON.stringify({ ...notebook, cells }));
    const report = await runNotebook(path, { write: false, kernel: { startupTimeout: 60_000 } });
    const failed = report.cells.filter((c) => c.failed).map((c) => `${c.index}: ${c.message}`);
    assert(report.ok, `${report.failure}\n${failed.join("\n")}`);
    assertEquals(report.cells.length, order.length, "every cell ran");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
