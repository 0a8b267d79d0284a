/**
 * What a notebook's metadata tells the runner: which kernel it was written
 * for, and its own execution settings (time-out, allowed errors).
 *
 * @module
 */

import { NotebookError } from "../errors.ts";
import type { Notebook } from "./notebook.ts";

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

const DENO_LANGUAGES = new Set(["typescript", "javascript"]);

/**
 * Throws a {@linkcode NotebookError} unless the notebook was written for the
 * Deno kernel: its `metadata.kernelspec.name` (when set) must be `deno`, and
 * its `kernelspec.language` and `language_info.name` (when set) TypeScript or
 * JavaScript. A notebook that names no kernel at all is accepted.
 *
 * @example Usage
 * ```ts
 * import { checkDenoKernel } from "./_metadata.ts";
 *
 * const python = {
 *   nbformat: 4, nbformat_minor: 5, cells: [],
 *   metadata: { kernelspec: { name: "python3", language: "python", display_name: "Python 3" } },
 * };
 * try {
 *   checkDenoKernel(python, "a.ipynb");
 * } catch (error) {
 *   console.log((error as Error).message.startsWith("a.ipynb: written for the kernel")); // true
 * }
 * ```
 *
 * @param notebook The notebook.
 * @param path Its path, for the message.
 */
export function checkDenoKernel(notebook: Notebook, path: string): void {
  const spec = notebook.metadata.kernelspec;
  const name = field(spec, "name");
  const languages = [field(spec, "language"), field(notebook.metadata.language_info, "name")]
    .filter((language) => language !== undefined);
  const denoName = name === undefined || name === "deno";
  const denoLanguage = languages.every((language) =>
    DENO_LANGUAGES.has(String(language).toLowerCase())
  );
  if (denoName && denoLanguage) return;
  throw new NotebookError(
    `${path}: written for the kernel ${JSON.stringify(name ?? null)} (language ${
      languages.map((language) => JSON.stringify(language)).join(", ") || "not set"
    }), not for Deno; the runner executes notebooks on the Deno kernel only, so it left the ` +
      "file as it is. Run it with --any-kernel (anyKernel: true) to execute it on Deno anyway.",
  );
}

/**
 * Execution settings a notebook carries in its metadata.
 */
export interface NotebookSettings {
  /** Per-cell time-out in ms, when the notebook sets one. */
  timeout?: number;
  /** Whether the notebook allows errors, when it says so. */
  allowErrors?: boolean;
}

function readTimeout(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new NotebookError(
      `${where} must be a positive number of seconds, got ${JSON.stringify(value)}; ` +
        "fix or remove it in the notebook's metadata",
    );
  }
  return value * 1000;
}

function readFlag(value: unknown, where: string): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  throw new NotebookError(`${where} must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * Reads a notebook's execution settings: `metadata.socketlab.timeout`
 * (seconds) and `metadata.socketlab.allow_errors`, else the same keys under
 * `metadata.execution` (nbmake's convention).
 *
 * @example Usage
 * ```ts
 * import { notebookSettings } from "./_metadata.ts";
 *
 * const notebook = {
 *   nbformat: 4, nbformat_minor: 5, cells: [],
 *   metadata: { socketlab: { timeout: 120 }, execution: { allow_errors: true } },
 * };
 * console.log(notebookSettings(notebook, "a.ipynb")); // { timeout: 120000, allowErrors: true }
 * ```
 *
 * @param notebook The notebook.
 * @param path Its path, for error messages.
 * @returns The settings it sets.
 * @throws {NotebookError} When a setting has the wrong type.
 */
export function notebookSettings(notebook: Notebook, path: string): NotebookSettings {
  const settings: NotebookSettings = {};
  for (const key of ["socketlab", "execution"]) {
    const section = notebook.metadata[key];
    const where = `${path}: metadata.${key}`;
    settings.timeout ??= readTimeout(field(section, "timeout"), `${where}.timeout`);
    settings.allowErrors ??= readFlag(field(section, "allow_errors"), `${where}.allow_errors`);
  }
  if (settings.timeout === undefined) delete settings.timeout;
  if (settings.allowErrors === undefined) delete settings.allowErrors;
  return settings;
}
