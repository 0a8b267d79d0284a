/**
 * `runNotebook`: execute a notebook's code cells in order on a fresh Deno
 * kernel and return a report of every cell (status, outputs, timings).
 *
 * @module
 */

import {
  type ExecuteOptions,
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
import { checkDenoKernel, notebookSettings } from "./notebook/_metadata.ts";
import { OUTPUT_GUARD } from "./notebook/_output_guard.ts";
import { type CellStatus, cellVerdict, FAILED, FATAL, TAG_RAISES } from "./_cell_status.ts";
import { checkNumber } from "../_validate.ts";
import { splitPath } from "./_path.ts";

export type { CellStatus };

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
  /** True when no cell failed and no output was lost. */
  ok: boolean;
  /** The first failure, in one line, e.g. `cell 5: Error: boom`. */
  failure?: string;
  /** Code cells of the last pass that ran. */
  cells: CellReport[];
  /** Number of failed cells (plus one when output was lost after the last cell). */
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
   * Per-cell time-out in milliseconds, for notebooks that set none in their
   * metadata (`metadata.socketlab.timeout` or `metadata.execution.timeout`,
   * in seconds).
   *
   * @default {60_000}
   */
  timeout?: number;
  /**
   * Milliseconds a cell may stay half-answered (replied but not idle, or the
   * reverse) before its output counts as lost; see
   * {@linkcode ExecuteOptions.stallTimeout}.
   *
   * @default {10_000}
   */
  stallTimeout?: number;
  /** Execute the notebook twice in the same kernel. */
  rerun?: boolean;
  /**
   * Write the outputs back to the file (atomically: the original stays
   * intact if the write fails).
   *
   * @default {false}
   */
  write?: boolean;
  /**
   * Run every cell even after errors, saving each error as the cell's output
   * (the run still fails). A time-out, a dead kernel or lost output still
   * stop the notebook. A notebook can also ask for it with
   * `metadata.socketlab.allow_errors` (or nbmake's `metadata.execution.allow_errors`).
   *
   * @default {false}
   */
  allowErrors?: boolean;
  /**
   * Record nbclient's per-cell timestamps in `metadata.execution`. Off, the
   * runner removes them from the cells it runs, so re-running an unchanged
   * notebook changes only outputs.
   *
   * @default {false}
   */
  recordTiming?: boolean;
  /**
   * Run a notebook written for another kernel (say, Python) on Deno anyway.
   * Otherwise such a notebook is refused with a {@linkcode NotebookError}
   * and left untouched.
   *
   * @default {false}
   */
  anyKernel?: boolean;
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

function tags(cell: Cell): string[] {
  const value = cell.metadata.tags;
  return Array.isArray(value) ? value.map(String) : [];
}

/** The settings of one run, resolved from the options and the notebook's metadata. */
interface RunContext {
  readonly timeout: number;
  readonly stallTimeout: number;
  readonly allowErrors: boolean;
  readonly recordTiming: boolean;
  readonly execPath: string;
  readonly onCell?: (cell: CellReport, total: number) => void;
}

/** An executed cell, whose outputs may still change until the kernel is gone. */
interface Executed {
  readonly cell: Cell;
  readonly collector: OutputCollector;
  readonly report: CellReport;
}

function withoutTiming(metadata: Record<string, unknown>): Record<string, unknown> {
  const { execution: _, ...rest } = metadata;
  return rest;
}

async function runCell(
  session: KernelSession,
  cell: Cell,
  base: Pick<CellReport, "index" | "ordinal" | "pass">,
  displays: DisplayRegistry,
  context: RunContext,
): Promise<Executed> {
  const collector = new OutputCollector(displays);
  const started = performance.now();
  const options: ExecuteOptions = {
    timeout: context.timeout,
    stallTimeout: context.stallTimeout,
    onMessage: (message) => collector.add(message),
  };
  const result = await session.execute(cell.source, options);
  const durationMs = performance.now() - started;
  const reply = result.reply?.content;
  if (typeof reply?.execution_count === "number") collector.executionCount = reply.execution_count;
  if (result.reply) collector.timing["shell.execute_reply"] = result.reply.header.date;
  const { status, message, output } = await cellVerdict(result, collector, {
    index: base.index,
    source: cell.source,
    timeout: context.timeout,
    stallTimeout: context.stallTimeout,
    expectsError: tags(cell).includes(TAG_RAISES),
    execPath: context.execPath,
  });
  if (output !== undefined) collector.outputs.push(output);
  cell.outputs = collector.outputs;
  cell.execution_count = collector.executionCount;
  cell.metadata = context.recordTiming
    ? { ...cell.metadata, execution: { ...collector.timing } }
    : withoutTiming(cell.metadata);
  const report: CellReport = {
    ...base,
    rejected: result.rejected,
    status,
    failed: FAILED.has(status),
    message,
    executionCount: cell.execution_count,
    outputs: cell.outputs,
    durationMs,
  };
  return { cell, collector, report };
}

async function runPass(
  session: KernelSession,
  notebook: Notebook,
  pass: number,
  context: RunContext,
): Promise<{ reports: CellReport[]; executed: Executed[] }> {
  const displays: DisplayRegistry = new Map();
  const codeCells = notebook.cells
    .map((cell, i) => ({ cell, index: i + 1 }))
    .filter(({ cell }) => cell.cell_type === "code");
  const reports: CellReport[] = [];
  const executed: Executed[] = [];
  let stopped = false;
  for (const [i, { cell, index }] of codeCells.entries()) {
    const base = { index, ordinal: i + 1, pass };
    const unchanged = {
      ...base,
      rejected: [],
      failed: false,
      executionCount: cell.execution_count ?? null,
      outputs: cell.outputs ?? [],
      durationMs: 0,
    };
    if (stopped) {
      reports.push({ ...unchanged, status: "not-run" });
      continue;
    }
    if (tags(cell).includes(TAG_SKIP) || cell.source.trim() === "") {
      reports.push({ ...unchanged, status: "skipped" });
      context.onCell?.(reports.at(-1)!, codeCells.length);
      continue;
    }
    const run = await runCell(session, cell, base, displays, context);
    reports.push(run.report);
    executed.push(run);
    context.onCell?.(run.report, codeCells.length);
    const { status, failed } = run.report;
    if (failed && (!context.allowErrors || FATAL.has(status))) stopped = true;
  }
  return { reports, executed };
}

/** Resolves a run's settings; the notebook's own metadata wins over the defaults. */
function runContext(notebook: Notebook, path: string, options: RunNotebookOptions): RunContext {
  const positive = (n: number) => n > 0;
  const ms = "a positive number of milliseconds";
  if (options.timeout !== undefined) checkNumber(options.timeout, "timeout", ms, positive);
  if (options.stallTimeout !== undefined) {
    checkNumber(options.stallTimeout, "stallTimeout", ms, positive);
  }
  if (!options.anyKernel) checkDenoKernel(notebook, path);
  const settings = notebookSettings(notebook, path);
  return {
    timeout: settings.timeout ?? options.timeout ?? 60_000,
    stallTimeout: options.stallTimeout ?? 10_000,
    allowErrors: options.allowErrors ?? settings.allowErrors ?? false,
    recordTiming: options.recordTiming ?? false,
    execPath: options.kernel?.execPath ?? Deno.execPath(),
    onCell: options.onCell,
  };
}

const LOST_AFTER_LAST =
  "after the last cell: the kernel's output channel stopped answering, so output was lost " +
  "(the Deno kernel drops a message of about 8 MB or more and may break the channel doing so)";

/**
 * Executes a notebook on a fresh Deno kernel started in the notebook's folder
 * (so its `deno.json` and imports resolve) and reports every code cell.
 * Cells tagged `skip-execution` are skipped; cells tagged `raises-exception`
 * must raise; any other error, a time-out or a dead kernel stops the run
 * (errors do not with `allowErrors`). The kernel and every process its cells
 * started are ended before this returns or throws. With `write`, the file is
 * replaced atomically once the kernel is gone (output published late lands
 * in it); a run that throws (a kernel that will not start, an abort) writes
 * nothing.
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
 * @throws {NotebookError} When the file is missing, not an nbformat v4 notebook, or written
 * for another kernel.
 * @throws {KernelError} When the kernel will not start.
 */
export async function runNotebook(
  path: string,
  options: RunNotebookOptions = {},
): Promise<NotebookReport> {
  const started = performance.now();
  const notebook = await readNotebook(path);
  const context = runContext(notebook, path, options);
  const session = await KernelSession.start({
    ...options.kernel,
    cwd: splitPath(path).dir,
    signal: options.signal,
  });
  let run: { reports: CellReport[]; executed: Executed[]; passes: number; lost: boolean };
  try {
    run = await runPasses(session, notebook, options.rerun ? 2 : 1, context);
  } finally {
    await session.shutdown();
  }
  // Output published late (until the kernel was gone) is in the collectors.
  for (const { cell, collector, report } of run.executed) {
    cell.outputs = report.outputs = collector.outputs;
  }
  if (options.write) await writeNotebook(path, notebook);
  const cells = run.reports;
  const failedCell = cells.find((cell) => cell.failed);
  const pass = run.passes > 1 ? ` (pass ${run.passes})` : "";
  const failure = failedCell
    ? `cell ${failedCell.index}${pass}: ${failedCell.message}`
    : run.lost
    ? LOST_AFTER_LAST
    : undefined;
  const errors = cells.filter((cell) => cell.failed).length + (run.lost ? 1 : 0);
  return {
    path,
    ok: failure === undefined,
    failure,
    cells,
    errors,
    passes: run.passes,
    durationMs: performance.now() - started,
    kernelPid: session.pid,
    notebook,
  };
}

async function runPasses(
  session: KernelSession,
  notebook: Notebook,
  passes: number,
  context: RunContext,
): Promise<{ reports: CellReport[]; executed: Executed[]; passes: number; lost: boolean }> {
  // Make outputs too big for the kernel to send fail loudly (see _output_guard.ts).
  await session.execute(OUTPUT_GUARD, { silent: true, timeout: context.timeout });
  let run: { reports: CellReport[]; executed: Executed[] } = { reports: [], executed: [] };
  let pass = 0;
  while (pass < passes) {
    pass++;
    run = await runPass(session, notebook, pass, context);
    if (run.reports.some((cell) => cell.failed)) break;
  }
  await session.settle();
  const stopped = run.reports.some((cell) => FATAL.has(cell.status));
  const lost = !stopped && session.exitStatus === undefined &&
    !(await session.iopubAlive(context.stallTimeout));
  return { ...run, passes: pass, lost };
}
