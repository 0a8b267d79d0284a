/**
 * Reads a socket option back from the kernel through the C library
 * (Deno's FFI): the socket is found among this process's file descriptors by
 * its addresses (`getsockname`, `getpeername`), then `getsockopt` reads the
 * option. Works on Linux and macOS without `/proc`; Windows sockets are not
 * numbered descriptors, so there it says why it cannot.
 *
 * @module
 */

import type { Address } from "../record/event.ts";

/** The constants of one platform's C library (`<sys/socket.h>`, `<netinet/in.h>`). */
interface Abi {
  readonly library: string;
  readonly solSocket: number;
  readonly soType: number;
  readonly ipprotoIp: number;
  readonly ipTtl: number;
  readonly ipprotoIpv6: number;
  readonly ipv6UnicastHops: number;
  readonly ipprotoTcp: number;
  readonly tcpNoDelay: number;
  readonly soKeepAlive: number;
  /** `TCP_KEEPIDLE` on Linux, `TCP_KEEPALIVE` on macOS: seconds of idleness before the first probe. */
  readonly tcpKeepIdle: number;
  readonly afInet: number;
  readonly afInet6: number;
  /** BSD's `sockaddr` starts with a length byte, then a one-byte family; Linux's with a two-byte family. */
  readonly lengthByte: boolean;
}

const ABIS: Partial<Record<typeof Deno.build.os, Abi>> = {
  linux: {
    library: "libc.so.6",
    solSocket: 1,
    soType: 3,
    ipprotoIp: 0,
    ipTtl: 2,
    ipprotoIpv6: 41,
    ipv6UnicastHops: 16,
    ipprotoTcp: 6,
    tcpNoDelay: 1,
    soKeepAlive: 9,
    tcpKeepIdle: 4,
    afInet: 2,
    afInet6: 10,
    lengthByte: false,
  },
  darwin: {
    library: "libSystem.B.dylib",
    solSocket: 0xffff,
    soType: 0x1008,
    ipprotoIp: 0,
    ipTtl: 4,
    ipprotoIpv6: 41,
    ipv6UnicastHops: 4,
    ipprotoTcp: 6,
    tcpNoDelay: 1,
    soKeepAlive: 0x0008,
    tcpKeepIdle: 0x10,
    afInet: 2,
    afInet6: 30,
    lengthByte: true,
  },
};

/** The highest descriptor searched for the socket. */
const MAX_FD = 4096;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;

