/**
 * A watchdog the session runs in the kernel as soon as it answers: the kernel
 * leads a process group of its own (see `_process_group.ts`), so a Ctrl-C in
 * the terminal or the death of the process that started it no longer reaches
 * it. When its parent is gone (it has been re-parented), it ends its whole
 * group (itself and what its cells started).
 *
 * @module
 */

/**
 * The watchdog's source, run once in the kernel (silently, no execution count).
 *
 * @example Usage
 * ```ts
 * import { WATCHDOG } from "./_watchdog.ts";
 * console.log(WATCHDOG.includes("Deno.ppid")); // true
 * ```
 */
export const WATCHDOG = `{
  const parent = Deno.ppid;
  const watch = setInterval(() => {
    if (Deno.ppid === parent) return;
    try {
      Deno.kill(-Deno.pid, "SIGKILL");
    } catch {
      Deno.exit(1);
    }
  }, 500);
  Deno.unrefTimer(watch);
}`;
