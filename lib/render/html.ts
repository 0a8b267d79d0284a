/**
 * Escaping for HTML and XML text and attributes.
 *
 * @module
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes `& < > " '` so that text can go into HTML or SVG, in element
 * content or a quoted attribute.
 *
 * @example Usage
 * ```ts
 * import { escapeHtml } from "socketlab";
 * console.log(escapeHtml("<b> & co")); // "&lt;b&gt; &amp; co"
 * ```
 *
 * @param text Any text.
 * @returns The escaped text.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
