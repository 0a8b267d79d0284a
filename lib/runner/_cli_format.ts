/**
 * What the `deno task notebooks` command prints: one progress line per cell
 * and a summary table.
 *
 * @module
 */

import type { CellReport } from "./run_notebook.ts";
import { splitPath } from "./_path.ts";

/**
 * Formats one progress line, e.g. `[03/14] 01_tcp_server.ipynb cell 5  ok  84 ms`.
 * The counter is the cell's place among the code cells; `cell N` its place in
 * the notebook.
 *
 * @example
 * ```ts
 * import { formatProgressLine } from "./_cli_format.ts";
 *
 * console.log(formatProgressLine("notebooks/a.ipynb", {
 *   index: 5, ordinal: 3, pass: 1, status: "ok", failed: false, executionCount: 3,
 *   outputs: [], durationMs: 84.2, rejected: [],
 * }, 14)); // "[03/14] a.ipynb cell 5  ok  84 ms"
 * ```
 *
 * @param path The notebook's path.
 * @param cell The cell's report.
 * @param total Number of code cells in the notebook.
 * @returns The line, without a newline.
 */
export function formatProgressLine(path: string, cell: CellReport, total: number): string {
  const width = Math.max(2, String(total).length);
  const counter = `[${String(cell.ordinal).padStart(width, "0")}/${
    String(total).padStart(width, "0")
  }]`;
  const pass = cell.pass > 1 ? ` (pass ${cell.pass})` : "";
  const tail = cell.message === undefined ? "" : `  ${cell.message}`;
  return `${counter} ${splitPath(path).name}${pass} cell ${cell.index}  ${cell.status}  ${
    Math.round(cell.durationMs)
  } ms${tail}`;
}

/**
 * One row of the summary table.
 */
export interface SummaryRow {
  /** The notebook's file name. */
  notebook: string;
  /** Code cells in the notebook. */
  cells: number;
  /** Failed cells (1 when the notebook could not run at all). */
  errors: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/**
 * Formats the summary table (notebook, cells, errors, seconds) with a total row.
 *
 * @example
 * ```ts
 * import { formatSummary } from "./_cli_format.ts";
 *
 * console.log(formatSummary([{ notebook: "a.ipynb", cells: 3, errors: 0, seconds: 1.25 }]));
 * ```
 *
 * @param rows One row per notebook.
 * @returns The table's lines joined with newlines.
 */
export function formatSummary(rows: readonly SummaryRow[]): string {
  const all = [
    ...rows,
    {
      notebook: "total",
      cells: rows.reduce((n, row) => n + row.cells, 0),
      errors: rows.reduce((n, row) => n + row.errors, 0),
      seconds: rows.reduce((n, row) => n + row.seconds, 0),
    },
  ];
  const table = [
    ["notebook", "cells", "errors", "seconds"],
    ...all.map((row) => [
      row.notebook,
      String(row.cells),
      String(row.errors),
      row.seconds.toFixed(1),
    ]),
  ];
  const widths = [0, 1, 2, 3].map((c) => Math.max(...table.map((line) => line[c].length)));
  return table.map((line) =>
    line.map((cell, c) => c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join("  ")
  ).join("\n");
}
