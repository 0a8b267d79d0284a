/**
 * Splitting a file path into its folder and name, for the runner's own
 * needs (no `@std/path` dependency): `/` everywhere, also `\` on Windows.
 *
 * @module
 */

/**
 * A path's folder (`.` when it has none) and file name.
 *
 * @example Usage
 * ```ts
 * import { splitPath } from "./_path.ts";
 * console.log(splitPath("notebooks/01_tcp_server.ipynb")); // { dir: "notebooks", name: "01_tcp_server.ipynb" }
 * console.log(splitPath("/x.ipynb").dir, splitPath("x.ipynb").dir); // "/" "."
 * ```
 *
 * @param path A file path.
 * @returns Its folder and name.
 */
export function splitPath(path: string): { dir: string; name: string } {
  const at = Deno.build.os === "windows"
    ? Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))
    : path.lastIndexOf("/");
  return at < 0
    ? { dir: ".", name: path }
    : { dir: at === 0 ? "/" : path.slice(0, at), name: path.slice(at + 1) };
}
