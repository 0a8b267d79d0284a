/**
 * Which run of notebook cells is executing, so that the lab can tell a cell
 * re-run (a label taken over by a new object) from a mistake (two live
 * objects given one label in one run).
 *
 * The Deno Jupyter kernel runs one cell at a time and, when a cell's code
 * has finished, hands its result to `Deno[Deno.internal].jupyter
 * .broadcastResult(executionCount, result)`. Counting those calls counts the
 * finished cells: everything that happens before the next one finishes
 * belongs to one run. This is the kernel's internal hook, not a public API,
 * so it is wrapped defensively: where it is missing (a script, a test, a
 * future kernel), the whole process is one run, and a reused label is always
 * a mistake, as it was before runs were counted.
 *
 * A cell that throws does not reach `broadcastResult`, so it does not end a
 * run: the cell re-run after it fails belongs to the same run. That is why
 * the lab also compares call sites ({@linkcode callSite}): the same `watch()`
 * call made again is a re-run, not a mistake.
 *
 * @module
 */

const KEY = Symbol.for("socketlab.runs");

interface RunCounter {
  /** Cells finished since the counter was installed. */
  finished: number;
}

type BroadcastResult = (this: unknown, executionCount: unknown, result: unknown) => unknown;

/** The counter, installed once per process (shared by every copy of the library). */
function counter(): RunCounter {
  const global = globalThis as Record<symbol, RunCounter | undefined>;
  let runs = global[KEY];
  if (runs === undefined) {
    runs = global[KEY] = { finished: 0 };
    install(runs);
  }
  return runs;
}

function install(runs: RunCounter): void {
  try {
    const deno = Deno as unknown as Record<symbol, { jupyter?: Record<string, unknown> }>;
    const internal = (Deno as unknown as { internal?: symbol }).internal;
    const jupyter = internal === undefined ? undefined : deno[internal]?.jupyter;
    const original = jupyter?.broadcastResult;
    if (typeof original !== "function") return;
    jupyter!.broadcastResult = function (this: unknown, count: unknown, result: unknown) {
      runs.finished++;
      return (original as BroadcastResult).call(this, count, result);
    };
  } catch {
    // Not in a Deno Jupyter kernel (or its internals changed): one run for the whole process.
  }
}

const LIBRARY = new URL("../", import.meta.url).href;

/**
 * Where the program called into the library: the first frame of the stack
 * outside socketlab's own files (`<anonymous>:3:17` in a notebook cell, a
 * file's line and column in a script).
 *
 * @example Usage
 * ```ts
 * import { callSite } from "./_runs.ts";
 * const here = () => callSite();
 * console.log(here() === here()); // false: two lines, two call sites
 * ```
 *
 * @returns The frame's location, or "" when the stack says nothing.
 */
export function callSite(): string {
  const frames = (new Error().stack ?? "").split("\n").slice(1);
  const outside = frames.find((frame) => !frame.includes(LIBRARY));
  return outside?.trim().replace(/^at (?:async )?(?:\S+ \()?(.*?)\)?$/, "$1") ?? "";
}

/**
 * The current run: a number that changes each time a notebook cell has
 * finished (in the Deno Jupyter kernel), and never elsewhere.
 *
 * @example Usage
 * ```ts
 * import { currentRun } from "./_runs.ts";
 * const run = currentRun();
 * console.log(currentRun() === run); // true: no cell finished in between
 * ```
 *
 * @returns The run's number.
 */
export function currentRun(): number {
  return counter().finished;
}
