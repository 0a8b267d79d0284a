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

import { isSvgDocument, renderSvgImageHtml } from "../render/svg_image.ts";

/**
 * What a {@linkcode Figure} shows: always plain text, plus HTML. A drawing
 * given as `image/svg+xml` is turned into HTML (see {@linkcode Figure}).
 */
export interface MimeBundle {
  /** The fallback every front end can show (terminals, plain-text viewers). */
  readonly "text/plain": string;
  /** Rich HTML. */
  readonly "text/html"?: string;
  /** An SVG drawing; a {@linkcode Figure} shows it as HTML instead. */
  readonly "image/svg+xml"?: string;
}

// Why drawings are shown as `<img src="data:image/svg+xml;base64,...">` inside
// text/html, and nothing else:
// - JupyterLab 4 and Notebook 7 show an untrusted notebook's HTML through their
//   sanitizer, which removes inline <svg> (and its <style>) but keeps an <img>
//   with a data: source and the inline styles used here; they never show
//   image/svg+xml in an untrusted notebook (its renderer is not "safe"), so a
//   bundle with it falls back to text/plain. tests/sanitizer_test.ts runs
//   JupyterLab's own sanitizer over every figure.
// - nbconvert (6.5 and 7.x) prefers text/html and keeps the <img>; 6.5 passes
//   image/svg+xml through a cleaner that strips the drawing's children.
// - GitHub's preview does not render inline SVG; an <img> with a data: source
//   is reported to render. VS Code shows all of these forms.
// - An <img> cannot inherit the page's colours, so every drawing brings its own
//   background and ink (lib/render/_svg.ts): it reads on dark themes too.
// - image/png would render in more places still (nbconvert --sanitize-html),
//   but it needs a rasteriser with its own fonts, is several times the size of
//   the SVG in the notebook and is blurry when zoomed: not added.
// The <img> keeps its drawn size (max-width:none) inside a box that scrolls
// sideways, so a wide diagram scrolls instead of shrinking its text
// (lib/render/svg_image.ts).

/**
 * A rendered view: displayed as its richest form in Jupyter, as text in a
 * terminal. A drawing (a bundle with `image/svg+xml`, or whose `text/html`
 * is nothing but an `<svg>` document) is shown as HTML holding an `<img>` of
 * it, the one form every notebook viewer shows: JupyterLab and Notebook 7
 * with the notebook untrusted, nbconvert, VS Code and GitHub.
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
  #svg: string | undefined;

  /**
   * Wraps a MIME bundle; a drawing in it is shown as an `<img>` (see above).
   *
   * @param bundle The forms to show; `text/plain` is required.
   */
  constructor(bundle: MimeBundle) {
    const html = bundle["text/html"];
    const svg = isSvgDocument(html)
      ? html
      : html === undefined
      ? bundle["image/svg+xml"]
      : undefined;
    if (svg === undefined) {
      this.bundle = bundle;
      return;
    }
    this.#svg = svg;
    this.bundle = { "text/html": renderSvgImageHtml(svg), "text/plain": bundle["text/plain"] };
  }

  /**
   * A figure for an SVG drawing, shown as an `<img>` inside HTML (see
   * {@linkcode Figure}), with a plain-text fallback.
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
    return new Figure({ "image/svg+xml": svg, "text/plain": text });
  }

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
    return this.#svg;
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
