// Faults injected into the notebook runner: a kill during the write, a
// notebook for another kernel, a syntax error, big outputs, signals to the
// runner, processes started by cells, notebook settings, quiet re-runs.

import {
  assert,
  assertEquals,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { KernelSession, NotebookError, runNotebook } from "socketlab/runner";
import { runRunnerCli } from "../lib/runner/cli.ts";
import {
  formatNotebook,
  parseNotebook,
  readNotebook,
  writeNotebook,
} from "../lib/runner/notebook/notebook.ts";
import {
  assertGone,
  code,
  notebookOf,
  processExists,
  spawnDeno,
  tempNotebook,
  text,
} from "./fixtures/runner/notebooks.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const STARTUP = { startupTimeout: 60_000 };

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`gave up waiting for ${what} after ${ms} ms`);
}

// --- no data loss --------------------------------------------------------------------------

Deno.test("a SIGKILL in the middle of writing a 36 MB notebook leaves the original intact", async () => {
  await using file = await tempNotebook([code("console.log('original')")]);
  const original = await Deno.readTextFile(file.path);
  const writer = spawnDeno(["tests/fixtures/runner/write_notebook_forever.ts", file.path]);
  const temp = await until("the temporary file of a write", async () => {
    for await (const entry of Deno.readDir(file.dir)) {
      if (entry.name.startsWith(".test.ipynb.") && entry.name.endsWith(".tmp")) {
        return entry.name;
      }
    }
  });
  writer.kill("SIGKILL");
  const { signal } = await writer.output();
  assertEquals(signal, "SIGKILL");
  // Killed mid-write: the original is still there, whole, or (if the kill came after a
  // rename) a whole new version; never a truncated file.
  const after = await Deno.readTextFile(file.path);
  const notebook = parseNotebook(after, file.path);
  if (after === original) assertEquals(notebook.cells.length, 1);
  else assertEquals(notebook.cells.length, 12);
  assert(temp.includes(`${writer.pid}-`), `the temporary file ${temp} names the writer's pid`);
});

Deno.test("a failed write leaves the original intact and no temporary file", async () => {
  await using file = await tempNotebook([code("1")]);
  // The rename over a folder that is not empty fails after the temporary file is written.
  const target = `${file.dir}/folder.ipynb`;
  await Deno.mkdir(target);
  await Deno.writeTextFile(`${target}/keep.txt`, "kept");
  await assertRejects(() => writeNotebook(target, notebookOf([code("2")])));
  assertEquals(await Deno.readTextFile(`${target}/keep.txt`), "kept");
  const names: string[] = [];
  for await (const entry of Deno.readDir(file.dir)) names.push(entry.name);
  assertEquals(names.sort(), ["folder.ipynb", "test.ipynb"], "no temporary file is left");
});

// --- only Deno notebooks -------------------------------------------------------------------

Deno.test("a notebook for the Python kernel is refused and left untouched, unless anyKernel", async () => {
  const python = {
    kernelspec: { name: "python3", display_name: "Python 3", language: "python" },
    language_info: { name: "python" },
  };
  const cell = code("print('hi')");
  cell.outputs = [{ output_type: "stream", name: "stdout", text: "hi\n" }];
  await using file = await tempNotebook([cell], python);
  const before = await Deno.readTextFile(file.path);
  const pids: number[] = [];
  const error = await assertRejects(
    () => runNotebook(file.path, { write: true, kernel: { onSpawn: (pid) => pids.push(pid) } }),
    NotebookError,
  );
  assertStringIncludes(error.message, `${file.path}: written for the kernel "python3"`);
  assertStringIncludes(error.message, "--any-kernel");
  assertEquals(pids, [], "no kernel is started for it");
  assertEquals(await Deno.readTextFile(file.path), before);

  // Forced: it runs on Deno (where `print` is window.print, not Python's).
  const report = await runNotebook(file.path, { anyKernel: true, kernel: STARTUP });
  assertEquals(report.cells.length, 1);
  assert(report.cells[0].status !== "not-run", "the cell ran");
  assertEquals(await Deno.readTextFile(file.path), before, "not written without write: true");
});

