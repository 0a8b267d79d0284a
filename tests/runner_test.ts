// Tests of the headless notebook runner (lib/runner/) against the real Deno kernel.
// Every notebook is written by the test into a temporary folder.

import {
  assert,
  assertEquals,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  findNotebooks,
  KernelError,
  KernelSession,
  NotebookError,
  type NotebookReport,
  runNotebook,
  type RunNotebookOptions,
} from "socketlab/runner";
import { createMessage, decodeMessage, encodeMessage } from "../lib/runner/kernel/_message.ts";
import { SignatureError } from "../lib/runner/errors.ts";
import { formatNotebook, parseNotebook, readNotebook } from "../lib/runner/notebook/notebook.ts";
import { OutputCollector } from "../lib/runner/notebook/_outputs.ts";
import { parseRunnerArgs, runRunnerCli } from "../lib/runner/cli.ts";
import {
  assertGone,
  code,
  markdown,
  notebookOf,
  tempFile,
  tempNotebook,
  text,
} from "./fixtures/runner/notebooks.ts";

const STARTUP = 60_000; // generous: the machine is shared

/** Runs a notebook, recording every kernel pid, and checks afterwards that none is left. */
async function run(
  path: string,
  options: RunNotebookOptions = {},
): Promise<NotebookReport> {
  const pids: number[] = [];
  try {
    return await runNotebook(path, {
      ...options,
      kernel: { startupTimeout: STARTUP, ...options.kernel, onSpawn: (pid) => pids.push(pid) },
    });
  } finally {
    assertGone(pids);
  }
}

// --- wire protocol -------------------------------------------------------------------------

Deno.test("decodeMessage accepts a correctly signed message and rejects bad signatures", async () => {
  const key = "the right key";
  const message = createMessage("stream", { name: "stdout", text: "hi\n" }, { session: "s" });
  const frames = await encodeMessage(message, key);
  const decoded = await decodeMessage(frames, key);
  assertEquals(decoded.header, message.header);
  assertEquals(decoded.content, { name: "stdout", text: "hi\n" });

  // Signed with another key.
  await assertRejects(() => decodeMessage(frames, "a wrong key"), SignatureError, "bad HMAC");
  // Content changed after signing.
  const tampered = [...frames];
  tampered[5] = new TextEncoder().encode(JSON.stringify({ name: "stdout", text: "evil\n" }));
  await assertRejects(() => decodeMessage(tampered, key), SignatureError, "bad HMAC");
  // Signature that is not hex, and no signature at all.
  const garbage = [...frames];
  garbage[1] = new TextEncoder().encode("zz");
  await assertRejects(() => decodeMessage(garbage, key), SignatureError, "bad HMAC");
  const unsigned = await encodeMessage(message, "");
  await assertRejects(() => decodeMessage(unsigned, key), SignatureError, "bad HMAC");
  // Not a Jupyter message.
  await assertRejects(
    () => decodeMessage([new TextEncoder().encode("hello")], key),
    SignatureError,
    "<IDS|MSG>",
  );
});

Deno.test("decodeMessage keeps routing identities and buffers", async () => {
  const message = createMessage("comm_msg", {}, { session: "s" });
  message.identities = [new Uint8Array([1, 2, 3])];
  message.buffers = [new Uint8Array([9])];
  const decoded = await decodeMessage(await encodeMessage(message, "k"), "k");
  assertEquals(decoded.identities, [new Uint8Array([1, 2, 3])]);
  assertEquals(decoded.buffers, [new Uint8Array([9])]);
});

Deno.test("a session that cannot verify the kernel's messages rejects them and says so", async () => {
  const pids: number[] = [];
  const rejected: string[] = [];
  try {
    const error = await assertRejects(
      () =>
        KernelSession.start({
          startupTimeout: STARTUP,
          verifyKey: "not the key in the connection file",
          onSpawn: (pid) => pids.push(pid),
          onRejected: (message) => rejected.push(message.channel),
        }),
      KernelError,
    );
    assertStringIncludes(error.message, "rejected");
    assertStringIncludes(error.message, "bad HMAC signature");
    assert(rejected.length > 0, "no message was reported as rejected");
  } finally {
    assertGone(pids);
  }
});

