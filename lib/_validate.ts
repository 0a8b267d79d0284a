/**
 * The one home of argument checks: every option and argument socketlab
 * validates goes through these, so every error names the value, says what
 * was expected, and has the same type (`TypeError` for the wrong kind of
 * value, `RangeError` for a number out of range).
 *
 * @module
 */

/**
 * A short description of a value for error messages: strings quoted,
 * objects by their constructor's name.
 *
 * @example Usage
 * ```ts
 * import { describeValue } from "./_validate.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(describeValue("5"), '"5"');
 * assertEquals(describeValue(new Map()), "an object of type Map");
 * assertEquals(describeValue(5), "number 5");
 * ```
 *
 * @param value Anything.
 * @returns The description.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") {
    const name = (value as object).constructor?.name;
    return name ? `an object of type ${name}` : "an object";
  }
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks a number argument or option: a `TypeError` naming the value if it
 * is not a number, a `RangeError` if it is one that `ok` refuses.
 *
 * @example Usage
 * ```ts
 * import { checkNumber } from "./_validate.ts";
 * import { assertThrows } from "@std/assert";
 * const positive = (n: number) => n > 0;
 * checkNumber(3, "count", "a positive number", positive);
 * assertThrows(() => checkNumber(-1, "count", "a positive number", positive), RangeError, "got -1");
 * assertThrows(() => checkNumber("3", "count", "a positive number", positive), TypeError, 'got "3"');
 * ```
 *
 * @param value The value to check.
 * @param what The argument's name, used in the message.
 * @param expected What it must be, in words.
 * @param ok Whether a number is acceptable.
 */
export function checkNumber(
  value: unknown,
  what: string,
  expected: string,
  ok: (n: number) => boolean,
): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`${what} must be ${expected}, got ${describeValue(value)}`);
  }
  if (!ok(value)) throw new RangeError(`${what} must be ${expected}, got ${value}`);
}

/** What {@linkcode checkNumber} accepts for a duration: a finite number of ms, 0 or more. */
export const MS = "a finite number of ms >= 0";

/**
 * Whether a number is a duration in ms: finite and not negative.
 *
 * @param n A number.
 * @returns `true` for a duration.
 */
export const isMs = (n: number): boolean => Number.isFinite(n) && n >= 0;

/**
 * Whether a number is an integer of at least 1.
 *
 * @param n A number.
 * @returns `true` for a positive integer.
 */
export const isPositiveInteger = (n: number): boolean => Number.isInteger(n) && n >= 1;

/**
 * Checks that a value is one of a few strings: a `TypeError` listing them
 * otherwise.
 *
 * @example Usage
 * ```ts
 * import { checkOneOf } from "./_validate.ts";
 * import { assertThrows } from "@std/assert";
 * checkOneOf("udp", "transport", ["tcp", "udp"] as const);
 * assertThrows(() => checkOneOf("sctp", "transport", ["tcp", "udp"] as const), TypeError, '"tcp" or "udp"');
 * ```
 *
 * @typeParam T The allowed strings.
 * @param value The value to check.
 * @param what The argument's name, used in the message.
 * @param allowed The strings it may be.
 */
export function checkOneOf<T extends string>(
  value: unknown,
  what: string,
  allowed: readonly T[],
): asserts value is T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => JSON.stringify(a));
    const words = list.length < 2
      ? list.join("")
      : `${list.slice(0, -1).join(", ")} or ${list.at(-1)}`;
    throw new TypeError(`${what} must be ${words}, got ${describeValue(value)}`);
  }
}
