/**
 * The pieces every HTML table of socketlab is made of, written so that they
 * look the same in every notebook viewer:
 *
 * - JupyterLab right-aligns every cell of an output's table
 *   (`.jp-RenderedHTMLCommon td { text-align: right }`) and centres the
 *   table; an inline `style` wins over that rule and its sanitizer keeps
 *   `text-align`, `margin`, `padding`, `color` and `background-color`
 *   (tests/sanitizer_test.ts checks it). Viewers that drop `style` (GitHub)
 *   keep the `align` attribute, so each cell carries both.
 * - Text columns are left-aligned, numbers right-aligned.
 * - Tables take the page's colours; the only coloured text is in badges
 *   that bring their own background, so they read on light and dark themes.
 *
 * @module
 */

import { escapeXml } from "./_svg.ts";

/** How a column is aligned: text left, numbers right. */
export type Align = "left" | "right";

const PAD = "padding:2px 12px 2px 0";

/**
 * One table cell with its alignment as an attribute and an inline style.
 *
 * @example Usage
 * ```ts
 * import { cell } from "./_html.ts";
 * console.log(cell("td", "42", "right")); // <td align="right" style="text-align:right;...">42</td>
 * ```
 *
 * @param tag `td` or `th`.
 * @param html The content, already escaped.
 * @param align Its alignment.
 * @param style More inline style (e.g. `font-weight:bold`).
 * @returns The cell.
 */
export function cell(tag: "td" | "th", html: string, align: Align, style = ""): string {
  return `<${tag} align="${align}" style="text-align:${align};${PAD}${
    style ? `;${style}` : ""
  }">${html}</${tag}>`;
}

/**
 * The opening tag of a table: monospace, collapsed borders, aligned to the
 * left of the output (JupyterLab centres tables otherwise).
 *
 * @example Usage
 * ```ts
 * import { tableStart } from "./_html.ts";
 * console.log(tableStart("sl-demo").startsWith('<table class="sl-demo"')); // true
 * ```
 *
 * @param className The table's class, to find it in a page.
 * @returns The tag.
 */
export function tableStart(className: string): string {
  return `<table class="${className}" style="border-collapse:collapse;margin:0 0 8px 0;` +
    `font-family:monospace;font-size:12px;color:inherit">`;
}

/**
 * A table's header row, each heading aligned like its column.
 *
 * @example Usage
 * ```ts
 * import { headerRow } from "./_html.ts";
 * console.log(headerRow([["label", "left"], ["bytes", "right"]]));
 * ```
 *
 * @param columns The columns' names and alignments.
 * @returns The `<thead>`.
 */
export function headerRow(columns: readonly (readonly [string, Align])[]): string {
  const line = "border-bottom:1px solid currentColor";
  return `<thead><tr>${
    columns.map(([name, align]) => cell("th", escapeXml(name), align, line)).join("")
  }</tr></thead>`;
}

/** The badges' colours: a background and a text colour with a contrast of at least 4.5. */
export const BADGE = {
  /** LISTEN, nothing lost. */
  good: ["#1a7f37", "#ffffff"],
  /** ESTABLISHED. */
  info: ["#0969da", "#ffffff"],
  /** Half-open and closing states. */
  warn: ["#e69f00", "#1f2328"],
  /** CLOSE_WAIT, lost datagrams. */
  bad: ["#cf222e", "#ffffff"],
  /** TIME_WAIT. */
  quiet: ["#57606a", "#ffffff"],
} as const;

/**
 * Text on its own coloured background: it reads the same on light and dark
 * themes.
 *
 * @example Usage
 * ```ts
 * import { badge } from "./_html.ts";
 * console.log(badge("LISTEN", "good"));
 * ```
 *
 * @param text The text (escaped here).
 * @param tone Which colours.
 * @returns A `<span>`.
 */
export function badge(text: string, tone: keyof typeof BADGE): string {
  const [background, colour] = BADGE[tone];
  return `<span style="background-color:${background};color:${colour};padding:0 4px;` +
    `border-radius:3px;font-weight:bold">${escapeXml(text)}</span>`;
}
