/**
 * Short, printable previews of payloads: at most {@linkcode PREVIEW_BYTES}
 * bytes (or characters of a string), line breaks as `↵`, control characters
 * and invalid UTF-8 as `·`, and `…` when there was more.
 *
 * The recorder copies at most {@linkcode PREVIEW_BYTES} bytes of each payload
 * into the event log; the text is decoded only when an event is read.
 *
 * @module
 */

/** How many bytes (or characters of a string payload) a preview shows. */
export const PREVIEW_BYTES = 40;

/**
 * The preview of a payload as the recorder sees it: bytes, a string (a
 * socket with `setEncoding`), or an array of chunks (its first chunk).
 *
 * @example Usage
 * ```ts
 * import { preview } from "./_preview.ts";
 * console.log(preview(new TextEncoder().encode("hi\n"))); // "hi↵"
 * ```
 *
 * @param chunk A payload.
 * @returns The preview, or `undefined` for anything that is not a payload.
 */
export function preview(chunk: unknown): string | undefined {
  if (typeof chunk === "string") return textPreview(chunk);
  if (chunk instanceof Uint8Array) {
    return bytesPreview(chunk, 0, Math.min(chunk.byteLength, PREVIEW_BYTES), {
      more: chunk.byteLength > PREVIEW_BYTES,
    });
  }
  if (Array.isArray(chunk) && chunk.length > 0) return preview(chunk[0]);
  return undefined;
}

/** Scratch space for building previews: at most two code units per byte or character. */
const UNITS: number[] = [];

/**
 * One flat string from {@linkcode UNITS} (no rope, and no slice that keeps a
 * large payload string alive in the trace).
 */
function fromUnits(more: boolean): string {
  if (more) UNITS.push(0x2026); // …
  const text = String.fromCharCode.apply(null, UNITS);
  UNITS.length = 0;
  return text;
}

function printable(code: number): number {
  if (code === 0x0a) return 0x21b5; // ↵
  if (code === 0x09) return code;
  return code < 0x20 || code === 0x7f || code === 0xfffd ? 0xb7 : code;
}

/**
 * The preview of a string payload: its first {@linkcode PREVIEW_BYTES}
 * characters, as a new flat string.
 *
 * @example Usage
 * ```ts
 * import { textPreview } from "./_preview.ts";
 * console.log(textPreview("a\tb\x01")); // "a\tb·"
 * ```
 *
 * @param text The payload.
 * @returns The preview.
 */
export function textPreview(text: string): string {
  const n = Math.min(text.length, PREVIEW_BYTES);
  UNITS.length = 0;
  for (let i = 0; i < n; i++) UNITS.push(printable(text.charCodeAt(i)));
  return fromUnits(text.length > PREVIEW_BYTES);
}

/**
 * Decodes `length` bytes of `bytes` from `offset` as UTF-8 by hand (this
 * runs for every event read, so no decoder object and no regular
 * expression). A character cut at the end becomes `·`.
 *
 * @example Usage
 * ```ts
 * import { bytesPreview } from "./_preview.ts";
 * const bytes = new TextEncoder().encode("你好\n");
 * console.log(bytesPreview(bytes, 0, bytes.byteLength)); // "你好↵"
 * ```
 *
 * @param bytes Where the bytes are.
 * @param offset The first byte.
 * @param length How many bytes (at most {@linkcode PREVIEW_BYTES} are shown).
 * @param options `more`: add `…` (the payload was longer than what was kept).
 * @returns The preview.
 */
export function bytesPreview(
  bytes: Uint8Array,
  offset: number,
  length: number,
  options: { more?: boolean } = {},
): string {
  const end = offset + Math.min(length, PREVIEW_BYTES);
  UNITS.length = 0;
  let i = offset;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) {
      UNITS.push(printable(b));
      i++;
      continue;
    }
    const size = b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    let code = size === 4 ? b & 0x07 : size === 3 ? b & 0x0f : b & 0x1f;
    let valid = size !== 0 && i + size <= end;
    for (let k = 1; valid && k < size; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) valid = false;
      else code = (code << 6) | (c & 0x3f);
    }
    if (
      valid &&
      ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff ||
        (size === 3 && code < 0x800) || (size === 4 && code < 0x10000))
    ) valid = false;
    if (!valid) {
      UNITS.push(0xb7);
      i++;
    } else if (code > 0xffff) {
      UNITS.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
      i += size;
    } else {
      UNITS.push(printable(code));
      i += size;
    }
  }
  return fromUnits(options.more ?? false);
}
