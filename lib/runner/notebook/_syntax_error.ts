/**
 * The real message of a syntax error. For a cell that does not parse, the
 * Deno kernel replies only `Error: Execution failed`, with no error output
 * and nothing on its stderr; the runner then parses the cell's source with
 * `deno fmt` (the same parser) to say what and where the error is.
 *
 * @module
 */

import type { Output } from "./notebook.ts";

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/**
 * Turns `deno fmt`'s report on a source read from stdin into an nbformat
 * error output, or `undefined` when it is not a syntax error.
 *
 * @example Usage
 * ```ts
 * import { syntaxErrorOutput } from "./_syntax_error.ts";
 *
 * const report = "error: SyntaxError: Expression expected\n  |\n1 | let x = ;\n  |         ~\n" +
 *   "    at file:///tmp/_stdin.ts:1:9\n\nStack backtrace:\n   0: <unknown>";
 * const output = syntaxErrorOutput(report);
 * console.log(output?.evalue); // "Expression expected (line 1, column 9)"
 * ```
 *
 * @param report What `deno fmt` wrote to stderr.
 * @returns The error output.
 */
export function syntaxErrorOutput(report: string): Output | undefined {
  const lines = report.replace(ANSI, "").split("\n");
  const first = lines.findIndex((line) => /^error: SyntaxError: /.test(line));
  if (first < 0) return undefined;
  const message = lines[first].replace(/^error: SyntaxError: /, "");
  const rest = lines.slice(first + 1);
  const at = rest.findIndex((line) => /^\s+at \S+:\d+:\d+$/.test(line));
  const where = at < 0 ? undefined : rest[at].match(/:(\d+):(\d+)$/);
  const evalue = where ? `${message} (line ${where[1]}, column ${where[2]})` : message;
  const frame = at < 0 ? [] : rest.slice(0, at).filter((line) => line.trim() !== "");
  return {
    output_type: "error",
    ename: "SyntaxError",
    evalue,
    traceback: [`SyntaxError: ${evalue}`, ...frame],
  };
}

/**
 * Parses `source` as TypeScript with `deno fmt --ext=ts -` and returns its
 * syntax error as an error output, or `undefined` when it parses.
 *
 * @example Usage
 * ```ts
 * import { findSyntaxError } from "./_syntax_error.ts";
 *
 * const output = await findSyntaxError("const = 1;");
 * console.log(output?.ename, output?.evalue);
 * // "SyntaxError" "Unexpected token `=`. Expected yield, an identifier, [ or { (line 1, column 7)"
 * ```
 *
 * @param source The cell's source.
 * @param execPath The `deno` executable.
 * @returns The error output, if the source does not parse.
 */
export async function findSyntaxError(
  source: string,
  execPath: string = Deno.execPath(),
): Promise<Output | undefined> {
  const child = new Deno.Command(execPath, {
    args: ["fmt", "--no-config", "--ext=ts", "-"],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(source)).catch(() => {});
  await writer.close().catch(() => {});
  const { success, stderr } = await child.output();
  return success ? undefined : syntaxErrorOutput(new TextDecoder().decode(stderr));
}
