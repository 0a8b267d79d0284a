/**
 * `runNotebooks`: run several notebooks side by side, each on its own kernel.
 *
 * @module
 */

import { type NotebookReport, runNotebook, type RunNotebookOptions } from "./run_notebook.ts";
import { checkNumber, isPositiveInteger } from "../_validate.ts";

/**
 * What became of one notebook of {@linkcode runNotebooks}: a report, or the
 * error that kept it from running (a missing file, a kernel that would not
 * start, ...).
 */
export type NotebookOutcome =
  | { path: string; report: NotebookReport; error?: undefined }
  | { path: string; report?: undefined; error: Error };

/**
 * Options for {@linkcode runNotebooks}: those of {@linkcode runNotebook}
 * (applied to every notebook, `onCell` receiving the notebook's path too),
 * and how many notebooks run at once.
 */
export interface RunNotebooksOptions extends Omit<RunNotebookOptions, "onCell"> {
  /**
   * How many notebooks run at the same time, each with its own kernel.
   *
   * @default {navigator.hardwareConcurrency}
   */
  jobs?: number;
  /** Called as each code cell of any notebook finishes. */
  onCell?: (path: string, ...args: Parameters<NonNullable<RunNotebookOptions["onCell"]>>) => void;
  /** Called as each notebook finishes, in the order they finish. */
  onNotebook?: (outcome: NotebookOutcome) => void;
}

/**
 * The default number of jobs: the number of logical cores.
 *
 * @returns At least 1.
 */
export function defaultJobs(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Runs notebooks with up to `jobs` of them at a time, each on a kernel of
 * its own, and returns their outcomes in the order of `paths`. A notebook
 * that cannot run does not stop the others. Aborting `signal` kills every
 * running kernel; the call then rejects with the signal's reason once all of
 * them are gone (nothing is left running, and no file is half-written).
 *
 * @example
 * ```ts ignore
 * import { findNotebooks, runNotebooks } from "socketlab/runner";
 *
 * const outcomes = await runNotebooks(await findNotebooks("notebooks"), { jobs: 4 });
 * for (const { path, report, error } of outcomes) console.log(path, report?.ok ?? error.message);
 * ```
 *
 * @param paths The `.ipynb` files.
 * @param options `runNotebook`'s options, `jobs` and progress callbacks.
 * @returns One outcome per path, in order.
 */
export async function runNotebooks(
  paths: readonly string[],
  options: RunNotebooksOptions = {},
): Promise<NotebookOutcome[]> {
  const jobs = options.jobs ?? defaultJobs();
  checkNumber(jobs, "jobs", "an integer of at least 1", isPositiveInteger);
  const { onCell, onNotebook, jobs: _, ...common } = options;
  const outcomes: NotebookOutcome[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length && !options.signal?.aborted) {
      const at = next++;
      const path = paths[at];
      try {
        const report = await runNotebook(path, {
          ...common,
          onCell: onCell && ((cell, total) => onCell(path, cell, total)),
        });
        outcomes[at] = { path, report };
      } catch (error) {
        outcomes[at] = { path, error: error instanceof Error ? error : new Error(String(error)) };
      }
      onNotebook?.(outcomes[at]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, paths.length) }, worker));
  options.signal?.throwIfAborted();
  return outcomes;
}
