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

/** What a {@linkcode Figure} shows: always plain text, plus HTML or SVG. */
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
 * import { Figure } from "./figure.ts";
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

  /**
   * A figure for an SVG drawing. It is shown as HTML with the SVG inline, not
   * as `image/svg+xml`: JupyterLab puts SVG images in an `<img>`, where
   * `currentColor` is always black and the drawing is lost on a dark theme;
   * inline, it takes the page's text colour.
   *
   * @example Usage
   * ```ts
   * import { Figure } from "./figure.ts";
   * const figure = Figure.fromSvg('<svg xmlns="http://www.w3.org/2000/svg"/>', "an empty drawing");
   * console.log(figure.svg !== undefined); // true
   * ```
   *
   * @param svg The SVG document.
   * @param text The plain-text fallback.
   * @returns The figure.
   */
  static fromSvg(svg: string, text: string): Figure {
    const figure = new Figure({ "text/html": svg, "text/plain": text });
    figure.#svg = svg;
    return figure;
  }

  #svg: string | undefined;

  /** The plain-text form. */
  get text(): string {
    return this.bundle["text/plain"];
  }

  /** The HTML form, if any. */
  get html(): string | undefined {
    return this.bundle["text/html"];
  }

  /** The SVG drawing, if the figure is one. */
  get svg(): string | undefined {
    return this.#svg ?? this.bundle["image/svg+xml"];
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