// --- syntax errors -------------------------------------------------------------------------

Deno.test("a syntax error is saved as an error output with the parser's message", async () => {
  const broken = code("const = 1;");
  broken.outputs = [{ output_type: "stream", name: "stdout", text: "stale output\n" }];
  await using file = await tempNotebook([code("console.log('first')"), broken, code("2")]);
  const report = await runNotebook(file.path, { write: true, kernel: STARTUP });
  assertEquals(report.cells.map((cell) => cell.status), ["ok", "error", "not-run"]);
  assertEquals(
    report.failure,
    "cell 2: SyntaxError: Unexpected token `=`. Expected yield, an identifier, [ or { " +
      "(line 1, column 7)",
  );
  const saved = await readNotebook(file.path);
  const [error] = saved.cells[1].outputs!;
  assertEquals([error.output_type, error.ename], ["error", "SyntaxError"]);
  assertStringIncludes(String(error.evalue), "Unexpected token `=`");
  assertStringIncludes((error.traceback as string[]).join("\n"), "1 | const = 1;");
  assertEquals(saved.cells[1].outputs!.length, 1, "the stale output is replaced");
  assertEquals(saved.cells[1].execution_count, 2);
});

// --- large outputs -------------------------------------------------------------------------

Deno.test("a 10 MB stdout lands whole, or the run fails saying output was lost", async () => {
  await using file = await tempNotebook([
    code("console.log('x'.repeat(10_000_000))"),
    code("'after'"),
  ]);
  const report = await runNotebook(file.path, { write: true, kernel: STARTUP });
  const saved = await readNotebook(file.path);
  if (report.ok) {
    assertEquals(saved.cells[0].outputs, [
      { output_type: "stream", name: "stdout", text: "x".repeat(10_000_000) + "\n" },
    ]);
  } else {
    // The kernel sends it as one message and may drop it (see _output_guard.ts); then
    // its output channel breaks, and the run says so instead of passing.
    assertMatch(report.failure!, /output (was lost|channel stopped answering)/);
  }
});

Deno.test("a 30 MB display fails its cell with a clear message", async () => {
  await using file = await tempNotebook([
    code("console.log('small')"),
    code("await Deno.jupyter.display({ 'image/png': 'A'.repeat(30_000_000) }, { raw: true })"),
    code("'never'"),
  ]);
  const report = await runNotebook(file.path, { write: true, kernel: STARTUP });
  assertEquals(report.cells.map((cell) => cell.status), ["ok", "error", "not-run"]);
  assertMatch(report.failure!, /^cell 2: RangeError: this display is 30\.0 MB: the Deno kernel/);
  const saved = await readNotebook(file.path);
  assertEquals(saved.cells[1].outputs![0].ename, "RangeError");
});

Deno.test("KernelSession reports a stalled request when the kernel's iopub breaks", async () => {
  await using session = await KernelSession.start(STARTUP);
  assert(await session.iopubAlive());
  const shown = await session.execute(
    "await Deno.jupyter.display({ 'text/html': 'A'.repeat(30e6) }, { raw: true })",
  );
  assert(!shown.messages.some((m) => m.header.msg_type === "display_data"), "30 MB arrived");
  // The kernel breaks its iopub connection while it sends (or drops) the message,
  // sooner or later.
  let alive = true;
  for (let i = 0; i < 10 && alive; i++) alive = await session.iopubAlive(2_000);
  assertEquals(alive, false, "the kernel's iopub still delivers after 20 s");
  const next = await session.execute("1", { stallTimeout: 2_000 });
  assertEquals(next.outcome, "stalled");
  assert(next.reply !== undefined, "the kernel still replies on shell");
  assertEquals(session.exitStatus?.signal, "SIGKILL", "a stalled kernel is killed");
});

// --- signals and processes -----------------------------------------------------------------