// --- outputs -------------------------------------------------------------------------------

Deno.test("outputs of each kind land in their own cells", async () => {
  await using file = await tempNotebook([
    markdown("# Title\n\nSome *text*."),
    code("console.log('out'); console.error('err');"),
    code("6 * 7"),
    code(
      "await Deno.jupyter.display({ 'text/html': '<b>hi</b>', 'text/plain': 'hi' }, { raw: true });",
    ),
    code("throw new TypeError('expected failure')", ["raises-exception"]),
    code("'after the error'"),
  ]);
  const report = await run(file.path, { write: true, recordTiming: true });
  assert(report.ok, report.failure);
  assertEquals(report.cells.map((cell) => [cell.index, cell.status]), [
    [2, "ok"],
    [3, "ok"],
    [4, "ok"],
    [5, "raised"],
    [6, "ok"],
  ]);
  const nb = await readNotebook(file.path);
  assertEquals(nb.cells[0], { id: "cell-1", ...markdown("# Title\n\nSome *text*.") });
  assertEquals(nb.cells[1].outputs, [
    { output_type: "stream", name: "stdout", text: "out\n" },
    { output_type: "stream", name: "stderr", text: "err\n" },
  ]);
  const [result] = nb.cells[2].outputs!;
  assertEquals(result.output_type, "execute_result");
  assertStringIncludes(text((result.data as Record<string, unknown>)["text/plain"]), "42");
  assertEquals(result.execution_count, nb.cells[2].execution_count);
  assertEquals(nb.cells[3].outputs, [
    {
      output_type: "display_data",
      data: { "text/html": "<b>hi</b>", "text/plain": "hi" },
      metadata: {},
    },
  ]);
  const [error] = nb.cells[4].outputs!;
  assertEquals([error.output_type, error.ename, error.evalue], [
    "error",
    "TypeError",
    "expected failure",
  ]);
  assertStringIncludes(
    text((nb.cells[5].outputs![0].data as Record<string, unknown>)["text/plain"]),
    "after the error",
  );
  // Execution counts are set in order, and nbclient-style timing is recorded.
  assertEquals(nb.cells.slice(1).map((cell) => cell.execution_count), [1, 2, 3, 4, 5]);
  const execution = nb.cells[1].metadata.execution as Record<string, string>;
  assertEquals(Object.keys(execution).sort(), [
    "iopub.execute_input",
    "iopub.status.busy",
    "iopub.status.idle",
    "shell.execute_reply",
  ]);
  for (const date of Object.values(execution)) assert(!Number.isNaN(Date.parse(date)), date);
});

Deno.test("consecutive chunks of the same stream are merged", async () => {
  await using file = await tempNotebook([
    code(
      "for (let i = 0; i < 5; i++) console.log(`line ${i}`);\n" +
        "console.error('oops');\nconsole.log('again');\nconsole.log('and again');",
    ),
  ]);
  const report = await run(file.path);
  assert(report.ok, report.failure);
  assertEquals(report.cells[0].outputs, [
    { output_type: "stream", name: "stdout", text: "line 0\nline 1\nline 2\nline 3\nline 4\n" },
    { output_type: "stream", name: "stderr", text: "oops\n" },
    { output_type: "stream", name: "stdout", text: "again\nand again\n" },
  ]);
});

Deno.test("update_display_data replaces the display with that id, even in an earlier cell", async () => {
  const show = (id: string, value: string) =>
    `await Deno.jupyter.display({ 'text/plain': '${value}' }, { raw: true, display_id: '${id}' });`;
  const update = (id: string, value: string) =>
    `await Deno.jupyter.broadcast('update_display_data', { data: { 'text/plain': '${value}' }, metadata: {}, transient: { display_id: '${id}' } });`;
  await using file = await tempNotebook([
    code(show("progress", "0%") + show("other", "untouched")),
    code(update("progress", "100%") + "console.log('updated');"),
  ]);
  const report = await run(file.path);
  assert(report.ok, report.failure);
  assertEquals(report.notebook.cells[0].outputs, [
    { output_type: "display_data", data: { "text/plain": "100%" }, metadata: {} },
    { output_type: "display_data", data: { "text/plain": "untouched" }, metadata: {} },
  ]);
  assertEquals(report.notebook.cells[1].outputs, [
    { output_type: "stream", name: "stdout", text: "updated\n" },
  ]);
});

