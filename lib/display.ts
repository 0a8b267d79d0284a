/**
 * The thin Jupyter glue: an object the Deno kernel shows as rich output and
 * a terminal shows as text.
 *
 * The Deno kernel displays any value that has a
 * `[Symbol.for("Jupyter.display")]()` method returning a MIME bundle;
 * `Deno.inspect` (and so `console.log`) uses `[Symbol.for("Deno.customInspect")]`.
 *
 * @module
 */

/** The key the Deno Jupyter kernel looks for to display a value richly. */
export const jupyterDisplay: unique symbol = Symbol.for("Jupyter.display");

/** The key `Deno.inspect` looks for to print a value. */
export const denoInspect: unique symbol = Symbol.for("Deno.customInspect");

/**
 * What a {@linkcode Figure} shows: always plain text, plus HTML or SVG.
 *
 * @example Usage
 * ```ts
 * import type { MimeBundle } from "socketlab";
 * const bundle: MimeBundle = { "text/plain": "hello", "text/html": "<b>hello</b>" };
 * ```
 */
export interface MimeBundle {
  /** The fallback every front end can show (terminals, plain-text viewers). */
  readonly "text/plain": string;
  /** Rich HTML. */
  readonly "text/html"?: string;
  /** An SVG image. */
  readonly "image/svg+xml"?: string;
}

/**
 * A rendered view: displayed as its richest form in Jupyter, as text in a
 * terminal.
 *
 * @example Usage
 * ```ts
 * import { Figure } from "socketlab";
 * const figure = new Figure({ "text/plain": "2 events", "text/html": "<p>2 events</p>" });
 * console.log(String(figure)); // "2 events"
 * ```
 */
export class Figure {
  /** The MIME bundle shown in Jupyter. */
  readonly bundle: MimeBundle;

  /**
   * Wraps a MIME bundle.
   *
   * @param bundle The forms to show; `text/plain` is required.
   */
  constructor(bundle: MimeBundle) {
    this.bundle = bundle;
  }

  /** The plain-text form. */
  get text(): string {
    return this.bundle["text/plain"];
  }

  /** The HTML form, if any. */
  get html(): string | undefined {
    return this.bundle["text/html"];
  }

  /** The SVG form, if any. */
  get svg(): string | undefined {
    return this.bundle["image/svg+xml"];
  }

  /**
   * The bundle the Deno kernel displays.
   *
   * @returns The MIME bundle.
   */
  [jupyterDisplay](): MimeBundle {
    return this.bundle;
  }

  /**
   * The text `Deno.inspect` prints.
   *
   * @returns The plain-text form.
   */
  [denoInspect](): string {
    return this.text;
  }

  /**
   * The plain-text form.
   *
   * @returns The plain-text form.
   */
  toString(): string {
    return this.text;
  }
}
