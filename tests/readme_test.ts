/**
 * README.md's table "The notes' API, cell by cell" against the committed
 * notebooks: every row points at code cells that exist (by the execution count
 * a reader sees beside them) and that run what the row names.
 */

import { assert, assertEquals, assertGreater } from "@std/assert";
import { type Cell, readNotebook } from "../lib/runner/notebook/notebook.ts";

const README = new URL("../README.md", import.meta.url);
const NOTEBOOKS = new URL("../notebooks/", import.meta.url);
const HEADING = "## The notes' API, cell by cell";

/** One row of the table: what the notes document, where it runs. */
interface Row {
  api: string;
  notebook: string;
  counts: number[];
}

/** The table's rows, read from the README section under {@linkcode HEADING}. */
function tableRows(readme: string): Row[] {
  const start = readme.indexOf(HEADING);
  assert(start >= 0, `README.md has no section "${HEADING}"`);
  const section = readme.slice(start).split("\n## ")[0];
  return section.split("\n")
    .filter((line) => line.startsWith("| ") && !/^\| (API of the notes|-)/.test(line))
    .map((line) => {
      const [api, notebook, cells] = line.slice(2, -2).split(" | ").map((c) => c.trim());
      const name = notebook.match(/\[(\d\d_\w+)\]\(notebooks\/\1\.ipynb\)/)?.[1];
      assert(name !== undefined, `row "${api}": the notebook column is not a link: ${notebook}`);
      const counts = [...cells.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
      return { api, notebook: name, counts };
    });
}

/**
 * What a row promises its cells run, as patterns: every identifier called in
 * its code spans (`x.listen(...)` → a call of `listen`) and every quoted event
 * (`"data"` → the string `"data"`). A row naming neither falls back to the
 * words of its code spans, one of which must appear.
 */
function promisesOf(api: string): { all: RegExp[]; any: string[] } {
  const spans = [...api.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  const all = spans.flatMap((span) => [
    ...[...span.matchAll(/(\w+)\s*\(/g)].map((m) => new RegExp(`\\b${m[1]}\\s*\\(`)),
    ...[...span.matchAll(/["'](\w+)["']/g)].map((m) => new RegExp(`["'\`]${m[1]}["'\`]`)),
  ]);
  const any = spans.flatMap((span) => span.match(/\w+/g) ?? []);
  return { all, any };
}

/** The source of the code cell shown as `[count]`, or undefined. */
function cellShownAs(cells: Cell[], count: number): string | undefined {
  const cell = cells.find((c) => c.cell_type === "code" && c.execution_count === count);
  return cell === undefined ? undefined : cell.source;
}

/** What is wrong with one row, given its notebook's cells: nothing when empty. */
function rowProblems(row: Row, cells: Cell[]): string[] {
  if (row.counts.length === 0) return [`row "${row.api}" names no cell`];
  const sources = row.counts.map((count) => cellShownAs(cells, count));
  const absent = row.counts.filter((_, i) => sources[i] === undefined);
  if (absent.length > 0) return [`row "${row.api}": ${row.notebook} has no code cell ${absent}`];
  const text = sources.join("\n");
  const { all, any } = promisesOf(row.api);
  const missing = all.filter((pattern) => !pattern.test(text));
  if (missing.length > 0) return [`row "${row.api}": [${row.counts}] lack ${missing.join(" ")}`];
  if (all.length === 0 && !any.some((word) => text.includes(word))) {
    return [`row "${row.api}": [${row.counts}] contain none of ${any.join(", ") || "(no code)"}`];
  }
  return [];
}

Deno.test("README: every row of the API table names code cells that run what it names", async () => {
  const rows = tableRows(await Deno.readTextFile(README));
  assertGreater(rows.length, 90, "the table lost its rows");
  const notebooks = new Map<string, Cell[]>();
  const problems: string[] = [];
  for (const row of rows) {
    if (!notebooks.has(row.notebook)) {
      const path = new URL(`${row.notebook}.ipynb`, NOTEBOOKS).pathname;
      notebooks.set(row.notebook, (await readNotebook(path)).cells);
    }
    problems.push(...rowProblems(row, notebooks.get(row.notebook)!));
  }
  assertEquals(problems, []);
});

Deno.test("README: the notebooks table links every notebook", async () => {
  const readme = await Deno.readTextFile(README);
  for await (const entry of Deno.readDir(NOTEBOOKS)) {
    if (!entry.name.endsWith(".ipynb")) continue;
    const link = `](notebooks/${entry.name})`;
    assert(readme.includes(link), `README.md does not link ${entry.name}`);
  }
});
