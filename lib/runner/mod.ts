/**
 * socketlab's headless notebook runner: executes Jupyter notebooks on the real
 * Deno kernel (`deno jupyter --kernel`) over ZeroMQ, with no Python, and
 * writes their outputs like Jupyter does. `deno task notebooks` is its CLI.
 *
 * @example Run every notebook, two at a time
 * ```ts ignore
 * import { findNotebooks, runNotebooks } from "socketlab/runner";
 *
 * const outcomes = await runNotebooks(await findNotebooks("notebooks"), { jobs: 2 });
 * console.log(outcomes.every(({ report }) => report?.ok)); // true when every notebook passed
 * ```
 *
 * @example Run a notebook and print each cell's status
 * ```ts ignore
 * import { runNotebook } from "socketlab/runner";
 *
 * const report = await runNotebook("notebooks/01_tcp_server.ipynb", { timeout: 60_000 });
 * for (const cell of report.cells) console.log(cell.index, cell.status);
 * ```
 *
 * @module
 */

export {
  type CellReport,
  type CellStatus,
  type NotebookReport,
  runNotebook,
  type RunNotebookOptions,
} from "./run_notebook.ts";
export {
  defaultJobs,
  type NotebookOutcome,
  runNotebooks,
  type RunNotebooksOptions,
} from "./run_notebooks.ts";
export { findNotebooks } from "./notebook/find_notebooks.ts";
export type { Cell, Notebook, Output } from "./notebook/notebook.ts";
export {
  type ExecuteOptions,
  type ExecuteResult,
  KernelSession,
  type KernelSessionOptions,
  type RejectedMessage,
} from "./kernel/kernel_session.ts";
export type { JupyterMessage, MessageHeader } from "./kernel/_message.ts";
export type { ConnectionInfo } from "./kernel/_connection_file.ts";
export { KernelError, NotebookError } from "./errors.ts";
