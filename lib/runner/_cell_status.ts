/**
 * A cell's status from what happened to its request, in the order nbclient
 * checks: time-out, dead kernel, stalled output, rejected messages, then the
 * cell's own error (expected or not).
 *
 * @module
 */

import type { ExecuteResult } from "./kernel/kernel_session.ts";
import type { Output } from "./notebook/notebook.ts";
import type { OutputCollector } from "./notebook/_outputs.ts";
import { findSyntaxError } from "./notebook/_syntax_error.ts";

/**
 * The status of one code cell after a run.
 *
 * - `ok`: ran without error;
 * - `raised`: raised the error its `raises-exception` tag expects;
 * - `skipped`: tagged `skip-execution`, or empty;
 * - `error`: raised an unexpected error (a syntax error too);
 * - `no-error`: tagged `raises-exception` but raised nothing;
 * - `timeout`: did not finish in time (the kernel was killed);
 * - `dead`: the kernel process ended while the cell ran;
 * - `stalled`: the kernel replied but its output stopped arriving (output
 *   was lost; the kernel was killed);
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
  | "stalled"
  | "rejected"
  | "not-run";

/** Statuses that fail a run. */
export const FAILED: ReadonlySet<CellStatus> = new Set([
  "error",
  "no-error",
  "timeout",
  "dead",
  "stalled",
  "rejected",
]);

/** Failed statuses after which the notebook cannot go on, even with `allowErrors`. */
export const FATAL: ReadonlySet<CellStatus> = new Set(["timeout", "dead", "stalled", "rejected"]);

/** The tag of cells that must raise. */
export const TAG_RAISES = "raises-exception";

/** What decides a cell's status besides its result. */
export interface CellContext {
  /** The cell's 1-based position in the notebook. */
  readonly index: number;
  /** The cell's source, to find a syntax error the kernel does not describe. */
  readonly source: string;
  /** The per-cell time-out, in ms. */
  readonly timeout: number;
  /** How long the kernel may stay half-answered, in ms. */
  readonly stallTimeout: number;
  /** Whether the cell is tagged `raises-exception`. */
  readonly expectsError: boolean;
  /** The `deno` executable, for parsing a cell that failed to compile. */
  readonly execPath: string;
}

/** What a cell's run came to. */
export interface CellVerdict {
  /** Its status. */
  status: CellStatus;
  /** One line explaining a failure. */
  message?: string;
  /** An error output to add to the cell's outputs. */
  output?: Output;
}

function errorOutput(ename: string, evalue: string): Output {
  return { output_type: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

function kernelFailure(result: ExecuteResult, cell: CellContext): CellVerdict | undefined {
  if (result.outcome === "timeout") {
    const message = `did not finish within ${cell.timeout / 1000} s; the kernel was killed`;
    const output = errorOutput("CellTimeoutError", `cell ${cell.index} ${message}`);
    return { status: "timeout", message, output };
  }
  if (result.outcome === "stalled") {
    const message =
      `the kernel replied, but its output stopped arriving for ${
        cell.stallTimeout / 1000
      } s: output was lost (the Deno kernel drops a message of about 8 MB or more and may ` +
      "break its output channel doing so); the kernel was killed";
    return { status: "stalled", message, output: errorOutput("LostOutputError", message) };
  }
  if (result.outcome === "exited") {
    const message = `the kernel died while running this cell (exit code ${result.exitCode}${
      result.exitSignal ? `, signal ${result.exitSignal}` : ""
    })`;
    const output = errorOutput("DeadKernelError", `cell ${cell.index}: ${message}`);
    return { status: "dead", message, output };
  }
  if (result.rejected.length > 0) {
    const [first] = result.rejected;
    return {
      status: "rejected",
      message: `${result.rejected.length} message(s) from the kernel failed verification ` +
        `and were dropped (${first.channel}: ${first.reason})`,
    };
  }
  return undefined;
}

/**
 * The error a cell raised: the kernel's error output, else the error its
 * reply reports, made an output; for a reply with no error output (the Deno
 * kernel's `Execution failed` for code that does not compile) the syntax
 * error found by parsing the source.
 */
async function cellError(
  result: ExecuteResult,
  collector: OutputCollector,
  cell: CellContext,
): Promise<{ error: Output; added?: Output } | undefined> {
  if (collector.errors[0] !== undefined) return { error: collector.errors[0] };
  const reply = result.reply?.content;
  if (reply?.status !== "error") return undefined;
  const syntax = await findSyntaxError(cell.source, cell.execPath).catch(() => undefined);
  const added = syntax ?? errorOutput(
    String(reply.ename ?? "Error"),
    `${String(reply.evalue ?? "")} (the kernel gave no reason, and the source parses)`,
  );
  return { error: added, added };
}

/**
 * Decides a cell's status once its request has ended.
 *
 * @param result What happened to the request.
 * @param collector The cell's outputs so far.
 * @param cell The cell.
 * @returns Status, message and an error output to add, if any.
 */
export async function cellVerdict(
  result: ExecuteResult,
  collector: OutputCollector,
  cell: CellContext,
): Promise<CellVerdict> {
  const failure = kernelFailure(result, cell);
  if (failure !== undefined) return failure;
  const found = await cellError(result, collector, cell);
  if (found !== undefined) {
    const message = `${found.error.ename}: ${found.error.evalue}`.split("\n")[0];
    const status = cell.expectsError ? "raised" : "error";
    return { status, message: cell.expectsError ? undefined : message, output: found.added };
  }
  if (cell.expectsError) {
    return { status: "no-error", message: `tagged "${TAG_RAISES}" but raised no error` };
  }
  return { status: "ok" };
}
