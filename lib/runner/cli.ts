/**
 * The `deno task notebooks [OPTIONS] [PATHS...]` command: executes notebooks
 * on the Deno kernel, several at a time, prints one progress line per cell
 * and a summary table, and writes outputs in place unless `--check`.
 *
 * @module
 */

import { findNotebooks } from "./notebook/find_notebooks.ts";
import { defaultJobs, type NotebookOutcome, runNotebooks } from "./run_notebooks.ts";
import { formatProgressLine, formatSummary, type SummaryRow } from "./_cli_format.ts";
import { splitPath } from "./_path.ts";

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
  /** Per-cell time-out in milliseconds, for notebooks that set none. */
  timeout: number;
  /** Notebooks run at a time. */
  jobs: number;
  /** Run every cell even after errors. */
  allowErrors: boolean;
  /** Keep per-cell timestamps in `metadata.execution`. */
  recordTiming: boolean;
  /** Run notebooks written for another kernel on Deno anyway. */
  anyKernel: boolean;
  /** Print usage and exit. */
  help: boolean;
}

/** Usage text of the CLI. */
export const RUNNER_USAGE = `Usage: deno task notebooks [OPTIONS] [PATHS...]

Executes notebooks on the Deno Jupyter kernel and writes their outputs in place,
atomically: a failed, killed or interrupted run leaves every file whole.
PATHS default to every notebooks/*.ipynb.

Options:
  --check              execute without writing the notebooks
  -j, --jobs N         run N notebooks at a time, each on its own kernel
                       (default: the number of cores, ${defaultJobs()} here)
  --timeout SECONDS    per-cell time-out of notebooks that set none (default 60);
                       a notebook sets its own in its metadata, in seconds:
                       "socketlab": {"timeout": 120} (or nbmake's "execution": {"timeout": 120})
  --allow-errors       run every cell even after errors and save each error as the
                       cell's output; the run still fails (exit status 1). A notebook
                       asks for it with "socketlab": {"allow_errors": true}
  --rerun              execute each notebook twice in the same kernel
  --record-timing      keep nbclient's per-cell timestamps (metadata.execution);
                       without it they are left out, so re-runs change only outputs
  --any-kernel         run notebooks written for another kernel (e.g. Python) on
                       Deno anyway; without it they are refused and left untouched
  -h, --help           show this help

Exit status:
  0    every notebook ran without error
  1    a cell or a notebook failed, or output was lost
  2    usage error, or no notebooks found
  130  interrupted by Ctrl-C (SIGINT); 143 by SIGTERM; 129 by SIGHUP.
       The kernels and the processes their cells started are ended first,
       and no notebook is left half-written.`;

const FLAGS = {
  "--check": "check",
  "--rerun": "rerun",
  "--allow-errors": "allowErrors",
  "--record-timing": "recordTiming",
  "--any-kernel": "anyKernel",
  "-h": "help",
  "--help": "help",
} as const;

const VALUES = {
  "--timeout": { key: "timeout", what: "a positive number of seconds", scale: 1000 },
  "--jobs": { key: "jobs", what: "a whole number of at least 1", scale: 1 },
  "-j": { key: "jobs", what: "a whole number of at least 1", scale: 1 },
} as const;

function parseValue(name: keyof typeof VALUES, value: string | undefined): number {
  const { what, scale, key } = VALUES[name];
  const number = Number(value);
  const ok = value !== undefined && value.trim() !== "" && Number.isFinite(number) &&
    number > 0 && (key !== "jobs" || Number.isInteger(number));
  if (!ok) throw new TypeError(`${name} must be ${what}, got ${JSON.stringify(value ?? null)}`);
  return number * scale;
}

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
    jobs: defaultJobs(),
    allowErrors: false,
    recordTiming: false,
    anyKernel: false,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith("--") && arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    if (arg === "--") {
      options.paths.push(...args.slice(i + 1));
      break;
    } else if (name in FLAGS && inline === undefined) {
      options[FLAGS[name as keyof typeof FLAGS]] = true;
    } else if (name in VALUES) {
      const key = name as keyof typeof VALUES;
      options[VALUES[key].key] = parseValue(key, inline ?? args[++i]);
    } else if (arg.startsWith("-")) {
      throw new TypeError(
        `unknown option ${arg}; expected --check, --jobs N, --timeout SECONDS, --allow-errors, ` +
          "--rerun, --record-timing, --any-kernel or --help",
      );
    } else options.paths.push(arg);
  }
  return options;
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
  /** Aborting kills the running kernels and ends the run with status 130. */
  signal?: AbortSignal;
}

