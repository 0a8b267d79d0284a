/**
 * The labs open in this process, by title, so that re-running a notebook's
 * `Lab.open` cell closes the lab the previous run left open. Kept on
 * `globalThis`, so that two copies of the library loaded from different
 * URLs (a path import and the `socketlab` import) share it.
 *
 * @module
 */

/** What the registry needs of a lab. */
export interface Closable {
  /** Closes it; safe to call more than once. */
  close(): Promise<void>;
}

const KEY = Symbol.for("socketlab.labs");
const labs = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Map()) as Map<string, Closable>;

/**
 * Makes `lab` the open lab of `title` and closes the one it replaces, if
 * any. Claiming happens at once, so of two concurrent claims of one title
 * the later one wins and the earlier lab is closed too.
 *
 * @example Usage
 * ```ts
 * import { claim } from "./_registry.ts";
 * let closed = 0;
 * const first = { close: () => Promise.resolve(void closed++) };
 * await claim("title", first);
 * await claim("title", { close: () => Promise.resolve() });
 * console.log(closed); // 1
 * ```
 *
 * @param title The lab's title.
 * @param lab The new lab.
 * @returns Resolves when the lab it replaced is closed.
 */
export async function claim(title: string, lab: Closable): Promise<void> {
  const previous = labs.get(title);
  labs.set(title, lab);
  if (previous !== undefined && previous !== lab) await previous.close();
}

/**
 * Forgets `lab` as the open lab of `title` (it is closing), unless another
 * lab has claimed the title since.
 *
 * @param title The lab's title.
 * @param lab The lab that is closing.
 */
export function release(title: string, lab: Closable): void {
  if (labs.get(title) === lab) labs.delete(title);
}
