/**
 * Starting the kernel in a process group of its own, so that ending it ends
 * every process its cells started too.
 *
 * On Linux (and wherever util-linux's `setsid` is on the PATH) the kernel is
 * started through `setsid`, which makes it the leader of a new session and
 * process group whose id is its pid, then replaces itself with the kernel
 * (no extra process). Killing the group (`kill(-pid)`) then reaches the
 * kernel's children, and a Ctrl-C in the terminal reaches only the runner,
 * which ends the kernel itself. Where `setsid` is missing (macOS, Windows)
 * the kernel is started directly and only the kernel itself is killed;
 * processes its cells started may outlive it there.
 *
 * @module
 */

/**
 * A spawned kernel process and whether it leads its own process group.
 */
export interface GroupedChild {
  /** The process. */
  child: Deno.ChildProcess;
  /** True when the process leads its own group (its children can be killed with it). */
  grouped: boolean;
}

/**
 * Spawns `command` in a new session and process group through `setsid`,
 * falling back to a plain spawn where `setsid` is not available.
 *
 * @example Usage
 * ```ts
 * import { killGroup, spawnGrouped } from "./_process_group.ts";
 *
 * const { child, grouped } = spawnGrouped("sleep", ["30"], { stdout: "null", stderr: "null" });
 * killGroup(child, grouped);
 * console.log((await child.status).signal); // "SIGKILL"
 * ```
 *
 * @param command The executable.
 * @param args Its arguments.
 * @param options Other `Deno.Command` options (cwd, stdio).
 * @returns The child and whether it leads its own group.
 */
export function spawnGrouped(
  command: string,
  args: string[],
  options: Omit<Deno.CommandOptions, "args">,
): GroupedChild {
  if (Deno.build.os !== "windows") {
    try {
      const child = new Deno.Command("setsid", { ...options, args: [command, ...args] }).spawn();
      return { child, grouped: true };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  return { child: new Deno.Command(command, { ...options, args }).spawn(), grouped: false };
}

/**
 * Whether a grouped child's early exit means `setsid` could not run the
 * command (util-linux's `setsid` exits 126 or 127 and says "failed to execute").
 *
 * @param status The exit status.
 * @param stderr What the process wrote to stderr.
 * @returns True when the command itself never started.
 */
export function execFailed(status: Deno.CommandStatus, stderr: string): boolean {
  return (status.code === 126 || status.code === 127) && stderr.includes("failed to execute");
}

/**
 * Sends SIGKILL to every process of the group `pgid` (the group a grouped
 * child leads has its pid as id). An empty group is not an error.
 *
 * @param pgid The process group's id.
 */
export function killProcessGroup(pgid: number): void {
  try {
    Deno.kill(-pgid, "SIGKILL");
  } catch {
    // The group is empty: everyone is gone already.
  }
}

/**
 * Kills a child with SIGKILL, and with it every process of its group when it
 * leads one. Processes already gone are not an error.
 *
 * @param child The process.
 * @param grouped Whether it leads its own process group.
 */
export function killGroup(child: Deno.ChildProcess, grouped: boolean): void {
  if (grouped) killProcessGroup(child.pid);
  try {
    child.kill("SIGKILL");
  } catch {
    // Already exited.
  }
}
