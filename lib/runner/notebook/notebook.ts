/**
 * nbformat v4 notebooks: read, validate and write them the way Jupyter does
 * (sorted keys, one-space indentation, multi-line strings as lists of lines,
 * a final newline), keeping every field the runner does not own.
 *
 * @module
 */

import { NotebookError } from "../errors.ts";
import { writeTextFileAtomic } from "./_atomic_write.ts";

/**
 * One output of a code cell (`stream`, `display_data`, `execute_result` or `error`).
 */
export interface Output {
  /** The kind of output. */
  output_type: string;
  /** Any other nbformat field (`name`, `text`, `data`, `metadata`, `ename`, ...). */
  [field: string]: unknown;
}

/**
 * A notebook cell. Multi-line fields are held as single strings in memory.
 */
export interface Cell {
  /** `"code"`, `"markdown"` or `"raw"`. */
  cell_type: string;
  /** The cell's source text. */
  source: string;
  /** Cell metadata (`tags`, `execution`, ...). */
  metadata: Record<string, unknown>;
  /** Outputs of a code cell. */
  outputs?: Output[];
  /** Execution count of a code cell. */
  execution_count?: number | null;
  /** Any other field (`id`, `attachments`, ...), kept as it is. */
  [field: string]: unknown;
}

/**
 * An nbformat v4 notebook.
 */
export interface Notebook {
  /** Always 4. */
  nbformat: number;
  /** Minor format version, kept as it is. */
  nbformat_minor: number;
  /** Notebook metadata, kept as it is. */
  metadata: Record<string, unknown>;
  /** The cells in order. */
  cells: Cell[];
  /** Any other top-level field, kept as it is. */
  [field: string]: unknown;
}

// Mime types that nbformat stores as lists of lines besides text/*.
const SPLIT_MIMES = new Set(["application/javascript", "image/svg+xml"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function joinLines(value: unknown): unknown {
  return Array.isArray(value) && value.every((line) => typeof line === "string")
    ? value.join("")
    : value;
}

/** Python's `str.splitlines(keepends=True)`, which nbformat uses. */
function splitLines(text: string): string[] {
  return text.match(
    // Python's line boundaries include the control characters FS, GS and RS.
    // deno-lint-ignore no-control-regex
    /[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]|$)/g,
  )!
    .filter((line) => line !== "");
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || (mime.startsWith("application/") && mime.endsWith("+json"));
}

function mapMimeBundle(
  bundle: unknown,
  map: (mime: string, value: unknown) => unknown,
): unknown {
  if (!isObject(bundle)) return bundle;
  return Object.fromEntries(
    Object.entries(bundle).map(([mime, value]) => [mime, map(mime, value)]),
  );
}

function mapMultiline(
  notebook: Notebook,
  text: (value: unknown) => unknown,
  mime: (mime: string, value: unknown) => unknown,
): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell) => {
      const out: Cell = { ...cell, source: text(cell.source) as string };
      if (isObject(cell.attachments)) {
        out.attachments = Object.fromEntries(
          Object.entries(cell.attachments).map(([name, bundle]) => [
            name,
            mapMimeBundle(bundle, mime),
          ]),
        );
      }
      if (Array.isArray(cell.outputs)) {
        out.outputs = cell.outputs.map((output) => {
          if (output.output_type === "stream") return { ...output, text: text(output.text) };
          if (output.output_type === "display_data" || output.output_type === "execute_result") {
            return { ...output, data: mapMimeBundle(output.data, mime) };
          }
          return output;
        });
      }
      return out;
    }),
  };
}

/**
 * Parses and validates notebook JSON. Multi-line fields stored as lists of
 * lines are joined into strings. `name` is used in error messages.
 *
 * @example
 * ```ts
 * import { parseNotebook } from "./notebook.ts";
 *
 * const notebook = parseNotebook(
 *   '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [' +
 *     '{"cell_type": "code", "source": ["a = 1\\n", "a"], "metadata": {}, "outputs": [], "execution_count": null}]}',
 *   "x.ipynb",
 * );
 * console.log(notebook.cells[0].source); // "a = 1\na"
 * ```
 *
 * @param text The file's contents.
 * @param name The file's name, for error messages.
 * @returns The notebook.
 * @throws {NotebookError} When the text is not JSON or not an nbformat v4 notebook.
 */
