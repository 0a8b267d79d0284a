/**
 * The runner's notebook files (lib/runner/notebook.ts): what tests/runner_test.ts
 * does not check. Mime bundles (JSON kept as values, which types are split
 * into lines), raw cells, defaults, every validation message, attachments,
 * unknown fields, the exact file layout, Python's splitlines, round trips,
 * and reading and writing files.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  type Cell,
  formatNotebook,
  type Notebook,
  parseNotebook,
  readNotebook,
  writeNotebook,
} from "../lib/runner/notebook/notebook.ts";
import { NotebookError } from "../lib/runner/errors.ts";

// --- helpers -----------------------------------------------------------------------------

type Json = Record<string, unknown>;

/** The text of a v4 notebook file holding `cells`, with `top` merged into the top level. */
function file(cells: unknown[], top: Json = {}): string {
  return JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells, ...top });
}

/** Parses a notebook given as a plain object (the file's JSON). */
function parse(cells: unknown[], top: Json = {}): Notebook {
  return parseNotebook(file(cells, top), "t.ipynb");
}

/** Parses a notebook file of one code cell holding `outputs` (and this execution count). */
function parseOutputs(outputs: Json[], executionCount?: number): Notebook {
  const count = executionCount === undefined ? {} : { execution_count: executionCount };
  return parse([{ cell_type: "code", source: "", metadata: {}, ...count, outputs }]);
}

/** What `formatNotebook` writes, read back as plain JSON. */
function written(notebook: Notebook): Json {
  return JSON.parse(formatNotebook(notebook));
}

