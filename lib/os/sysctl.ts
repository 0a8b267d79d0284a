/**
 * Pure parsers for two small texts of BSD and macOS (and Linux): the
 * `name: value` lines `sysctl` prints, and the flags of an interface as
 * `ip link show` and `ifconfig` print them (`<UP,LOOPBACK,RUNNING>`).
 *
 * @module
 */

/**
 * Parses `sysctl name ...` (or `sysctl -a`) output: one `name: value` per
 * line (BSD, macOS) or `name = value` (Linux's procps).
 *
 * @example Usage
 * ```ts
 * import { parseSysctl } from "./sysctl.ts";
 * import { assertEquals } from "@std/assert";
 * assertEquals(parseSysctl("kern.ipc.somaxconn: 128\n").get("kern.ipc.somaxconn"), "128");
 * ```
 *
 * @param text What `sysctl` printed.
 * @returns Each name's value as printed.
 */
export function parseSysctl(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_.-]+)\s*(?::|=)\s?(.*)$/.exec(line);
    if (match) values.set(match[1], match[2].trim());
  }
  return values;
}

/**
 * The flags of the first interface in `ip link show NAME` or `ifconfig
 * NAME` output: the comma-separated words between `<` and `>`.
 *
 * @example Usage
 * ```ts
 * import { parseInterfaceFlags } from "./sysctl.ts";
 * import { assertEquals } from "@std/assert";
 * const text = "lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384\n";
 * assertEquals(parseInterfaceFlags(text), ["UP", "LOOPBACK", "RUNNING", "MULTICAST"]);
 * ```
 *
 * @param text What the command printed.
 * @returns The flags, or `undefined` when the text shows none.
 */
export function parseInterfaceFlags(text: string): string[] | undefined {
  const match = /<([A-Z0-9_,-]*)>/.exec(text);
  return match ? match[1].split(",").filter((f) => f !== "") : undefined;
}