Deno.test("clear_output clears at once, or before the next output with wait: true", async () => {
  const clear = (wait: boolean) =>
    `await Deno.jupyter.broadcast('clear_output', { wait: ${wait} });`;
  await using file = await tempNotebook([
    code(`console.log('gone'); ${clear(false)} console.log('kept');`),
    code(`console.log('gone too'); ${clear(true)} console.log('new');`),
    code(`console.log('stays'); ${clear(true)}`),
  ]);
  const report = await run(file.path);
  assert(report.ok, report.failure);
  assertEquals(report.cells.map((cell) => cell.outputs), [
    [{ output_type: "stream", name: "stdout", text: "kept\n" }],
    [{ output_type: "stream", name: "stdout", text: "new\n" }],
    [{ output_type: "stream", name: "stdout", text: "stays\n" }],
  ]);
});

// --- tags ----------------------------------------------------------------------------------

Deno.test("skip-execution leaves the cell as it is and does not run it", async () => {
  const skipped = code("globalThis.ran = true; throw new Error('must not run')", [
    "skip-execution",
  ]);
  const old = [{ output_type: "stream", name: "stdout", text: "old output\n" }];
  skipped.outputs = old;
  skipped.execution_count = 7;
  await using file = await tempNotebook([skipped, code("String(globalThis.ran)")]);
  const report = await run(file.path, { write: true });
  assert(report.ok, report.failure);
  assertEquals(report.cells[0].status, "skipped");
  const nb = await readNotebook(file.path);
  assertEquals(nb.cells[0].outputs, old);
  assertEquals(nb.cells[0].execution_count, 7);
  assertEquals(nb.cells[0].metadata, { tags: ["skip-execution"] });
  assertStringIncludes(
    text((nb.cells[1].outputs![0].data as Record<string, unknown>)["text/plain"]),
    "undefined",
  );
});

Deno.test("raises-exception: an error is expected, and its absence fails the run", async () => {
  await using file = await tempNotebook([
    code("throw new RangeError('fine')", ["raises-exception"]),
    code("1 + 1", ["raises-exception"]),
    code("'never reached'"),
  ]);
  const report = await run(file.path);
  assertEquals(report.ok, false);
  assertEquals(report.cells.map((cell) => cell.status), ["raised", "no-error", "not-run"]);
  assertEquals(report.errors, 1);
  assertStringIncludes(report.failure!, "cell 2");
  assertStringIncludes(report.failure!, "raised no error");
  assertEquals(report.notebook.cells[2].outputs, []);
});

Deno.test("an unexpected error stops the notebook and fails the run", async () => {
  await using file = await tempNotebook([
    code("console.log('first')"),
    markdown("between"),
    code("throw new Error('boom')"),
    code("console.log('never')"),
  ]);
  const report = await run(file.path);
  assertEquals(report.ok, false);
  assertEquals(report.cells.map((cell) => cell.status), ["ok", "error", "not-run"]);
  assertEquals(report.failure, "cell 3: Error: boom");
  assertEquals(report.notebook.cells[3].outputs, []);
  assertEquals(report.notebook.cells[3].execution_count, null);
});

// --- time-outs and dead kernels ------------------------------------------------------------

Deno.test("a cell that runs past the timeout kills the kernel and is reported", async () => {
  await using file = await tempNotebook([
    code("console.log('before')"),
    code("console.log('started'); await new Promise((resolve) => setTimeout(resolve, 600_000));"),
    code("console.log('never')"),
  ]);
  const report = await run(file.path, { timeout: 1500 });
  assertEquals(report.ok, false);
  assertEquals(report.cells.map((cell) => cell.status), ["ok", "timeout", "not-run"]);
  assertStringIncludes(report.failure!, "cell 2");
  assertStringIncludes(report.failure!, "did not finish within 1.5 s");
  const outputs = report.notebook.cells[1].outputs!;
  assertEquals(outputs[0], { output_type: "stream", name: "stdout", text: "started\n" });
  assertEquals(outputs[1].output_type, "error");
  assertEquals(outputs[1].ename, "CellTimeoutError");
});

