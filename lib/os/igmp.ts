/**
 * A pure parser for Linux's `/proc/net/igmp`: the IPv4 multicast groups each
 * interface has joined, and how many sockets ("users") joined each.
 *
 * @module
 */

/** One group joined on one interface. */
export interface GroupMembership {
  /** The interface's name (`lo`, `eth0`). */
  readonly device: string;
  /** The group's address, dotted (`224.0.0.1`). */
  readonly group: string;
  /** How many memberships hold it (one per socket that joined). */
  readonly users: number;
}

/**
 * Parses `/proc/net/igmp`. A device line (`1\tlo        :     1      V3`) is
 * followed by one line per group: the group in hexadecimal as the kernel
 * stores it (network byte order read as a little-endian word, so
 * `010000E0` is `224.0.0.1`), then its users.
 *
 * @example Usage
 * ```ts
 * import { parseIgmp } from "./igmp.ts";
 * import { assertEquals } from "@std/assert";
 * const text = "Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n" +
 *   "1\tlo        :     1      V3\n" +
 *   "\t\t\t\t010000E0     1 0:00000000\t\t0\n";
 * assertEquals(parseIgmp(text), [{ device: "lo", group: "224.0.0.1", users: 1 }]);
 * ```
 *
 * @param text The file's text.
 * @param littleEndian Whether the machine that wrote it is little-endian (x86, ARM).
 * @returns Every membership, in file order.
 */
export function parseIgmp(text: string, littleEndian = true): GroupMembership[] {
  const memberships: GroupMembership[] = [];
  let device: string | undefined;
  for (const line of text.split("\n")) {
    const deviceLine = /^\d+\s+(\S+)\s*:/.exec(line);
    if (deviceLine) {
      device = deviceLine[1];
      continue;
    }
    const groupLine = /^\s+([0-9A-Fa-f]{8})\s+(\d+)\s/.exec(line);
    if (groupLine === null) continue;
    if (device === undefined) {
      throw new SyntaxError(`a group line before any device line: ${JSON.stringify(line)}`);
    }
    const bytes = [0, 2, 4, 6].map((at) => parseInt(groupLine[1].slice(at, at + 2), 16));
    const group = (littleEndian ? bytes.reverse() : bytes).join(".");
    memberships.push({ device, group, users: Number(groupLine[2]) });
  }
  return memberships;
}
