// Notebooks run side by side: each on its own kernel, with the same outputs
// as one at a time; and ports handed out by findFreePort that never clash
// across processes.

import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { type Notebook, runNotebooks } from "socketlab/runner";
import { formatNotebook, readNotebook } from "../lib/runner/notebook/notebook.ts";
import { findFreePort, releasePort } from "../lib/os/_port.ts";
import { reservationDir } from "../lib/os/_port_reservation.ts";
import { code, notebookOf, spawnDeno } from "./fixtures/runner/notebooks.ts";

function fixture(n: number): Notebook {
  return notebookOf([
    code(`console.log("notebook ${n}"); console.error("stderr ${n}");`),
    code(`await new Promise((resolve) => setTimeout(resolve, ${100 * n})); ${n} * 7`),
    code(
      `await Deno.jupyter.display({ "text/plain": "shown ${n}" }, { raw: true, display_id: "d${n}" });`,
    ),
    code(
      `await Deno.jupyter.broadcast("update_display_data", { data: { "text/plain": "updated ${n}" }, ` +
        `metadata: {}, transient: { display_id: "d${n}" } }); throw new Error("expected ${n}");`,
      ["raises-exception"],
    ),
  ]);
}

async function writeFixtures(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (let n = 1; n <= 4; n++) {
    const path = `${dir}/nb${n}.ipynb`;
    await Deno.writeTextFile(path, formatNotebook(fixture(n)));
    paths.push(path);
  }
  return paths;
}

Deno.test("notebooks run side by side give the same outputs as one at a time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "socketlab-parallel-" });
  try {
    await Deno.mkdir(`${dir}/one`);
    await Deno.mkdir(`${dir}/four`);
    const sequential = await writeFixtures(`${dir}/one`);
    const parallel = await writeFixtures(`${dir}/four`);
    await runNotebooks(sequential, { jobs: 1, write: true, kernel: { startupTimeout: 60_000 } });
    const events: string[] = [];
    const lines: Record<string, number[]> = {};
    const outcomes = await runNotebooks(parallel, {
      jobs: 4,
      write: true,
      kernel: { startupTimeout: 60_000, onSpawn: (pid) => events.push(`spawn ${pid}`) },
      onCell: (path, cell) => (lines[path] ??= []).push(cell.ordinal),
      onNotebook: ({ path }) => events.push(`done ${path}`),
    });
    assertEquals(outcomes.map((outcome) => outcome.path), parallel, "outcomes in path order");
    for (const { report, error } of outcomes) assert(report?.ok, report?.failure ?? error?.message);
    // Side by side: the kernels of several notebooks were running at once.
    const firstDone = events.findIndex((event) => event.startsWith("done"));
    assert(firstDone >= 2, `only one kernel ran at a time: ${events.join(", ")}`);
    assertEquals(new Set(outcomes.map(({ report }) => report!.kernelPid)).size, 4);
    for (const path of parallel) assertEquals(lines[path], [1, 2, 3, 4], "progress in cell order");
    for (let i = 0; i < 4; i++) {
      const one = await readNotebook(sequential[i]);
      const four = await readNotebook(parallel[i]);
      assertEquals(four.cells, one.cells, `${parallel[i]} differs from the sequential run`);
    }
    const shown = (await readNotebook(parallel[1])).cells[2].outputs![0].data;
    assertEquals(shown, { "text/plain": "updated 2" });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function holder(preferred: number, ...rest: string[]): Deno.ChildProcess {
  const script = "tests/fixtures/runner/port_holder.ts";
  return spawnDeno([script, String(preferred), "tcp", ...rest], { stdin: "piped" });
}

async function portOf(child: Deno.ChildProcess): Promise<number> {
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return JSON.parse(new TextDecoder().decode(value)).port;
}

/**
 * A free port that no process has reserved (this one included: earlier tests ran here),
 * below Linux's ephemeral range (32768-60999), so that no outgoing connection of another
 * process takes it as its local port while the test runs.
 */
function freePort(): number {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      Deno.listen({ hostname: "0.0.0.0", port }).close();
      Deno.statSync(`${reservationDir()}/tcp-${port}`);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return port;
    }
  }
}

Deno.test("a port reserved by a running process is not handed to another one", async () => {
  const preferred = freePort();
  const first = holder(preferred);
  assertEquals(await portOf(first), preferred);
  // Still free for the OS (nobody bound it), but reserved by the first process.
  const other = findFreePort(preferred);
  assertNotEquals(other, preferred);
  releasePort(other, "tcp");
  // A killed owner leaves its reservation behind; it is reclaimed.
  first.kill("SIGKILL");
  await first.status;
  await first.stdout.cancel();
  await first.stdin.abort().catch(() => {});
  assertEquals(findFreePort(preferred), preferred);
  releasePort(preferred, "tcp");
});

Deno.test("processes asking for the same port at the same moment get distinct ports", async () => {
  const preferred = freePort();
  const go = await Deno.makeTempFile();
  await Deno.remove(go);
  const holders = Array.from({ length: 4 }, () => holder(preferred, "--wait-for", go));
  await new Promise((resolve) => setTimeout(resolve, 500)); // let them all start and wait
  await Deno.writeTextFile(go, "go");
  try {
    const ports = await Promise.all(holders.map(portOf));
    assertEquals(new Set(ports).size, 4, `ports handed out: ${ports.join(", ")}`);
    assertEquals(ports.filter((port) => port === preferred).length, 1);
  } finally {
    for (const child of holders) {
      await child.stdin.close();
      await child.status;
      await child.stdout.cancel();
    }
    await Deno.remove(go);
  }
});