Deno.test("a cell that ends the kernel with Deno.exit(3) is reported as a dead kernel", async () => {
  await using file = await tempNotebook([
    code("console.log('alive')"),
    code("Deno.exit(3)"),
    code("console.log('never')"),
  ]);
  const report = await run(file.path);
  assertEquals(report.ok, false);
  assertEquals(report.cells.map((cell) => cell.status), ["ok", "dead", "not-run"]);
  assertStringIncludes(report.failure!, "cell 2");
  assertStringIncludes(report.failure!, "exit code 3");
  const last = report.notebook.cells[1].outputs!.at(-1)!;
  assertEquals(last.ename, "DeadKernelError");
});

Deno.test("aborting a run kills the kernel and rejects with the reason", async () => {
  await using file = await tempNotebook([
    code("await new Promise((resolve) => setTimeout(resolve, 600_000));"),
  ]);
  const controller = new AbortController();
  const pids: number[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await assertRejects(
      () =>
        runNotebook(file.path, {
          signal: controller.signal,
          timeout: 600_000,
          kernel: {
            startupTimeout: STARTUP,
            onSpawn: (pid) => {
              pids.push(pid);
              timer = setTimeout(() => controller.abort(new Error("stop now")), 2000);
            },
          },
        }),
      Error,
      "stop now",
    );
  } finally {
    clearTimeout(timer);
    assertGone(pids);
  }
});

Deno.test("rerun executes the notebook twice in the same kernel", async () => {
  await using file = await tempNotebook([
    code("let runs = (globalThis.runs ?? 0) + 1;\nglobalThis.runs = runs;"),
    code("console.log(`run ${runs}`)"),
  ]);
  const report = await run(file.path, { rerun: true });
  assert(report.ok, report.failure);
  assertEquals(report.passes, 2);
  assertEquals(report.cells.map((cell) => cell.pass), [2, 2]);
  assertEquals(report.cells[1].outputs, [{
    output_type: "stream",
    name: "stdout",
    text: "run 2\n",
  }]);
  assertEquals(report.cells.map((cell) => cell.executionCount), [3, 4]);
});

// --- notebook files ------------------------------------------------------------------------

Deno.test("malformed, non-v4 and incomplete notebooks give clear errors", async () => {
  assertThrows(
    () => parseNotebook('{"nbformat": 4, "cells": [}', "x.ipynb"),
    NotebookError,
    "x.ipynb: not valid JSON (",
  );
  assertThrows(
    () => parseNotebook('{"nbformat": 3, "nbformat_minor": 0, "worksheets": []}', "old.ipynb"),
    NotebookError,
    "old.ipynb: nbformat 3 is not supported; expected nbformat 4",
  );
  assertThrows(
    () => parseNotebook("[]", "a.ipynb"),
    NotebookError,
    "a.ipynb: expected a JSON object",
  );
  assertThrows(
    () =>
      parseNotebook(
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            { cell_type: "markdown", metadata: {}, source: "" },
            { cell_type: "markdown", metadata: {}, source: "" },
            { cell_type: "code", metadata: {}, outputs: [] },
          ],
        }),
        "b.ipynb",
      ),
    NotebookError,
    'b.ipynb: cell 3 has no "source"',
  );
  assertThrows(
    () =>
      parseNotebook(
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [{ cell_type: "pic", source: "" }],
        }),
        "c.ipynb",
      ),
    NotebookError,
    'cell 1 has cell_type "pic"',
  );
  await using malformed = await tempFile("{ not json");
  await assertRejects(() => runNotebook(malformed.path), NotebookError, "not valid JSON");
  await using v3 = await tempFile('{"nbformat": 3, "nbformat_minor": 0}');
  await assertRejects(() => runNotebook(v3.path), NotebookError, "nbformat 3 is not supported");
  await assertRejects(
    () => runNotebook(`${malformed.dir}/missing.ipynb`),
    NotebookError,
    "missing.ipynb: no such file",
  );
});

