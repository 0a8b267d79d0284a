/**
 * socketlab's headless notebook runner: executes Jupyter notebooks on the real
 * Deno kernel (`deno jupyter --kernel`) over ZeroMQ, with no Python, and
 * writes their outputs like Jupyter does. `deno task notebooks` is its CLI.
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
