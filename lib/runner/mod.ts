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

export * from "./errors.ts";
export * from "./message.ts";
export * from "./connection_file.ts";
export * from "./kernel_session.ts";
export * from "./notebook.ts";
export * from "./outputs.ts";
export * from "./run_notebook.ts";
export * from "./find_notebooks.ts";
export * from "./cli.ts";
