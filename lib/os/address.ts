/**
 * The one home of IP address tests and formatting: loopback, multicast,
 * broadcast and wildcard addresses, IPv6 parsing with zone ids and
 * IPv4-mapped forms, and `host:port` text. Host names are never resolved
 * here: `"localhost"` counts as loopback, every other name as a name.
 *
 * @module
 */

import { isIP } from "node:net";
import type { Address } from "../record/event.ts";

/**
 * Whether an IP address is a loopback address: 127.0.0.0/8, `::1`, or an
 * IPv4-mapped IPv6 form of 127.0.0.0/8. Host names are not resolved, so
 * `"localhost"` counts, and every other name does not. An address with a
 * zone id counts only when the zone names the loopback interface
 * (`::1%lo`, see {@linkcode isLoopbackZone}): `::1%eth0` does not.
 *
 * @example Usage
 * ```ts
 * import { isLoopbackAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isLoopbackAddress("127.255.255.255"));
 * assert(isLoopbackAddress("::ffff:127.0.0.1"));
 * assert(!isLoopbackAddress("10.23.101.42"));
 * ```
 *
 * @param address An IP address or host name.
 * @returns `true` for loopback.
 */
export function isLoopbackAddress(address: string): boolean {
  return withoutZone(address) === "localhost" || isLoopbackIp(address);
}

/**
 * Whether a string is a loopback IP address, `"localhost"` excluded: the
 * test for an address the OS is about to use, where a name would be
 * resolved again (and could lead anywhere).
 *
 * @example Usage
 * ```ts
 * import { isLoopbackIp } from "./address.ts";
 * import { assert } from "@std/assert";
 * assert(isLoopbackIp("127.0.0.1") && isLoopbackIp("::1%lo"));
 * assert(!isLoopbackIp("localhost") && !isLoopbackIp("::1%eth0"));
 * ```
 *
 * @param address An IP address, maybe with a zone id.
 * @returns `true` for a loopback IP address whose zone, if any, is loopback.
 */
export function isLoopbackIp(address: string): boolean {
  const zone = zoneOf(address);
  if (zone !== undefined && !isLoopbackZone(zone)) return false;
  const a = withoutZone(address);
  const v4 = ipv4Octets(a);
  if (v4 !== undefined) return v4[0] === 127;
  const words = ipv6Words(a);
  return words !== undefined && words.slice(0, 7).every((w) => w === 0) && words[7] === 1;
}

/** The loopback interface's name here (Windows names no interface in a zone id). */
const LOOPBACK_INTERFACE: string | undefined = Deno.build.os === "linux" ||
    Deno.build.os === "android"
  ? "lo"
  : Deno.build.os === "windows"
  ? undefined
  : "lo0";

/**
 * Whether an IPv6 zone id names this machine's loopback interface: `lo` on
 * Linux, `lo0` on macOS and the BSDs, or interface index 1 (the loopback
 * interface's index on Linux, macOS and Windows). A zone is what picks the
 * interface of an IPv6 multicast send or membership, so only these count.
 *
 * @example Usage
 * ```ts
 * import { isLoopbackZone } from "./address.ts";
 * import { assert } from "@std/assert";
 * assert(isLoopbackZone("1"));
 * assert(!isLoopbackZone("eth0"));
 * ```
 *
 * @param zone The zone id (the text after `%`).
 * @returns `true` for the loopback interface.
 */
export function isLoopbackZone(zone: string): boolean {
  return zone === "1" || zone === LOOPBACK_INTERFACE;
}

/** The zone id that names the loopback interface here, for messages: `lo`, `lo0` or `1`. */
export const LOOPBACK_ZONE: string = LOOPBACK_INTERFACE ?? "1";

/**
 * Whether an IP address is an IPv4 multicast group (224.0.0.0/4) or an IPv6
 * multicast address (`ff00::/8`).
 *
 * @example Usage
 * ```ts
 * import { isMulticastAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isMulticastAddress("239.7.7.7"));
 * assert(isMulticastAddress("ff02::1"));
 * assert(!isMulticastAddress("fe80::1"));
 * assert(!isMulticastAddress("10.23.101.42"));
 * ```
 *
 * @param address An IP address.
 * @returns `true` for a multicast address.
 */
