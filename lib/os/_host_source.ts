/**
 * The default {@linkcode SystemSource}: this machine's files, commands and
 * socket options.
 *
 * @module
 */

import type { SystemSource } from "./system_source.ts";
import { readSocketOption } from "./_sockopt.ts";

/**
 * The host as a source of facts: `Deno.build.os`, its files (under `/proc`
 * read through `cat` when Deno itself may not), its commands, and socket
 * options read through the C library (FFI).
 *
 * @example Usage
 * ```ts
 * import { hostSource } from "./_host_source.ts";
 * const host = hostSource();
 * console.log(host.os === Deno.build.os); // true
 * ```
 *
 * @returns The source.
 */
export function hostSource(): SystemSource {
  return {
    os: Deno.build.os,
    readTextFile,
    run,
    socketOption: (socket, option) => Promise.resolve(readSocketOption(socket, option)),
  };
}

/** Runs a command; rejects with what it printed on stderr when it fails. */
async function run(command: string, args: readonly string[]): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(command, { args: [...args], stdout: "piped", stderr: "piped" })
      .output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Deno.errors.NotFound(`the command ${command} is not installed`);
    }
    throw error;
  }
  const decoder = new TextDecoder();
  if (!out.success) {
    const said = decoder.decode(out.stderr).trim().split("\n")[0] ?? "";
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${out.code})${said ? `: ${said}` : ""}`,
    );
  }
  return decoder.decode(out.stdout);
}

/**
 * Reads a file directly, or through `cat` when Deno may not read it itself:
 * Deno treats files under `/proc` as privileged and reads them only with
 * `--allow-all` (the Jupyter kernel has it).
 */
async function readTextFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const refused = error instanceof Deno.errors.NotCapable ||
      error instanceof Deno.errors.PermissionDenied;
    if (!refused || !path.startsWith("/proc/")) throw error;
    const allowed = await Deno.permissions.query({ name: "run", command: "cat" });
    if (allowed.state !== "granted") throw error;
    const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
      .output();
    if (!out.success) throw new Deno.errors.NotFound(`cat ${path} failed`);
    return new TextDecoder().decode(out.stdout);
  }
}
