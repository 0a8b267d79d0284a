/**
 * Writing a file so that it is never seen half-written: the bytes go to a
 * temporary file beside it, are flushed to disk, and the temporary file is
 * renamed over the original. On any failure (a full disk, a kill) the
 * original stays as it was.
 *
 * @module
 */

import { splitPath } from "../_path.ts";

/** The file's permission bits, to give the replacement the same; 0o644 for a new file. */
async function modeOf(path: string): Promise<number> {
  try {
    const mode = (await Deno.stat(path)).mode;
    return mode === null ? 0o644 : mode & 0o7777;
  } catch {
    return 0o644;
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    offset += await file.write(bytes.subarray(offset));
  }
}

/** Flushes the folder's entry of the renamed file; not possible everywhere, hence best effort. */
async function syncDir(dir: string): Promise<void> {
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Windows cannot open a folder; the rename itself is still atomic.
  }
}

/**
 * Replaces `path` with `text` atomically: a temporary file
 * `.<name>.<pid>-<random>.tmp` beside it is written, flushed (`fsync`) and
 * renamed over `path`. If anything fails, the temporary file is removed and
 * `path` is untouched; a process killed mid-write leaves only the temporary
 * file behind.
 *
 * @example Usage
 * ```ts
 * import { writeTextFileAtomic } from "./_atomic_write.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeTextFileAtomic(`${dir}/a.json`, "{}\n");
 * console.log(await Deno.readTextFile(`${dir}/a.json`)); // "{}\n"
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path The file to replace (or create).
 * @param text Its new contents.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const { dir, name } = splitPath(path);
  const temp = `${dir}/.${name}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  const mode = await modeOf(path);
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode });
      await writeAll(file, new TextEncoder().encode(text));
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncDir(dir);
}
