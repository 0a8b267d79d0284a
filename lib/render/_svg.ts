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
 * The fixed accent colours of every chart: lines, markers and table badges.
 * Text and axes use the drawing's ink ({@linkcode PALETTE}).
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

/**
 * The drawing's own colours. A drawing is shown inside an `<img>` (see
 * `lib/jupyter/figure.ts`), where it cannot inherit the page's colours: it
 * brings a light background (`PAPER`) and dark text (`INK`), so it reads the
 * same on light and dark themes.
 *
 * @example Usage
 * ```ts
 * import { PALETTE } from "./_svg.ts";
 * const background = PALETTE.paper; // "#ffffff"
 * ```
 */
export const PALETTE = {
  /** The background of every drawing. */
  paper: "#ffffff",
  /** Text, axes and lane outlines (currentColor inside a drawing). */
  ink: "#1f2328",
  /** The frame around a drawing, so a white drawing on a white page has an edge. */
  frame: "#d0d7de",
} as const;

// Advance widths in em of a sans-serif face, rounded up from DejaVu Sans (the
// widest common default): renderers use them to make room for their text.
const NARROW = /[ijlI.,:;'!|()[\]{}\/ ]/;
const WIDE = /[mwMW@%—…→×]/;

/**
 * An upper estimate of the width of a line of text in a sans-serif face,
 * so that a drawing can make room for it: text must stay inside the
 * drawing, whatever font the viewer picks.
 *
 * @example Usage
 * ```ts
 * import { textWidth } from "./_svg.ts";
 * import { assert } from "@std/assert";
 * assert(textWidth("node:net watched", 12) > 90);
 * assert(textWidth("客户端", 12) >= 36);
 * ```
 *
 * @param text One line of text.
 * @param fontSize The font size in px.
 * @param bold Whether it is drawn in bold (about 10 % wider).
 * @returns The width in px.
 */
export function textWidth(text: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0x1100 && !(code >= 0x2000 && code < 0x2e80)) em += 1; // CJK, fullwidth
    else if (NARROW.test(ch)) em += 0.36;
    else if (WIDE.test(ch)) em += 1;
    else if (ch >= "A" && ch <= "Z") em += 0.74;
    else em += 0.64;
  }
  return em * fontSize * (bold ? 1.1 : 1);
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
 * `height`, a sans-serif font, the drawing's own colours ({@linkcode PALETTE}:
 * a framed light background, `currentColor` set to the ink) and a `<title>`.
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
    `color="${PALETTE.ink}" fill="currentColor" stroke="none" role="img">` +
    `<title>${escapeXml(title)}</title>` +
    (style ? `<style>${style}</style>` : "") +
    `<rect class="paper" x=".5" y=".5" width="${width - 1}" height="${height - 1}" ` +
    `fill="${PALETTE.paper}" stroke="${PALETTE.frame}"/>` +
    body + `</svg>`;
}

/**
 * Shortens text until it fits a width (by {@linkcode textWidth}), ending
 * with `…` when cut.
 *
 * @example Usage
 * ```ts
 * import { fitText, textWidth } from "./_svg.ts";
 * import { assert } from "@std/assert";
 * const label = fitText("a very long label that cannot fit in a lane box", 100, 12);
 * assert(label.endsWith("…") && textWidth(label, 12) <= 100);
 * ```
 *
 * @param text The text.
 * @param maxWidth The widest it may be, in px.
 * @param fontSize The font size in px.
 * @param bold Whether it is drawn in bold.
 * @returns The text, cut if needed.
 */
export function fitText(text: string, maxWidth: number, fontSize: number, bold = false): string {
  if (textWidth(text, fontSize, bold) <= maxWidth) return text;
  const chars = Array.from(text);
  let keep = chars.length - 1;
  while (keep > 0 && textWidth(chars.slice(0, keep).join("") + "…", fontSize, bold) > maxWidth) {
    keep--;
  }
  return chars.slice(0, keep).join("") + "…";
}