/** A notebook in memory holding `cells`. */
function notebookOf(...cells: Cell[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

/** A code cell in memory with these outputs. */
function codeWith(...outputs: Json[]): Cell {
  return {
    cell_type: "code",
    source: "",
    metadata: {},
    outputs: outputs as Cell["outputs"],
    execution_count: 1,
  };
}

/** The outputs of the first cell of a notebook (in memory or as written). */
function outputsOf(notebook: Notebook | Json): Json[] {
  return (notebook.cells as Json[])[0].outputs as Json[];
}

/** Asserts that parsing `text` throws a NotebookError with exactly `message`. */
function assertRefused(text: string, message: string): void {
  const error = assertThrows(() => parseNotebook(text, "x.ipynb"), NotebookError);
  assertEquals(error.message, message);
}

/** A temporary folder, removed on dispose. */
async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "socketlab-notebook-file-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

// --- mime bundles ------------------------------------------------------------------------

Deno.test("application/json and application/*+json values are kept as they are", () => {
  const data = {
    "application/json": { a: ["x\n", "y"], b: 1 },
    "application/vnd.dataresource+json": ["a\n", "b"],
    "application/geo+json": "a\nb",
    "text/plain": ["1\n", "2"],
    "application/x-thing": ["p\n", "q"],
    "text/vnd.x+json": ["r\n", "s"],
  };
  const notebook = parseOutputs([
    { output_type: "execute_result", execution_count: 1, metadata: {}, data },
  ], 1);
  assertEquals(outputsOf(notebook)[0].data, {
    "application/json": { a: ["x\n", "y"], b: 1 },
    "application/vnd.dataresource+json": ["a\n", "b"], // a JSON value, not lines
    "application/geo+json": "a\nb",
    "text/plain": "1\n2",
    "application/x-thing": "p\nq", // not JSON: lines joined
    "text/vnd.x+json": "r\ns", // only application/*+json is JSON
  });
  assertEquals(outputsOf(written(notebook))[0].data, {
    "application/geo+json": "a\nb", // a JSON string is not split either
    "application/json": { a: ["x\n", "y"], b: 1 },
    "application/vnd.dataresource+json": ["a\n", "b"],
    "application/x-thing": "p\nq", // neither text/* nor a split type
    "text/plain": ["1\n", "2"],
    "text/vnd.x+json": ["r\n", "s"],
  });
  // A JSON list of strings under application/json is a value, not lines.
  const list = parseOutputs([
    { output_type: "display_data", metadata: {}, data: { "application/json": ["a", "b"] } },
  ]);
  assertEquals(outputsOf(list)[0].data, { "application/json": ["a", "b"] });
  assertEquals(outputsOf(written(list))[0].data, { "application/json": ["a", "b"] });
});

Deno.test("display_data and execute_result bundles are joined on read and split on write", () => {
  const bundle = (kind: string) => ({
    output_type: kind,
    metadata: { "text/html": { isolated: true } },
    data: { "text/html": ["<b>\n", "x</b>"], "text/plain": "plain\ntext" },
    ...(kind === "execute_result" ? { execution_count: 2 } : {}),
  });
  const notebook = parseOutputs([bundle("display_data"), bundle("execute_result")], 2);
  for (const output of outputsOf(notebook)) {
    assertEquals(
      output.data,
      { "text/html": "<b>\nx</b>", "text/plain": "plain\ntext" },
      `${output.output_type} in memory`,
    );
    assertEquals(output.metadata, { "text/html": { isolated: true } }, "metadata untouched");
  }
  for (const output of outputsOf(written(notebook))) {
    assertEquals(
      output.data,
      { "text/html": ["<b>\n", "x</b>"], "text/plain": ["plain\n", "text"] },
      `${output.output_type} as written`,
    );
  }
});

Deno.test("stream text is joined; error tracebacks and other outputs stay as they are", () => {
  const notebook = parseOutputs([
    { output_type: "stream", name: "stdout", text: ["a\n", "b"] },
    {
      output_type: "error",
      ename: "Error",
      evalue: "x\ny",
      traceback: ["line 1\n", "line 2"],
    },
    { output_type: "display_data", metadata: {}, data: "not a bundle" },
    { output_type: "display_data", metadata: {}, data: { "text/plain": ["a", 1] } },
  ], 1);
  const outputs = outputsOf(notebook);
  assertEquals(outputs[0].text, "a\nb");
  assertEquals(outputs[1].traceback, ["line 1\n", "line 2"], "a traceback is a list of frames");
  assertEquals(outputs[2].data, "not a bundle");
  assertEquals(outputs[3].data, { "text/plain": ["a", 1] }, "a list with a non-string is kept");
  const out = outputsOf(written(notebook));
  assertEquals(out[0].text, ["a\n", "b"]);
  assertEquals(out[1].traceback, ["line 1\n", "line 2"]);
  assertEquals(out[1].evalue, "x\ny", "evalue is a plain string, never split");
  assertEquals(out[2].data, "not a bundle");
});

Deno.test("image/svg+xml, application/javascript and text/* are split on write, image/png not", () => {
  const notebook = notebookOf(codeWith({
    output_type: "display_data",
    metadata: {},
    data: {
      "image/svg+xml": "<svg>\n<g/>\n</svg>\n",
      "application/javascript": "a();\nb();",
      "image/png": "iVBO\nRw==\n",
      "application/pdf": "%PDF\nx",
      "text/markdown": "# h\nx",
    },
  }));
  assertEquals(outputsOf(written(notebook))[0].data, {
    "application/javascript": ["a();\n", "b();"],
    "application/pdf": "%PDF\nx",
    "image/png": "iVBO\nRw==\n",
    "image/svg+xml": ["<svg>\n", "<g/>\n", "</svg>\n"],
    "text/markdown": ["# h\n", "x"],
  });
  // Base64 stored as lines (older notebooks) is joined, and written back as one string.
  const png = parseOutputs([
    { output_type: "display_data", metadata: {}, data: { "image/png": ["iVBO", "Rw=="] } },
  ]);
  assertEquals(outputsOf(png)[0].data, { "image/png": "iVBORw==" });
  assertEquals(outputsOf(written(png))[0].data, { "image/png": "iVBORw==" });
});

Deno.test("attachments are mime bundles too", () => {
  const attachments = {
    "a.svg": { "image/svg+xml": ["<svg>\n", "</svg>"] },
    "b.png": { "image/png": ["iVBO", "Rw=="] },
    "c.json": { "application/json": { k: ["v\n", "w"] } },
    "d.odd": "not a bundle",
  };
  const notebook = parse([
    { cell_type: "markdown", metadata: {}, source: "![a](attachment:a.svg)", attachments },
    { cell_type: "raw", metadata: {}, source: "", attachments: null },
  ]);
  assertEquals(notebook.cells[0].attachments, {
    "a.svg": { "image/svg+xml": "<svg>\n</svg>" },
    "b.png": { "image/png": "iVBORw==" },
    "c.json": { "application/json": { k: ["v\n", "w"] } },
    "d.odd": "not a bundle",
  });
  assertEquals(notebook.cells[1].attachments, null, "attachments that are not an object are kept");
  const out = written(notebook).cells as Json[];
  assertEquals(out[0].attachments, {
    "a.svg": { "image/svg+xml": ["<svg>\n", "</svg>"] },
    "b.png": { "image/png": "iVBORw==" },
    "c.json": { "application/json": { k: ["v\n", "w"] } },
    "d.odd": "not a bundle",
  });
  assertEquals(out[1].attachments, null);
});

// --- cells and defaults ------------------------------------------------------------------

Deno.test("raw and markdown cells get metadata but never outputs or an execution count", () => {
  const notebook = parse([
    { cell_type: "raw", metadata: { format: "text/x-rst" }, source: ["a\n", "b"] },
    { cell_type: "markdown", source: "# t" },
  ]);
  assertEquals(notebook.cells, [
    { cell_type: "raw", metadata: { format: "text/x-rst" }, source: "a\nb" },
    { cell_type: "markdown", metadata: {}, source: "# t" },
  ]);
  assertEquals(written(notebook).cells, [
    { cell_type: "raw", metadata: { format: "text/x-rst" }, source: ["a\n", "b"] },
    { cell_type: "markdown", metadata: {}, source: ["# t"] },
  ]);
});

Deno.test("code cells without metadata, outputs or execution count get the defaults", () => {
  const notebook = parse([
    { cell_type: "code", source: "a" },
    { cell_type: "code", source: "b", execution_count: 0, metadata: { tags: ["x"] }, outputs: [] },
    { cell_type: "code", source: "c", execution_count: 7, outputs: [] },
  ]);
  assertEquals(notebook.cells, [
    { cell_type: "code", source: "a", metadata: {}, outputs: [], execution_count: null },
    { cell_type: "code", source: "b", metadata: { tags: ["x"] }, outputs: [], execution_count: 0 },
    { cell_type: "code", source: "c", metadata: {}, outputs: [], execution_count: 7 },
  ]);
});

Deno.test("a notebook without metadata or nbformat_minor gets {} and 0", () => {
  const notebook = parseNotebook(
    JSON.stringify({ nbformat: 4, cells: [{ cell_type: "markdown", source: "" }] }),
    "t.ipynb",
  );
  assertEquals(notebook.metadata, {});
  assertEquals(notebook.nbformat_minor, 0);
  assertEquals(written(notebook).metadata, {});
  assertEquals(written(notebook).nbformat_minor, 0);
  assertEquals(parse([], { nbformat_minor: "5" }).nbformat_minor, 0, "not a number: 0");
  assertEquals(parse([], { nbformat_minor: 2 }).nbformat_minor, 2);
  assertEquals(parse([], { metadata: { a: 1 } }).metadata, { a: 1 });
});

Deno.test("unknown fields are kept everywhere", () => {
  const notebook = parse([{
    cell_type: "code",
    id: "c1",
    x_cell: [1, { b: 2 }],
    source: "",
    metadata: { deep: { x: [1] } },
    execution_count: null,
    outputs: [{ output_type: "stream", name: "stderr", text: "e", x_out: true }],
  }], { x_top: { a: null }, metadata: { kernelspec: { name: "deno" } } });
  assertEquals(notebook.x_top, { a: null });
  assertEquals(notebook.cells[0].id, "c1");
  assertEquals(notebook.cells[0].x_cell, [1, { b: 2 }]);
  assertEquals(outputsOf(notebook)[0].x_out, true);
  const out = written(notebook);
  assertEquals(out.x_top, { a: null });
  assertEquals(out.metadata, { kernelspec: { name: "deno" } });
  assertEquals((out.cells as Json[])[0], {
    cell_type: "code",
    execution_count: null,
    id: "c1",
    metadata: { deep: { x: [1] } },
    outputs: [{ name: "stderr", output_type: "stream", text: ["e"], x_out: true }],
    source: [],
    x_cell: [1, { b: 2 }],
  });
});

// --- refused notebooks -------------------------------------------------------------------

Deno.test("other nbformat versions are refused with a clear message", () => {
  const hint = "expected nbformat 4 (convert it with Jupyter first)";
  assertRefused(file([], { nbformat: 5 }), `x.ipynb: nbformat 5 is not supported; ${hint}`);
  assertRefused(file([], { nbformat: 3 }), `x.ipynb: nbformat 3 is not supported; ${hint}`);
  assertRefused(file([], { nbformat: "4" }), `x.ipynb: nbformat "4" is not supported; ${hint}`);
  assertRefused('{"cells": []}', `x.ipynb: nbformat null is not supported; ${hint}`);
  for (const text of ["null", "4", '"nb"']) {
    assertRefused(text, 'x.ipynb: expected a JSON object with "nbformat" and "cells"');
  }
  const error = assertThrows(() => parseNotebook("{", "x.ipynb"), NotebookError);
  assert(error.message.startsWith("x.ipynb: not valid JSON ("), error.message);
  assertInstanceOf(error.cause, SyntaxError);
});

Deno.test("malformed cells are refused, naming the cell", () => {
  assertRefused(file([], { cells: { a: 1 } }), 'x.ipynb: "cells" must be an array, got {"a":1}');
  assertRefused('{"nbformat": 4}', 'x.ipynb: "cells" must be an array, got undefined');
  for (const metadata of [[], null, "m"]) {
    assertRefused(file([], { metadata }), 'x.ipynb: "metadata" must be an object');
  }
  const md = { cell_type: "markdown", source: "" };
  for (const cell of [null, [], 5]) {
    assertRefused(file([md, cell]), "x.ipynb: cell 2 is not an object");
  }
  assertRefused(
    file([{ source: "" }]),
    'x.ipynb: cell 1 has cell_type undefined; expected "code", "markdown" or "raw"',
  );
  for (const source of [5, ["a", 1], null, { a: "b" }]) {
    assertRefused(
      file([md, { cell_type: "markdown", source }]),
      'x.ipynb: cell 2: "source" must be a string or a list of strings',
    );
  }
  assertRefused(file([{ cell_type: "raw" }]), 'x.ipynb: cell 1 has no "source"');
  for (const metadata of [[], "m", null]) {
    assertRefused(
      file([md, md, { cell_type: "markdown", source: "", metadata }]),
      'x.ipynb: cell 3: "metadata" must be an object',
    );
  }
});

Deno.test("code cells with bad outputs are refused", () => {
  for (const outputs of [{}, "x", null]) {
    assertRefused(
      file([{ cell_type: "code", source: "", outputs }]),
      'x.ipynb: cell 1: "outputs" must be an array',
    );
  }
  for (const output of [{}, { output_type: 3 }, null, "stream", ["stream"]]) {
    assertRefused(
      file([{
        cell_type: "code",
        source: "",
        outputs: [{ output_type: "stream", text: "" }, output],
      }]),
      'x.ipynb: cell 1 has an output without "output_type"',
    );
  }
});

// --- the file's layout -------------------------------------------------------------------

Deno.test("files are written with sorted keys, one-space indentation and a final newline", () => {
  const notebook: Notebook = {
    nbformat_minor: 5,
    nbformat: 4,
    metadata: { b: 1, a: { d: [{ z: 1, y: 2 }], c: {} }, B: [] },
    cells: [{
      source: "x = 1\nx",
      metadata: {},
      cell_type: "code",
      outputs: [],
      execution_count: 3,
    }],
  };
  assertEquals(
    formatNotebook(notebook),
    `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {},
   "outputs": [],
   "source": [
    "x = 1\\n",
    "x"
   ]
  }
 ],
 "metadata": {
  "B": [],
  "a": {
   "c": {},
   "d": [
    {
     "y": 2,
     "z": 1
    }
   ]
  },
  "b": 1
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`,
  );
  assertEquals(notebook.cells[0].source, "x = 1\nx", "the notebook in memory is not changed");
});

Deno.test("lines are split like Python's str.splitlines(keepends=True)", () => {
  const cases: [string, string[]][] = [
    ["", []],
    ["abc", ["abc"]],
    ["a\n", ["a\n"]],
    ["\n\n", ["\n", "\n"]],
    ["a\r\nb\rc\vd\fe", ["a\r\n", "b\r", "c\v", "d\f", "e"]],
    ["\r\r\n\n", ["\r", "\r\n", "\n"]],
    ["f\x1cg\x1dh\x1ei", ["f\x1c", "g\x1d", "h\x1e", "i"]],
    ["j\x85k\u2028l\u2029m", ["j\x85", "k\u2028", "l\u2029", "m"]],
    // Not line boundaries: tab, unit separator, escape, shift-out, NEL's neighbours.
    ["t\tu\x1fv\x1bw\x0ex\x84y\x86z", ["t\tu\x1fv\x1bw\x0ex\x84y\x86z"]],
  ];
  for (const [text, lines] of cases) {
    const notebook = notebookOf(
      { cell_type: "markdown", source: text, metadata: {} },
      codeWith(
        { output_type: "stream", name: "stdout", text },
        { output_type: "display_data", metadata: {}, data: { "text/plain": text } },
      ),
    );
    const out = written(notebook);
    const [markdown, code] = out.cells as Json[];
    assertEquals(markdown.source, lines, JSON.stringify(text));
    const [stream, display] = code.outputs as Json[];
    assertEquals(stream.text, lines, `stream ${JSON.stringify(text)}`);
    assertEquals(display.data, { "text/plain": lines }, `text/plain ${JSON.stringify(text)}`);
    // Reading the lines back gives the text again.
    const back = parseNotebook(formatNotebook(notebook), "t.ipynb");
    assertEquals(back.cells[0].source, text, `back ${JSON.stringify(text)}`);
    assertEquals(outputsOf({ cells: [back.cells[1]] })[0].text, text);
  }
});

Deno.test("parse → format → parse is stable, and so is the file text", () => {
  const text = file([
    {
      cell_type: "markdown",
      id: "m",
      metadata: {},
      source: ["# Title é\r\n", "\u2028", "end"],
      attachments: { "a.svg": { "image/svg+xml": ["<svg/>\n"] } },
    },
    {
      cell_type: "code",
      id: "c",
      metadata: { tags: ["t"] },
      execution_count: 4,
      source: "a\rb\n",
      outputs: [
        { output_type: "stream", name: "stdout", text: ["1\n", "2\n"] },
        {
          output_type: "execute_result",
          execution_count: 4,
          metadata: {},
          data: {
            "text/plain": ["x\n", "y"],
            "application/json": { k: [1, "a\nb"] },
            "image/png": "iVBORw==",
          },
        },
        { output_type: "error", ename: "E", evalue: "v", traceback: ["t\n", "u"] },
      ],
    },
    { cell_type: "raw", metadata: {}, source: [] },
  ], { x_top: 1 });
  const first = parseNotebook(text, "t.ipynb");
  const formatted = formatNotebook(first);
  const second = parseNotebook(formatted, "t.ipynb");
  assertEquals(second, first);
  assertEquals(formatNotebook(second), formatted);
  assertEquals(first.cells[0].source, "# Title é\r\n\u2028end");
});

// --- files -------------------------------------------------------------------------------

Deno.test("writeNotebook writes formatNotebook's text; readNotebook reads it back", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/n.ipynb`;
  const notebook = notebookOf(
    { cell_type: "markdown", source: "# a\nb", metadata: {} },
    codeWith({ output_type: "stream", name: "stdout", text: "x\ny\n" }),
  );
  await writeNotebook(path, notebook);
  assertEquals(await Deno.readTextFile(path), formatNotebook(notebook));
  assertEquals(await readNotebook(path), notebook);
  // Writing again replaces the file.
  await writeNotebook(path, notebookOf());
  assertEquals(await readNotebook(path), notebookOf());
});

Deno.test("readNotebook names the path in every error", async () => {
  await using dir = await tempDir();
  const missing = `${dir.path}/missing.ipynb`;
  const gone = await assertRejects(() => readNotebook(missing), NotebookError);
  assertEquals(gone.message, `${missing}: no such file`);
  assertInstanceOf(gone.cause, Deno.errors.NotFound);

  const folder = await assertRejects(() => readNotebook(dir.path), NotebookError);
  assertEquals(folder.message, `${dir.path}: is a directory, expected an .ipynb file`);
  assertInstanceOf(folder.cause, Deno.errors.IsADirectory);

  const plain = `${dir.path}/plain.txt`;
  await Deno.writeTextFile(plain, "x");
  const under = `${plain}/n.ipynb`;
  const other = await assertRejects(() => readNotebook(under), NotebookError);
  assert(
    other.message.startsWith(`${under}: cannot be read (Not a directory`),
    `the OS's reason is given: ${other.message}`,
  );
  assertInstanceOf(other.cause, Deno.errors.NotADirectory);

  const bad = `${dir.path}/bad.ipynb`;
  await Deno.writeTextFile(bad, '{"nbformat": 3}');
  const refused = await assertRejects(() => readNotebook(bad), NotebookError);
  assert(refused.message.startsWith(`${bad}: nbformat 3 is not supported`), refused.message);
});
