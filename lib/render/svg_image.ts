/**
 * An SVG drawing as HTML that every notebook viewer shows: an `<img>` whose
 * source is the drawing as a `data:image/svg+xml;base64,...` URL.
 *
 * Inline `<svg>` is removed by JupyterLab's sanitizer (untrusted notebooks)
 * and by GitHub's; an `<img>` with a `data:` source survives both, and
 * nbconvert and VS Code show it too. The image keeps its drawn size
 * (`max-width:none`) inside a box that scrolls sideways, so a wide diagram
 * scrolls instead of shrinking its text below 10 px. An `<img>` cannot take
 * the page's colours: socketlab's drawings bring their own background.
 *
 * @module
 */

const SVG_ROOT = /^\s*(?:<\?xml[^>]*>\s*)?<svg\b[^>]*>/;

/**
 * The width and height an SVG document declares on its root element.
 *
 * @example Usage
 * ```ts
 * import { svgSize } from "socketlab/render";
 * import { assertEquals } from "@std/assert";
 * assertEquals(svgSize('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"/>'), { width: 40, height: 20 });
 * ```
 *
 * @param svg An SVG document.
 * @returns Its size in px, or `undefined` for one that declares none.
 */
export function svgSize(svg: string): { width: number; height: number } | undefined {
  const root = SVG_ROOT.exec(svg)?.[0] ?? "";
  const width = Number(/\swidth="([\d.]+)(?:px)?"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)(?:px)?"/.exec(root)?.[1]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/**
 * Whether a string is nothing but one SVG document (as a notebook passes a
 * renderer's output as `text/html`).
 *
 * @example Usage
 * ```ts
 * import { isSvgDocument } from "socketlab/render";
 * console.log(isSvgDocument('<svg xmlns="http://www.w3.org/2000/svg"></svg>')); // true
 * console.log(isSvgDocument("<p>text</p>")); // false
 * ```
 *
 * @param text Anything.
 * @returns `true` for an SVG document.
 */
export function isSvgDocument(text: unknown): text is string {
  return typeof text === "string" && SVG_ROOT.test(text) && /<\/svg>\s*$|\/>\s*$/.test(text);
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * An SVG drawing as HTML every notebook viewer shows: an `<img>` with the
 * drawing as a `data:` URL, at its own size, in a box that scrolls sideways
 * when the drawing is wider than the page. Its `alt` text is the drawing's
 * `<title>`.
 *
 * @example Usage
 * ```ts
 * import { renderSvgImageHtml } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const html = renderSvgImageHtml(
 *   '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><title>a box</title></svg>',
 * );
 * assertStringIncludes(html, 'src="data:image/svg+xml;base64,');
 * assertStringIncludes(html, 'width="40" height="20" alt="a box"');
 * ```
 *
 * @param svg The SVG document.
 * @returns The HTML.
 */
export function renderSvgImageHtml(svg: string): string {
  const size = svgSize(svg);
  const dimensions = size ? ` width="${size.width}" height="${size.height}"` : "";
  // The title is XML text, already escaped for an attribute value.
  const alt = (/<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? "drawing").replaceAll('"', "&quot;");
  return `<div class="sl-figure" style="overflow-x:auto;max-width:100%;text-align:left">` +
    `<img src="data:image/svg+xml;base64,${base64(svg)}"${dimensions} alt="${alt}" ` +
    `style="max-width:none;height:auto;display:block;margin:0"></div>`;
}
