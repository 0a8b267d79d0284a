/**
 * `runNotebook`: execute a notebook's code cells in order on a fresh Deno
 * kernel and return a report of every cell (status, outputs, timings).
 *
 * @module
 */

import {
  type ExecuteResult,
  KernelSession,
  type KernelSessionOptions,
  type RejectedMessage,
} from "./kernel/kernel_session.ts";
import {
  type Cell,
  type Notebook,
  type Output,
  readNotebook,
  writeNotebook,
} from "./notebook/notebook.ts";
import { type DisplayRegistry, OutputCollector } from "./notebook/_outputs.ts";

/**
 * The status of one code cell after a run.
 *
 * - `ok`: ran without error;
 * - `raised`: raised the error its `raises-exception` tag expects;
 * - `skipped`: tagged `skip-execution`, or empty;
 * - `error`: raised an unexpected error;
 * - `no-error`: tagged `raises-exception` but raised nothing;
 * - `timeout`: did not finish in time (the kernel was killed);
 * - `dead`: the kernel process ended while the cell ran;
 * - `rejected`: messages for the cell failed signature verification;
 * - `not-run`: an earlier cell failed.
 */
export type CellStatus =
  | "ok"
  | "raised"
  | "skipped"
  | "error"
  | "no-error"
  | "timeout"
  | "dead"
  | "rejected"
  | "not-run";

/** Statuses that fail a run. */
const FAILED: ReadonlySet<CellStatus> = new Set([
  "error",
  "no-error",
  "timeout",
  "dead",
  "rejected",
]);

/**
 * The report of one code cell.
 */
export interface CellReport {
  /** 1-based position of the cell in the notebook (all cell types). */
  index: number;
  /** 1-based position among the code cells. */
  ordinal: number;
  /** Which pass over the notebook (2 for the second pass of a rerun). */
  pass: number;
  /** What happened. */
  status: CellStatus;
  /** Whether this status fails the run. */
  failed: boolean;
  /** One line explaining a failure, e.g. `Error: boom`. */
  message?: string;
  /** The execution count set on the cell. */
  executionCount: number | null;
  /** The outputs set on the cell. */
  outputs: Output[];
  /** Wall-clock milliseconds from request to idle. */
  durationMs: number;
  /** Messages rejected while the cell ran. */
  rejected: RejectedMessage[];
}

/**
 * The report of one notebook run.
 */
export interface NotebookReport {
  /** The notebook's path. */
  path: string;
  /** True when no cell failed. */
  ok: boolean;
  /** The first failure, in one line, e.g. `cell 5: Error: boom`. */
  failure?: string;
  /** Code cells of the last pass that ran. */
  cells: CellReport[];
  /** Number of failed cells. */
  errors: number;
  /** Passes completed or attempted (2 with `rerun`). */
  passes: number;
  /** Wall-clock milliseconds including kernel start and shutdown. */
  durationMs: number;
  /** Process id of the kernel that ran the notebook. */
  kernelPid: number;
  /** The executed notebook (what is written with `write: true`). */
  notebook: Notebook;
}

/**
 * Options for {@linkcode runNotebook}.
 */
export interface RunNotebookOptions {
  /**
   * Per-cell time-out in milliseconds.
   *
   * @default {60_000}
   */
  timeout?: number;
  /** Execute the notebook twice in the same kernel. */
  rerun?: boolean;
  /**
   * Write the outputs back to the file.
   *
   * @default {false}
   */
  write?: boolean;
  /** Aborting kills the kernel and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called as each code cell finishes (also for skipped cells). Output the
   * kernel publishes late is only in the returned report.
   */
  onCell?: (cell: CellReport, total: number) => void;
  /** Kernel options (start-up time-out, executable, keys, `onSpawn`, ...). */
  kernel?: Omit<KernelSessionOptions, "cwd" | "signal">;
}

const TAG_SKIP = "skip-execution";
const TAG_RAISES = "raises-exception";

function tags(cell: Cell): string[] {
  const value = cell.metadata.tags;
  return Array.isArray(value) ? value.map(String) : [];
}

function dirname(path: string): string {
  const at = path.lastIndexOf("/");
  return at < 0 ? "." : at === 0 ? "/" : path.slice(0, at);
}

