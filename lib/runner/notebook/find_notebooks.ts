/**
 * Discovering the notebooks of a folder.
 *
 * @module
 */

/**
 * Lists the `.ipynb` files directly inside `dir`, sorted by name
 * (sub-folders such as `.ipynb_checkpoints` are not searched). A missing
 * folder gives an empty list.
 *
 * @example
 * ```ts
 * import { findNotebooks } from "socketlab/runner";
 *
 * const paths = await findNotebooks("notebooks");
 * console.log(paths.every((path) => path.endsWith(".ipynb"))); // true
 * ```
 *
 * @param dir The folder; default `"notebooks"`.
 * @returns Paths of the form `${dir}/${name}`.
 */
export async function findNotebooks(dir = "notebooks"): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".ipynb")) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  const base = dir.endsWith("/") ? dir.slice(0, -1) : dir;
  return names.sort().map((name) => `${base}/${name}`);
}
