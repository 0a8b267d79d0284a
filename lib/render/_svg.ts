/**
 * Small helpers shared by the renderers: escaping text for XML (SVG) and
 * HTML, the fixed accent colours, number formatting, and the SVG
 * document wrapper every chart uses.
 *
 * Everything here is a pure function from plain data to a string.
 *
 * @module
 */

// Characters XML 1.0 does not allow at all (C0 controls other than tab, LF, CR,
// lone surrogates, U+FFFE and U+FFFF). They are replaced, not escaped.
const XML_INVALID =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const XML_SPECIAL = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for use in XML (SVG) text content and attribute values:
 * `&`, `<`, `>`, `"` and `'` become entities, and characters XML 1.0 forbids
 * (most C0 control characters, lone surrogates) become U+FFFD.
 *
 * @example Usage
 * ```ts
 * import { escapeXml } from "./_svg.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(escapeXml(`a < b & "c"`), "a &lt; b &amp; &quot;c&quot;");
 * ```
 *
 * @param text The text to escape.
 * @returns The escaped text.
 */
export function escapeXml(text: string): string {
  return String(text).replace(XML_INVALID, "\uFFFD").replace(
    XML_SPECIAL,
    (c) => XML_ENTITIES[c],
  );
}

/**
 * The fixed accent colours of every chart. They are mid-tone so that they
 * read on white and on dark backgrounds; text and axes use `currentColor`.
 *
 * @example Usage
 * ```ts
 * import { ACCENT } from "./_svg.ts";
 * const stroke = ACCENT.blue; // "#2b7bb9"
 * ```
 */
export const ACCENT = {
  /** Data, bytesWritten. */
  blue: "#2b7bb9",
  /** Resets, errors, write() returned false. */
  red: "#d9534f",
  /** Connections opened, drain, LISTEN. */
  green: "#3c9d5d",
  /** FIN, writableLength, half-open states. */
  orange: "#e69f00",
  /** Secondary marks and grid lines. */
  grey: "#8c8c8c",
  /** Multicast and broadcast. */
  purple: "#9467bd",
} as const;

/**
 * Formats a number for an SVG coordinate: at most one decimal, no trailing
 * `.0`, so that large drawings stay small.
 *
 * @example Usage
 * ```ts
 * import { formatCoordinate } from "./_svg.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(formatCoordinate(12.345), "12.3");
 * assertEquals(formatCoordinate(4), "4");
 * ```
 *
 * @param value The coordinate.
 * @returns The coordinate as short text.
 */
export function formatCoordinate(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return Object.is(rounded, -0) ? "0" : String(rounded);
}

/**
 * Formats milliseconds since the lab opened: `"0.4 ms"`, `"12 ms"`,
 * `"1.25 s"`.
 *
 * @example Usage
 * ```ts
 * import { formatMs } from "./_svg.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(formatMs(12.34), "12.3 ms");
 * assertEquals(formatMs(1250), "1.25 s");
 * ```
 *
 * @param ms A duration or time in milliseconds.
 * @returns A short human-readable time.
 */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs >= 1000) return `${Number((ms / 1000).toFixed(abs >= 100_000 ? 0 : 2))} s`;
  if (abs >= 100) return `${Math.round(ms)} ms`;
  return `${Number(ms.toFixed(1))} ms`;
}

/**
 * Shortens text to at most `max` characters, ending with `…` when cut.
 *
 * @example Usage
 * ```ts
 * import { truncate } from "./_svg.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(truncate("hello world", 6), "hello…");
 * ```
 *
 * @param text The text.
 * @param max The largest length of the result, at least 1.
 * @returns The text, cut if needed.
 */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return chars.slice(0, Math.max(0, max - 1)).join("") + "…";
}

/** Options of {@linkcode svgDocument}. */
export interface SvgDocumentOptions {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Accessible title (`<title>`), shown as a tooltip too. */
  title: string;
  /** The drawing: SVG elements, already escaped. */
  body: string;
  /** A class on the root element, to find the drawing in a page. */
  className?: string;
  /** A `<style>` sheet; scope its rules under `className` (it is global in HTML pages). */
  style?: string;
}

/**
 * Wraps a drawing in an `<svg>` root with `xmlns`, `viewBox`, `width` and
 * `height`, a sans-serif font, `currentColor` for text and lines, and a
 * `<title>`.
 *
 * @example Usage
 * ```ts
 * import { svgDocument } from "./_svg.ts";
 * import { assert } from "@std/assert";
 * const svg = svgDocument({ width: 10, height: 10, title: "dot", body: '<circle r="2"/>' });
 * assert(svg.startsWith("<svg"));
 * ```
 *
 * @param options Size, title, body and optional class and style.
 * @returns The SVG document as a string.
 */
export function svgDocument(options: SvgDocumentOptions): string {
  const { title, body, className, style } = options;
  const width = Math.max(1, Math.ceil(options.width));
  const height = Math.max(1, Math.ceil(options.height));
  const cls = className ? ` class="${escapeXml(className)}"` : "";
  return `<svg xmlns="http://www.w3.org/2000/svg"${cls} width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" ` +
    `fill="currentColor" stroke="none" role="img">` +
    `<title>${escapeXml(title)}</title>` +
    (style ? `<style>${style}</style>` : "") +
    body + `</svg>`;
}