/** The signals that end a run cleanly, and the exit status each gives (128 + its number). */
const SIGNALS: ReadonlyArray<readonly [Deno.Signal, number]> = Deno.build.os === "windows"
  ? [["SIGINT", 130], ["SIGBREAK", 149]]
  : [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]];

/** An interruption: by a signal, or by the caller's abort signal. */
class Interrupted extends Error {
  constructor(readonly status: number, what: string) {
    super(`interrupted by ${what}`);
    this.name = "Interrupted";
  }
}

/** Aborts `controller` on SIGINT, SIGTERM and SIGHUP (and on `outer`) until disposed. */
function listenForInterrupts(controller: AbortController, outer?: AbortSignal): Disposable {
  const handlers = SIGNALS.map(([signal, status]) => {
    const handler = () => controller.abort(new Interrupted(status, signal));
    try {
      Deno.addSignalListener(signal, handler);
      return () => Deno.removeSignalListener(signal, handler);
    } catch {
      return () => {}; // not available here: the signal then ends the process directly
    }
  });
  const onOuter = () => controller.abort(new Interrupted(130, String(outer?.reason)));
  outer?.addEventListener("abort", onOuter, { once: true });
  return {
    [Symbol.dispose]() {
      outer?.removeEventListener("abort", onOuter);
      for (const remove of handlers) remove();
    },
  };
}

function summaryRow({ path, report }: NotebookOutcome): SummaryRow {
  return report === undefined
    ? { notebook: splitPath(path).name, cells: 0, errors: 1, seconds: 0 }
    : {
      notebook: splitPath(path).name,
      cells: report.cells.length,
      errors: report.errors,
      seconds: report.durationMs / 1000,
    };
}

function reportOutcome(outcome: NotebookOutcome, stderr: (line: string) => void): void {
  if (outcome.error !== undefined) {
    stderr(`error: ${outcome.error.message.split("\n").join(" | ")}`);
  } else if (!outcome.report.ok) stderr(`FAILED ${outcome.path}: ${outcome.report.failure}`);
}

/**
 * Runs the CLI and returns its exit status: 0 when every notebook passed,
 * 1 when any failed, 2 on a usage error or when there is no notebook to run,
 * 130 when interrupted by Ctrl-C (143 by SIGTERM, 129 by SIGHUP); on an
 * interruption the kernels are killed first and nothing is written.
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
    stderr("error: no notebooks to run: notebooks/ has no .ipynb files and no PATHS were given");
    return 2;
  }
  const controller = new AbortController();
  using _interrupts = listenForInterrupts(controller, io.signal);
  let outcomes: NotebookOutcome[];
  try {
    outcomes = await runNotebooks(paths, {
      ...options,
      write: !options.check,
      signal: controller.signal,
      onCell: (path, cell, total) => stderr(formatProgressLine(path, cell, total)),
      onNotebook: (outcome) => {
        if (!controller.signal.aborted) reportOutcome(outcome, stderr);
      },
    });
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    stderr(`${error.message}: the kernels were ended; no notebook was left half-written`);
    return error.status;
  }
  const rows = outcomes.map(summaryRow);
  stdout(formatSummary(rows));
  return rows.some((row) => row.errors > 0) ? 1 : 0;
}

if (import.meta.main) {
  Deno.exit(await runRunnerCli(Deno.args));
}