export function parseNotebook(text: string, name: string): Notebook {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotebookError(`${name}: not valid JSON (${reason})`, { cause: error });
  }
  if (!isObject(value)) {
    throw new NotebookError(`${name}: expected a JSON object with "nbformat" and "cells"`);
  }
  if (value.nbformat !== 4) {
    throw new NotebookError(
      `${name}: nbformat ${JSON.stringify(value.nbformat ?? null)} is not supported; ` +
        "expected nbformat 4 (convert it with Jupyter first)",
    );
  }
  if (!Array.isArray(value.cells)) {
    throw new NotebookError(
      `${name}: "cells" must be an array, got ${JSON.stringify(value.cells)}`,
    );
  }
  if (value.metadata !== undefined && !isObject(value.metadata)) {
    throw new NotebookError(`${name}: "metadata" must be an object`);
  }
  value.cells.forEach((cell: unknown, i: number) => {
    const where = `${name}: cell ${i + 1}`;
    if (!isObject(cell)) throw new NotebookError(`${where} is not an object`);
    if (!["code", "markdown", "raw"].includes(cell.cell_type as string)) {
      throw new NotebookError(
        `${where} has cell_type ${
          JSON.stringify(cell.cell_type)
        }; expected "code", "markdown" or "raw"`,
      );
    }
    const source = joinLines(cell.source);
    if (source === undefined) throw new NotebookError(`${where} has no "source"`);
    if (typeof source !== "string") {
      throw new NotebookError(`${where}: "source" must be a string or a list of strings`);
    }
    if (cell.metadata !== undefined && !isObject(cell.metadata)) {
      throw new NotebookError(`${where}: "metadata" must be an object`);
    }
    if (cell.cell_type === "code") {
      if (cell.outputs !== undefined && !Array.isArray(cell.outputs)) {
        throw new NotebookError(`${where}: "outputs" must be an array`);
      }
      for (const output of (cell.outputs ?? []) as unknown[]) {
        if (!isObject(output) || typeof output.output_type !== "string") {
          throw new NotebookError(`${where} has an output without "output_type"`);
        }
      }
    }
  });
  const notebook = {
    ...value,
    nbformat_minor: typeof value.nbformat_minor === "number" ? value.nbformat_minor : 0,
    metadata: value.metadata ?? {},
    cells: (value.cells as Cell[]).map((cell) =>
      cell.cell_type === "code"
        ? {
          ...cell,
          metadata: cell.metadata ?? {},
          outputs: cell.outputs ?? [],
          execution_count: cell.execution_count ?? null,
        }
        : { ...cell, metadata: cell.metadata ?? {} }
    ),
  } as Notebook;
  return mapMultiline(notebook, joinLines, joinLinesUnlessJson);
}

function joinLinesUnlessJson(mime: string, value: unknown): unknown {
  return isJsonMime(mime) ? value : joinLines(value);
}

/**
 * Reads and validates a notebook file.
 *
 * @example
 * ```ts ignore
 * import { readNotebook } from "./notebook.ts";
 *
 * const notebook = await readNotebook("notebooks/01_tcp_server.ipynb");
 * console.log(notebook.cells.length);
 * ```
 *
 * @param path The `.ipynb` file.
 * @returns The notebook.
 * @throws {NotebookError} When the file is missing, unreadable or invalid.
 */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new NotebookError(`${path}: no such file`, { cause: error });
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new NotebookError(`${path}: is a directory, expected an .ipynb file`, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotebookError(`${path}: cannot be read (${reason})`, { cause: error });
  }
  return parseNotebook(text, path);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]),
  );
}

/**
 * Serializes a notebook like Jupyter: keys sorted, one-space indentation,
 * multi-line text as lists of lines, and a final newline.
 *
 * @example
 * ```ts
 * import { formatNotebook } from "./notebook.ts";
 *
 * const text = formatNotebook({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
 * console.log(text.endsWith("}\n")); // true
 * ```
 *
 * @param notebook The notebook.
 * @returns The file's contents.
 */
export function formatNotebook(notebook: Notebook): string {
  const split = mapMultiline(
    notebook,
    (value) => typeof value === "string" ? splitLines(value) : value,
    (mime, value) =>
      typeof value === "string" && (mime.startsWith("text/") || SPLIT_MIMES.has(mime))
        ? splitLines(value)
        : value,
  );
  return JSON.stringify(sortKeys(split), null, 1) + "\n";
}

/**
 * Writes a notebook with {@linkcode formatNotebook}, atomically: to a
 * temporary file beside it, flushed, then renamed over the original, so that
 * a failure or a kill mid-write leaves the original intact.
 *
 * @example
 * ```ts
 * import { readNotebook, writeNotebook } from "./notebook.ts";
 *
 * const path = await Deno.makeTempFile({ suffix: ".ipynb" });
 * await writeNotebook(path, { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] });
 * console.log((await readNotebook(path)).nbformat); // 4
 * await Deno.remove(path);
 * ```
 *
 * @param path Where to write.
 * @param notebook What to write.
 */
export async function writeNotebook(path: string, notebook: Notebook): Promise<void> {
  await writeTextFileAtomic(path, formatNotebook(notebook));
}