export function isMulticastAddress(address: string): boolean {
  const a = withoutZone(address);
  const v4 = ipv4Octets(a);
  if (v4 !== undefined) return v4[0] >= 224 && v4[0] <= 239;
  const words = ipv6Words(a);
  return words !== undefined && words[0] >> 8 === 0xff;
}

/**
 * Whether an address is a wildcard ("any") address: `0.0.0.0` or `::`.
 * Binding to it listens on every interface.
 *
 * @example Usage
 * ```ts
 * import { isWildcardAddress } from "socketlab";
 * import { assert } from "@std/assert";
 * assert(isWildcardAddress("0.0.0.0"));
 * assert(isWildcardAddress("0:0::0"));
 * assert(!isWildcardAddress("127.0.0.1"));
 * ```
 *
 * @param address An IP address.
 * @returns `true` for `0.0.0.0`, `::` and their equivalents.
 */
export function isWildcardAddress(address: string): boolean {
  const a = withoutZone(address);
  if (isIP(a) === 4) return a.split(".").every((p) => Number(p) === 0);
  return ipv6Words(a)?.every((w) => w === 0) ?? false;
}

/**
 * The zone id of an IPv6 address (`"lo"` in `fe80::1%lo`), if any.
 *
 * @param address An address.
 * @returns The zone, or `undefined`.
 */
export function zoneOf(address: string): string | undefined {
  const at = address.indexOf("%");
  return at === -1 ? undefined : address.slice(at + 1);
}

/**
 * An address in the form used to compare two of them: lower case,
 * `localhost` as `127.0.0.1`, an IPv4-mapped IPv6 address as plain IPv4.
 *
 * @example Usage
 * ```ts
 * import { normalizeAddress } from "./address.ts";
 * console.log(normalizeAddress("::FFFF:127.0.0.1")); // "127.0.0.1"
 * ```
 *
 * @param address An address.
 * @returns The comparable form.
 */
export function normalizeAddress(address: string): string {
  const a = address.toLowerCase();
  if (a === "localhost") return "127.0.0.1";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  return mapped ? mapped[1] : a;
}

/**
 * Formats an address as `host:port` (`[host]:port` for IPv6).
 *
 * @example Usage
 * ```ts
 * import { formatAddress } from "./address.ts";
 * console.log(formatAddress({ address: "::1", port: 80 })); // "[::1]:80"
 * ```
 *
 * @param address The address.
 * @returns The text form.
 */
export function formatAddress(address: Address): string {
  return address.address.includes(":")
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

/**
 * What a datagram's target is beyond one host: a multicast group, an IPv4
 * address ending in `.255` (taken as a broadcast address), or neither.
 *
 * @param address An IP address.
 * @returns `"multicast"`, `"broadcast"` or `undefined`.
 */
export function groupKind(address: string): "broadcast" | "multicast" | undefined {
  const a = normalizeAddress(address);
  if (isMulticastAddress(a)) return "multicast";
  return isIP(a) === 4 && a.endsWith(".255") ? "broadcast" : undefined;
}

/** The address without its zone id, trimmed and in lower case. */
function withoutZone(address: string): string {
  const a = address.trim().toLowerCase();
  const at = a.indexOf("%");
  return at === -1 ? a : a.slice(0, at);
}

/** The four octets of an IPv4 address, also from its IPv4-mapped IPv6 form. */
function ipv4Octets(address: string): number[] | undefined {
  if (isIP(address) === 4) return address.split(".").map(Number);
  const words = ipv6Words(address);
  if (words === undefined) return undefined;
  const mapped = words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff;
  if (!mapped) return undefined;
  return [words[6] >> 8, words[6] & 0xff, words[7] >> 8, words[7] & 0xff];
}

/** The eight 16-bit words of a valid IPv6 address (no zone), or `undefined`. */
function ipv6Words(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  const dotted = text.slice(lastColon + 1);
  if (dotted.includes(".")) {
    const octets = dotted.split(".").map(Number);
    tail = [(octets[0] << 8) | octets[1], (octets[2] << 8) | octets[3]];
    text = text.slice(0, lastColon + 1) + "0:0";
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const parse = (part: string) => part === "" ? [] : part.split(":").map((w) => parseInt(w, 16));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const words = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  if (tail.length === 2) words.splice(6, 2, ...tail);
  return words;
}