const SYMBOLS = {
  getsockname: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpeername: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** Which socket: its transport and addresses. */
export interface SocketAddresses {
  readonly transport: "tcp" | "udp";
  readonly local: Address;
  readonly remote?: Address;
}

/** The socket options that can be read back. */
export type SocketOptionName = "IP_TTL" | "TCP_NODELAY" | "SO_KEEPALIVE" | "TCP_KEEPIDLE";

/** The level and number of an option for a socket of this family. */
function optionOf(abi: Abi, option: SocketOptionName, v6: boolean): [number, number] {
  switch (option) {
    case "IP_TTL":
      return v6 ? [abi.ipprotoIpv6, abi.ipv6UnicastHops] : [abi.ipprotoIp, abi.ipTtl];
    case "TCP_NODELAY":
      return [abi.ipprotoTcp, abi.tcpNoDelay];
    case "SO_KEEPALIVE":
      return [abi.solSocket, abi.soKeepAlive];
    case "TCP_KEEPIDLE":
      return [abi.ipprotoTcp, abi.tcpKeepIdle];
  }
}

/**
 * Reads a socket option of this process's socket with these addresses:
 * `IP_TTL` (`IPV6_UNICAST_HOPS` for an IPv6 socket), `TCP_NODELAY`,
 * `SO_KEEPALIVE` or `TCP_KEEPIDLE` (seconds; `TCP_KEEPALIVE` on macOS).
 *
 * @example Usage
 * ```ts ignore
 * import { readSocketOption } from "./_sockopt.ts";
 * const ttl = readSocketOption({ transport: "udp", local: { address: "127.0.0.1", port: 41234 } }, "IP_TTL");
 * ```
 *
 * @param socket The socket's transport and addresses.
 * @param option The option.
 * @returns The value.
 * @throws {Error} Saying why it cannot be read (platform, permission, socket not found).
 */
export function readSocketOption(socket: SocketAddresses, option: SocketOptionName): number {
  const abi = ABIS[Deno.build.os];
  if (abi === undefined) {
    throw new Error(
      `reading a socket option back needs the socket's file descriptor, and on ${Deno.build.os} ` +
        `sockets are not numbered descriptors that Deno lets a program find`,
    );
  }
  const library = Deno.dlopen(abi.library, SYMBOLS);
  try {
    const fd = findSocket(library.symbols, abi, socket);
    const v6 = familyOf(socket.local) === "IPv6";
    const [level, name] = optionOf(abi, option, v6);
    const value = intOption(library.symbols, fd, level, name);
    if (value === undefined) throw new Error(`getsockopt(${fd}, ${option}) failed`);
    return value;
  } finally {
    library.close();
  }
}

function familyOf(address: Address): "IPv4" | "IPv6" {
  if (address.family === "IPv4" || address.family === "IPv6") return address.family;
  return address.address.includes(":") ? "IPv6" : "IPv4";
}

/** The descriptor of the one socket of this process with these addresses. */
function findSocket(libc: Libc, abi: Abi, socket: SocketAddresses): number {
  const family = familyOf(socket.local);
  const type = socket.transport === "tcp" ? SOCK_STREAM : SOCK_DGRAM;
  const found: { fd: number; address: string }[] = [];
  for (let fd = 0; fd < MAX_FD; fd++) {
    const local = nameOf(libc.getsockname, abi, fd);
    if (local === undefined || local.port !== socket.local.port || local.family !== family) {
      continue;
    }
    if (intOption(libc, fd, abi.solSocket, abi.soType) !== type) continue;
    if (socket.remote !== undefined) {
      const peer = nameOf(libc.getpeername, abi, fd);
      if (peer?.port !== socket.remote.port) continue;
    }
    found.push({ fd, address: local.address });
  }
  const exact = found.length > 1 ? found.filter((f) => f.address === socket.local.address) : found;
  const where = `${socket.transport} ${socket.local.address}:${socket.local.port}`;
  if (exact.length === 1) return exact[0].fd;
  if (exact.length === 0) throw new Error(`no socket of this process is bound to ${where}`);
  throw new Error(
    `${exact.length} sockets of this process are bound to ${where}; cannot tell which`,
  );
}

function intOption(libc: Libc, fd: number, level: number, name: number): number | undefined {
  const value = new Int32Array(1);
  const length = new Uint32Array([4]);
  const rc = libc.getsockopt(
    fd,
    level,
    name,
    new Uint8Array(value.buffer),
    new Uint8Array(length.buffer),
  );
  return rc === 0 ? value[0] : undefined;
}

/** The address `getsockname`/`getpeername` gives for a descriptor, or `undefined`. */
function nameOf(
  call: Libc["getsockname"],
  abi: Abi,
  fd: number,
): { family: "IPv4" | "IPv6"; address: string; port: number } | undefined {
  const buffer = new Uint8Array(128);
  const length = new Uint32Array([buffer.length]);
  if (call(fd, buffer, new Uint8Array(length.buffer)) !== 0) return undefined;
  const view = new DataView(buffer.buffer);
  const family = abi.lengthByte ? buffer[1] : view.getUint16(0, true);
  const port = view.getUint16(2, false);
  if (family === abi.afInet) return { family: "IPv4", address: buffer.slice(4, 8).join("."), port };
  if (family === abi.afInet6) return { family: "IPv6", address: "", port };
  return undefined;
}