Deno.test("a kernel that will not start gives a clear error and leaves no process", async () => {
  await using file = await tempNotebook([code("1")]);
  const pids: number[] = [];
  await assertRejects(
    () =>
      runNotebook(file.path, { kernel: { execPath: "false", onSpawn: (pid) => pids.push(pid) } }),
    KernelError,
    "the kernel exited with code 1 before it answered kernel_info_request",
  );
  assertGone(pids);
  await assertRejects(
    () => runNotebook(file.path, { kernel: { execPath: `${file.dir}/no-such-deno` } }),
    KernelError,
    "could not start the kernel",
  );
});

Deno.test("notebooks are written like Jupyter and unchanged fields survive", () => {
  const jupyter = `{
 "cells": [
  {
   "attachments": {
    "a.png": {
     "image/png": "iVBORw0KGgo="
    }
   },
   "cell_type": "markdown",
   "id": "3f2a",
   "metadata": {
    "slideshow": {
     "slide_type": "slide"
    }
   },
   "source": [
    "# 标题\\n",
    "\\n",
    "![a](attachment:a.png)"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "9b1c",
   "metadata": {
    "collapsed": false
   },
   "outputs": [
    {
     "data": {
      "application/json": {
       "a": [
        1,
        2
       ]
      },
      "text/plain": [
       "line 1\\n",
       "line 2"
      ]
     },
     "execution_count": 1,
     "metadata": {},
     "output_type": "execute_result"
    }
   ],
   "source": []
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "Deno",
   "language": "typescript",
   "name": "deno"
  },
  "zeta": true
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;
  const notebook = parseNotebook(jupyter, "j.ipynb");
  assertEquals(notebook.cells[0].source, "# 标题\n\n![a](attachment:a.png)");
  assertEquals(notebook.cells[1].source, "");
  assertEquals(
    (notebook.cells[1].outputs![0].data as Record<string, unknown>)["text/plain"],
    "line 1\nline 2",
  );
  assertEquals(formatNotebook(notebook), jupyter);
});

Deno.test("stream text and sources are split into lines like Python's splitlines", () => {
  const notebook = notebookOf([code("a\r\nb\rc\n")]);
  notebook.cells[0].outputs = [{ output_type: "stream", name: "stdout", text: "x\ny\n" }];
  const json = JSON.parse(formatNotebook(notebook));
  assertEquals(json.cells[0].source, ["a\r\n", "b\r", "c\n"]);
  assertEquals(json.cells[0].outputs[0].text, ["x\n", "y\n"]);
  assertEquals(parseNotebook(formatNotebook(notebook), "n").cells[0].source, "a\r\nb\rc\n");
});

Deno.test("OutputCollector ignores updates for unknown display ids", () => {
  const collector = new OutputCollector();
  collector.add(createMessage("update_display_data", {
    data: { "text/plain": "x" },
    metadata: {},
    transient: { display_id: "nobody" },
  }, { session: "s" }));
  assertEquals(collector.outputs, []);
});

Deno.test("findNotebooks lists exactly the .ipynb files of a folder, sorted", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["b.ipynb", "a.ipynb", "notes.md", "a.ipynb.bak"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "{}");
    }
    await Deno.mkdir(`${dir}/.ipynb_checkpoints`);
    await Deno.writeTextFile(`${dir}/.ipynb_checkpoints/a-checkpoint.ipynb`, "{}");
    await Deno.mkdir(`${dir}/folder.ipynb`);
    assertEquals(await findNotebooks(dir), [`${dir}/a.ipynb`, `${dir}/b.ipynb`]);
    assertEquals(await findNotebooks(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// --- CLI -----------------------------------------------------------------------------------

Deno.test("parseRunnerArgs reads options and rejects bad ones clearly", () => {
  const defaults = {
    paths: [],
    check: false,
    rerun: false,
    timeout: 60_000,
    jobs: navigator.hardwareConcurrency,
    allowErrors: false,
    recordTiming: false,
    anyKernel: false,
    help: false,
  };
  assertEquals(parseRunnerArgs([]), defaults);
  assertEquals(parseRunnerArgs(["--rerun", "--timeout=2.5", "x.ipynb", "--check"]), {
    ...defaults,
    paths: ["x.ipynb"],
    check: true,
    rerun: true,
    timeout: 2500,
  });
  assertEquals(
    parseRunnerArgs(["-j", "3", "--allow-errors", "--record-timing", "--any-kernel", "--", "-x"]),
    {
      ...defaults,
      paths: ["-x"],
      jobs: 3,
      allowErrors: true,
      recordTiming: true,
      anyKernel: true,
    },
  );
  assertEquals(parseRunnerArgs(["--jobs=5"]).jobs, 5);
  assertThrows(() => parseRunnerArgs(["--timeout", "0"]), TypeError, 'got "0"');
  assertThrows(() => parseRunnerArgs(["--timeout"]), TypeError, "got null");
  assertThrows(
    () => parseRunnerArgs(["--jobs", "1.5"]),
    TypeError,
    "--jobs must be a whole number",
  );
  assertThrows(() => parseRunnerArgs(["--fast"]), TypeError, "unknown option --fast");
  assertThrows(() => parseRunnerArgs(["--check=yes"]), TypeError, "unknown option --check=yes");
});

Deno.test("the CLI prints progress and a summary, writes in place, and --check does not", async () => {
  await using file = await tempNotebook([
    markdown("intro"),
    code("console.log('hi')"),
    code("2 + 2"),
  ]);
  const before = await Deno.readTextFile(file.path);
  const out: string[] = [];
  const err: string[] = [];
  const io = { stdout: (line: string) => out.push(line), stderr: (line: string) => err.push(line) };

  assertEquals(await runRunnerCli(["--check", file.path], io), 0);
  assertMatch(err[0], /^\[01\/02\] test\.ipynb cell 2 {2}ok {2}\d+ ms$/);
  assertMatch(err[1], /^\[02\/02\] test\.ipynb cell 3 {2}ok {2}\d+ ms$/);
  const table = out.join("\n").split("\n");
  assertMatch(table[0], /^notebook\s+cells\s+errors\s+seconds$/);
  assertMatch(table[1], /^test\.ipynb\s+2\s+0\s+\d+\.\d$/);
  assertMatch(table[2], /^total\s+2\s+0\s+\d+\.\d$/);
  assertEquals(await Deno.readTextFile(file.path), before, "--check must not write");

  assertEquals(await runRunnerCli([file.path], { stdout: () => {}, stderr: () => {} }), 0);
  const after = await readNotebook(file.path);
  assertNotEquals(await Deno.readTextFile(file.path), before);
  assertEquals(after.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: "hi\n" }]);
});

Deno.test("the CLI exits non-zero with one-line errors on failures", async () => {
  await using failing = await tempNotebook([code("throw new Error('bad')")]);
  await using malformed = await tempFile("{", "broken.ipynb");
  const err: string[] = [];
  const io = { stdout: () => {}, stderr: (line: string) => err.push(line) };
  const status = await runRunnerCli(
    ["--check", failing.path, malformed.path, `${malformed.dir}/nope.ipynb`],
    io,
  );
  assertEquals(status, 1);
  assert(err.some((line) => line === `FAILED ${failing.path}: cell 1: Error: bad`), err.join("\n"));
  assert(
    err.some((line) => line.startsWith(`error: ${malformed.path}: not valid JSON (`)),
    err.join("\n"),
  );
  assert(err.includes(`error: ${malformed.dir}/nope.ipynb: no such file`), err.join("\n"));
  for (const line of err) assert(!line.includes("\n"), `not one line: ${line}`);
  assertEquals(await runRunnerCli(["--nope"], io), 2);
  assertStringIncludes(err.at(-1)!, "error: unknown option --nope; expected --check, --jobs N");
});
