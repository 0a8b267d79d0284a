/**
 * The `deno task notebooks [--check] [--timeout SECONDS] [--rerun] [PATHS...]`
 * command: executes notebooks on the Deno kernel, prints one progress line
 * per cell and a summary table, writes outputs in place unless `--check`.
 *
 * @module
 */

import { findNotebooks } from "./notebook/find_notebooks.ts";
import { type CellReport, type NotebookReport, runNotebook } from "./run_notebook.ts";

/**
 * Parsed command-line options.
 *
 * @example
 * ```ts
 * import { parseRunnerArgs } from "./cli.ts";
 *
 * const options = parseRunnerArgs(["--check", "--timeout", "30", "a.ipynb"]);
 * console.log(options.check, options.timeout, options.paths); // true 30000 ["a.ipynb"]
 * ```
 */
export interface RunnerCliOptions {
  /** Notebooks to run; empty means every `notebooks/*.ipynb`. */
  paths: string[];
  /** Execute without writing. */
  check: boolean;
  /** Execute each notebook twice in the same kernel. */
  rerun: boolean;
  /** Per-cell time-out in milliseconds. */
  timeout: number;
  /** Print usage and exit. */
  help: boolean;
}

/** Usage text of the CLI. */
export const RUNNER_USAGE = `Usage: deno task notebooks [OPTIONS] [PATHS...]

Executes notebooks on the Deno Jupyter kernel and writes their outputs in place.
PATHS default to every notebooks/*.ipynb.

Options:
  --check              execute without writing the notebooks
  --timeout SECONDS    per-cell time-out (default 60)
  --rerun              execute each notebook twice in the same kernel
  -h, --help           show this help`;

/**
 * Parses the CLI's arguments.
 *
 * @example
 * ```ts
 * import { parseRunnerArgs } from "./cli.ts";
 *
 * try {
 *   parseRunnerArgs(["--timeout", "soon"]);
 * } catch (error) {
 *   console.log((error as Error).message);
 *   // "--timeout must be a positive number of seconds, got "soon""
 * }
 * ```
 *
 * @param args The arguments after the script name.
 * @returns The options.
 * @throws {TypeError} On an unknown option or a bad value.
 */
export function parseRunnerArgs(args: readonly string[]): RunnerCliOptions {
  const options: RunnerCliOptions = {
    paths: [],
    check: false,
    rerun: false,
    timeout: 60_000,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      options.paths.push(...args.slice(i + 1));
      break;
    } else if (arg === "--check") options.check = true;
    else if (arg === "--rerun") options.rerun = true;
    else if (arg === "-h" || arg === "--help") options.help = true;
    else if (arg === "--timeout" || arg.startsWith("--timeout=")) {
      const value = arg === "--timeout" ? args[++i] : arg.slice("--timeout=".length);
      const seconds = Number(value);
      if (value === undefined || value.trim() === "" || !Number.isFinite(seconds) || seconds <= 0) {
        throw new TypeError(
          `--timeout must be a positive number of seconds, got ${JSON.stringify(value ?? null)}`,
        );
      }
      options.timeout = seconds * 1000;
    } else if (arg.startsWith("-")) {
      throw new TypeError(
        `unknown option ${arg}; expected --check, --timeout SECONDS, --rerun or --help`,
      );
    } else options.paths.push(arg);
  }
  return options;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * Formats one progress line, e.g. `[03/14] 01_tcp_server.ipynb cell 5  ok  84 ms`.
 * The counter is the cell's place among the code cells; `cell N` its place in
 * the notebook.
 *
 * @example
 * ```ts
 * import { formatProgressLine } from "./cli.ts";
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
  return `${counter} ${basename(path)}${pass} cell ${cell.index}  ${cell.status}  ${
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
 * import { formatSummary } from "./cli.ts";
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

/**
 * Where {@linkcode runRunnerCli} prints, and how it can be stopped.
 */
export interface RunnerCliIo {
  /**
   * Prints a line of the main output (the summary).
   *
   * @default {console.log}
   */
  stdout?: (line: string) => void;
  /**
   * Prints a progress or error line.
   *
   * @default {console.error}
   */
  stderr?: (line: string) => void;
  /** Aborting kills the running kernel and ends the run with status 130. */
  signal?: AbortSignal;
}

/**
 * Runs the CLI and returns its exit status: 0 when every notebook passed,
 * 1 when any failed, 2 on a usage error, 130 when interrupted (Ctrl-C kills
 * the running kernel first).
 *
 * @example
 * ```ts
 * import { runRunnerCli } from "./cli.ts";
 *
 * const status = await runRunnerCli(["--bogus"], { stderr: () => {} });
 * console.log(status); // 2
 * ```
 *
 * @param args The arguments after the script name.
 * @param io Output functions and an optional abort signal.
 * @returns The exit status.
 */
export async function runRunnerCli(args: readonly string[], io: RunnerCliIo = {}): Promise<number> {
  const stdout = io.stdout ?? ((line: string) => console.log(line));
  const stderr = io.stderr ?? ((line: string) => console.error(line));
  let options: RunnerCliOptions;
  try {
    options = parseRunnerArgs(args);
  } catch (error) {
    stderr(`error: ${(error as Error).message}`);
    return 2;
  }
  if (options.help) {
    stdout(RUNNER_USAGE);
    return 0;
  }
  const paths = options.paths.length > 0 ? options.paths : await findNotebooks("notebooks");
  if (paths.length === 0) {
    stderr("no notebooks to run: notebooks/ has no .ipynb files and no PATHS were given");
    return 0;
  }
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted (Ctrl-C)"));
  const outer = io.signal;
  const onOuter = () => controller.abort(outer?.reason);
  outer?.addEventListener("abort", onOuter, { once: true });
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSigint);
    listening = true;
  } catch {
    // Signals are not available on this platform; Ctrl-C then ends the process directly.
  }
  const rows: SummaryRow[] = [];
  try {
    for (const path of paths) {
      let report: NotebookReport;
      try {
        report = await runNotebook(path, {
          timeout: options.timeout,
          rerun: options.rerun,
          write: !options.check,
          signal: controller.signal,
          onCell: (cell, total) => stderr(formatProgressLine(path, cell, total)),
        });
      } catch (error) {
        if (controller.signal.aborted) {
          stderr(`${path}: interrupted; the kernel was killed`);
          return 130;
        }
        const message = error instanceof Error ? error.message : String(error);
        stderr(`error: ${message.split("\n").join(" | ")}`);
        rows.push({ notebook: basename(path), cells: 0, errors: 1, seconds: 0 });
        continue;
      }
      if (!report.ok) stderr(`FAILED ${path}: ${report.failure}`);
      rows.push({
        notebook: basename(path),
        cells: report.cells.length,
        errors: report.errors,
        seconds: report.durationMs / 1000,
      });
    }
  } finally {
    outer?.removeEventListener("abort", onOuter);
    if (listening) Deno.removeSignalListener("SIGINT", onSigint);
  }
  stdout(formatSummary(rows));
  return rows.some((row) => row.errors > 0) ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await runRunnerCli(Deno.args));
}