/** A cell that starts `sleep 600`, writes its own and the child's pid to `pids.json`, then waits. */
function startChildAndWait(dir: string, wait = true): string {
  return `const sleeper = new Deno.Command("sleep", { args: ["600"], stdout: "null" }).spawn();
sleeper.unref();
await Deno.writeTextFile(${
    JSON.stringify(`${dir}/pids.json`)
  }, JSON.stringify({ kernel: Deno.pid, child: sleeper.pid }));
console.log("child started");
${wait ? "await new Promise((resolve) => setTimeout(resolve, 600_000));" : ""}`;
}

async function readPids(dir: string): Promise<{ kernel: number; child: number } | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/pids.json`));
  } catch {
    return undefined;
  }
}

for (const [signal, status] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  Deno.test(`${signal} to the runner ends the kernel and its children and leaves the file intact`, async () => {
    await using file = await tempNotebook([code("1")]);
    const cell = code(startChildAndWait(file.dir));
    cell.outputs = [{ output_type: "stream", name: "stdout", text: "old output\n" }];
    await Deno.writeTextFile(file.path, formatNotebook(notebookOf([code("1"), cell])));
    const before = await Deno.readTextFile(file.path);
    const runner = spawnDeno(["lib/runner/cli.ts", file.path]);
    const pids = await until("the cell's pid file", () => readPids(file.dir));
    assert(processExists(pids.kernel) && processExists(pids.child));
    runner.kill(signal);
    const out = await runner.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, status, stderr);
    assertStringIncludes(stderr, `interrupted by ${signal}: the kernels were ended`);
    assertGone([pids.kernel], "kernel");
    assertGone([pids.child], "process started by a cell");
    assertEquals(await Deno.readTextFile(file.path), before);
  });
}

Deno.test("a kernel whose starter is killed with SIGKILL ends itself and its children", async () => {
  const starter = spawnDeno(["tests/fixtures/runner/hold_kernel.ts"]);
  const reader = starter.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const pids: { kernel: number; child: number } = JSON.parse(new TextDecoder().decode(value));
  assert(processExists(pids.kernel) && processExists(pids.child));
  starter.kill("SIGKILL");
  await starter.output().catch(() => starter.status);
  // Nothing could clean up after a SIGKILL: the kernel's watchdog notices it lost its parent.
  await until("the kernel and its child to end", () =>
    Promise.resolve(
      processExists(pids.kernel) || processExists(pids.child) ? undefined : true,
    ), 10_000);
  assertGone([pids.kernel], "kernel");
  assertGone([pids.child], "process started by a cell");
});

Deno.test("a process a cell started is gone after the run, and after a time-out", async () => {
  await using done = await tempNotebook([code("0")]);
  await Deno.writeTextFile(
    done.path,
    formatNotebook(notebookOf([code(startChildAndWait(done.dir, false)), code("1")])),
  );
  const report = await runNotebook(done.path, { kernel: STARTUP });
  assert(report.ok, report.failure);
  const finished = (await readPids(done.dir))!;
  assertGone([finished.kernel], "kernel");
  assertGone([finished.child], "process started by a cell");

  await using hung = await tempNotebook([code("0")]);
  await Deno.writeTextFile(
    hung.path,
    formatNotebook(notebookOf([code(startChildAndWait(hung.dir))])),
  );
  const timedOut = await runNotebook(hung.path, { kernel: STARTUP, timeout: 3_000 });
  assertEquals(timedOut.cells[0].status, "timeout");
  const killed = (await readPids(hung.dir))!;
  assertGone([killed.kernel], "kernel");
  assertGone([killed.child], "process started by a cell");
});

// --- settings ------------------------------------------------------------------------------

Deno.test("allowErrors runs every cell, saves each error, and still fails the run", async () => {
  await using file = await tempNotebook([
    code("throw new Error('first')"),
    code("const = 2;"),
    code("console.log('still runs')"),
  ]);
  const report = await runNotebook(file.path, { allowErrors: true, write: true, kernel: STARTUP });
  assertEquals(report.cells.map((cell) => cell.status), ["error", "error", "ok"]);
  assertEquals(report.ok, false);
  assertEquals(report.errors, 2);
  assertEquals(report.failure, "cell 1: Error: first");
  const saved = await readNotebook(file.path);
  assertEquals(saved.cells.map((cell) => cell.outputs![0].ename ?? cell.outputs![0].text), [
    "Error",
    "SyntaxError",
    "still runs\n",
  ]);
});

Deno.test("a notebook's metadata sets its time-out and allows errors", async () => {
  await using slow = await tempNotebook(
    [code("await new Promise((resolve) => setTimeout(resolve, 600_000))")],
    { socketlab: { timeout: 1.5 } },
  );
  const report = await runNotebook(slow.path, { kernel: STARTUP, timeout: 600_000 });
  assertEquals(report.failure, "cell 1: did not finish within 1.5 s; the kernel was killed");

  await using lenient = await tempNotebook(
    [code("throw new Error('allowed')"), code("'next'")],
    { execution: { allow_errors: true } },
  );
  const allowed = await runNotebook(lenient.path, { kernel: STARTUP });
  assertEquals(allowed.cells.map((cell) => cell.status), ["error", "ok"]);

  await using wrong = await tempNotebook([code("1")], { socketlab: { timeout: "soon" } });
  await assertRejects(
    () => runNotebook(wrong.path),
    NotebookError,
    'metadata.socketlab.timeout must be a positive number of seconds, got "soon"',
  );
});

Deno.test("without recordTiming no timestamps are written, and old ones are removed", async () => {
  const cell = code("console.log('same')");
  cell.metadata = { execution: { "iopub.status.busy": "2020-01-01T00:00:00Z" }, keep: 1 };
  await using file = await tempNotebook([cell]);
  await runNotebook(file.path, { write: true, kernel: STARTUP });
  const first = await Deno.readTextFile(file.path);
  assertEquals((await readNotebook(file.path)).cells[0].metadata, { keep: 1 });
  await runNotebook(file.path, { write: true, kernel: STARTUP });
  assertEquals(await Deno.readTextFile(file.path), first, "a re-run changes nothing");
});

Deno.test("a display update published after its cell finished lands in the saved notebook", async () => {
  await using file = await tempNotebook([
    code(
      "await Deno.jupyter.display({ 'text/plain': 'before' }, { raw: true, display_id: 'late' });\n" +
        "setTimeout(() => Deno.jupyter.broadcast('update_display_data', " +
        "{ data: { 'text/plain': 'after' }, metadata: {}, transient: { display_id: 'late' } }), 200);",
    ),
    code("await new Promise((resolve) => setTimeout(resolve, 1500)); 'waited'"),
  ]);
  const report = await runNotebook(file.path, { write: true, kernel: STARTUP });
  assert(report.ok, report.failure);
  const saved = await readNotebook(file.path);
  assertEquals(
    text((saved.cells[0].outputs![0].data as Record<string, unknown>)["text/plain"]),
    "after",
  );
});

// --- exit codes ----------------------------------------------------------------------------

Deno.test("the CLI exits 2 when there is no notebook to run, and --help lists the exit codes", async () => {
  const empty = await Deno.makeTempDir({ prefix: "socketlab-no-notebooks-" });
  try {
    const out = await spawnDeno([`${ROOT}lib/runner/cli.ts`], { cwd: empty }).output();
    assertEquals(out.code, 2);
    assertStringIncludes(new TextDecoder().decode(out.stderr), "error: no notebooks to run");
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
  const help: string[] = [];
  assertEquals(await runRunnerCli(["--help"], { stdout: (line) => help.push(line) }), 0);
  for (
    const line of ["0    every notebook", "1    a cell or a notebook failed", "2    usage error"]
  ) {
    assertStringIncludes(help.join("\n"), line);
  }
  assertStringIncludes(
    help.join("\n"),
    "130  interrupted by Ctrl-C (SIGINT); 143 by SIGTERM; 129 by SIGHUP",
  );
});