function errorOutput(ename: string, evalue: string): Output {
  return { output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/** What decides a cell's status besides its result. */
interface CellContext {
  /** The cell's 1-based position in the notebook. */
  readonly index: number;
  /** The per-cell time-out, in ms. */
  readonly timeout: number;
  /** Whether the cell is tagged `raises-exception`. */
  readonly expectsError: boolean;
}

/**
 * A cell's status from what happened to its request, in the order nbclient
 * checks: time-out, dead kernel, rejected messages, then the cell's own error
 * (expected or not). Time-outs and dead kernels also get an error output.
 */
function cellStatus(
  result: ExecuteResult,
  collector: OutputCollector,
  cell: CellContext,
): { status: CellStatus; message?: string; output?: Output } {
  if (result.outcome === "timeout") {
    const message = `did not finish within ${cell.timeout / 1000} s; the kernel was killed`;
    return {
      status: "timeout",
      message,
      output: errorOutput("CellTimeoutError", `cell ${cell.index} ${message}`),
    };
  }
  if (result.outcome === "exited") {
    const message = `the kernel died while running this cell (exit code ${result.exitCode}${
      result.exitSignal ? `, signal ${result.exitSignal}` : ""
    })`;
    return {
      status: "dead",
      message,
      output: errorOutput("DeadKernelError", `cell ${cell.index}: ${message}`),
    };
  }
  if (result.rejected.length > 0) {
    const [first] = result.rejected;
    return {
      status: "rejected",
      message: `${result.rejected.length} message(s) from the kernel failed verification ` +
        `and were dropped (${first.channel}: ${first.reason})`,
    };
  }
  const reply = result.reply?.content;
  const error = collector.errors[0] ??
    (reply?.status === "error"
      ? { ename: String(reply.ename ?? "Error"), evalue: String(reply.evalue ?? "") }
      : undefined);
  if (error !== undefined) {
    const message = `${error.ename}: ${error.evalue}`.split("\n")[0];
    return cell.expectsError ? { status: "raised" } : { status: "error", message };
  }
  if (cell.expectsError) {
    return { status: "no-error", message: `tagged "${TAG_RAISES}" but raised no error` };
  }
  return { status: "ok" };
}

async function runPass(
  session: KernelSession,
  notebook: Notebook,
  pass: number,
  options: RunNotebookOptions,
): Promise<CellReport[]> {
  const timeout = options.timeout ?? 60_000;
  const displays: DisplayRegistry = new Map();
  const codeCells = notebook.cells
    .map((cell, i) => ({ cell, index: i + 1 }))
    .filter(({ cell }) => cell.cell_type === "code");
  const reports: CellReport[] = [];
  const executed: { cell: Cell; collector: OutputCollector; report: CellReport }[] = [];
  let stopped = false;
  for (const [i, { cell, index }] of codeCells.entries()) {
    const base = { index, ordinal: i + 1, pass, rejected: [] as RejectedMessage[] };
    const unchanged = {
      failed: false,
      executionCount: cell.execution_count ?? null,
      outputs: cell.outputs ?? [],
      durationMs: 0,
    };
    if (stopped) {
      reports.push({ ...base, ...unchanged, status: "not-run" });
      continue;
    }
    if (tags(cell).includes(TAG_SKIP) || cell.source.trim() === "") {
      const report: CellReport = { ...base, ...unchanged, status: "skipped" };
      reports.push(report);
      options.onCell?.(report, codeCells.length);
      continue;
    }
    const collector = new OutputCollector(displays);
    const started = performance.now();
    const result = await session.execute(cell.source, {
      timeout,
      onMessage: (message) => collector.add(message),
    });
    const durationMs = performance.now() - started;
    const reply = result.reply?.content;
    if (typeof reply?.execution_count === "number") {
      collector.executionCount = reply.execution_count;
    }
    if (result.reply) collector.timing["shell.execute_reply"] = result.reply.header.date;

    const { status, message, output } = cellStatus(result, collector, {
      index,
      timeout,
      expectsError: tags(cell).includes(TAG_RAISES),
    });
    if (output !== undefined) collector.outputs.push(output);
    cell.outputs = collector.outputs;
    cell.execution_count = collector.executionCount;
    cell.metadata = { ...cell.metadata, execution: { ...collector.timing } };
    const failed = FAILED.has(status);
    const report: CellReport = {
      ...base,
      rejected: result.rejected,
      status,
      failed,
      message,
      executionCount: cell.execution_count,
      outputs: cell.outputs,
      durationMs,
    };
    reports.push(report);
    executed.push({ cell, collector, report });
    options.onCell?.(report, codeCells.length);
    if (failed) stopped = true;
  }
  // Output published after `status: idle` still reaches the collectors.
  await session.settle();
  for (const { cell, collector, report } of executed) {
    cell.outputs = report.outputs = collector.outputs;
  }
  return reports;
}

/**
 * Executes a notebook on a fresh Deno kernel started in the notebook's folder
 * (so its `deno.json` and imports resolve) and reports every code cell.
 * Cells tagged `skip-execution` are skipped; cells tagged `raises-exception`
 * must raise; any other error, a time-out or a dead kernel stops the run.
 * The kernel is always shut down (or killed) before this returns or throws.
 *
 * @example
 * ```ts ignore
 * import { runNotebook } from "socketlab/runner";
 *
 * const report = await runNotebook("notebooks/01_tcp_server.ipynb", { rerun: true });
 * console.log(report.ok, report.cells.map((cell) => cell.status));
 * ```
 *
 * @param path The `.ipynb` file.
 * @param options Time-out, rerun, write, abort signal, progress callback, kernel options.
 * @returns The report.
 * @throws {NotebookError} When the file is missing or not an nbformat v4 notebook.
 * @throws {KernelError} When the kernel will not start.
 */
export async function runNotebook(
  path: string,
  options: RunNotebookOptions = {},
): Promise<NotebookReport> {
  const started = performance.now();
  if (options.timeout !== undefined && !(options.timeout > 0)) {
    throw new RangeError(
      `timeout must be a positive number of milliseconds, got ${options.timeout}`,
    );
  }
  const notebook = await readNotebook(path);
  await using session = await KernelSession.start({
    ...options.kernel,
    cwd: dirname(path),
    signal: options.signal,
  });
  const passes = options.rerun ? 2 : 1;
  let cells: CellReport[] = [];
  let pass = 0;
  while (pass < passes) {
    pass++;
    cells = await runPass(session, notebook, pass, options);
    if (cells.some((cell) => cell.failed)) break;
  }
  await session.shutdown();
  if (options.write) await writeNotebook(path, notebook);
  const failedCell = cells.find((cell) => cell.failed);
  return {
    path,
    ok: failedCell === undefined,
    failure: failedCell &&
      `cell ${failedCell.index}${pass > 1 ? ` (pass ${pass})` : ""}: ${failedCell.message}`,
    cells,
    errors: cells.filter((cell) => cell.failed).length,
    passes: pass,
    durationMs: performance.now() - started,
    kernelPid: session.pid,
    notebook,
  };
}
