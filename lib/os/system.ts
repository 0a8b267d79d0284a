/**
 * The operating system as a notebook asks it: named settings, a listening
 * port's backlog, a socket's TTL, multicast memberships, an interface's
 * flags and the socket table, read from the platform's own sources (files
 * under `/proc` on Linux, `sysctl` and `netstat` on macOS, `netstat` on
 * Windows). What a platform cannot give comes back as a reading that says
 * why, never as an exception.
 *
 * @module
 */

import net from "node:net";
import dgram from "node:dgram";
import type { Address } from "../record/event.ts";
import { checkOneOf, describeValue } from "../_validate.ts";
import { Reading } from "./reading.ts";
import type { SystemSource } from "./system_source.ts";
import type { SocketTable } from "./socket_row.ts";
import { hostSource } from "./_host_source.ts";
import { assertPort } from "./_port.ts";
import { SETTINGS } from "./_settings.ts";
import { readSocketTable } from "./socket_table.ts";
import { parseNetstatListenQueues, parseSsListening } from "./listen_queue.ts";
import { parseIgmp } from "./igmp.ts";
import { parseInterfaceFlags, parseSysctl } from "./sysctl.ts";
import { isMulticastAddress } from "./address.ts";

/**
 * The settings {@linkcode System.setting} reads, in the same unit on every
 * platform: `somaxconn` (the cap on a listen backlog), `defaultTtl` (IP's
 * default time to live), `keepAliveTimeMs` / `keepAliveIntervalMs` /
 * `keepAliveProbes` (TCP keep-alive: idle time before the first probe, time
 * between probes, probes before giving up) and `ephemeralPortFirst` /
 * `ephemeralPortLast` (the range of ports the system picks for `bind(0)`).
 */
export type SettingName =
  | "somaxconn"
  | "defaultTtl"
  | "keepAliveTimeMs"
  | "keepAliveIntervalMs"
  | "keepAliveProbes"
  | "ephemeralPortFirst"
  | "ephemeralPortLast";

/** The loopback interface's name on each platform. */
const LOOPBACK: Partial<Record<typeof Deno.build.os, string>> = {
  linux: "lo",
  android: "lo",
  darwin: "lo0",
  freebsd: "lo0",
  windows: "Loopback Pseudo-Interface 1",
};

/** Why Windows cannot give a listening socket's backlog. */
const NO_BACKLOG_ON_WINDOWS = "Windows's netstat does not show a listening socket's backlog";
/** Why Windows cannot give an interface's flags. */
const NO_FLAGS_ON_WINDOWS = "Windows shows no interface flags like UP or MULTICAST";

/** A reason a value is not available, as opposed to a source that failed. */
class Unavailable extends Error {}

/**
 * The operating system's facts, read from the platform's own sources. A lab
 * has one (`lab.system`), reading the host or the source given to
 * `Lab.open(title, { system })`.
 *
 * @example Usage
 * ```ts
 * import { Lab } from "socketlab";
 * await using lab = await Lab.open("system");
 * console.log(lab.system.os === Deno.build.os); // true
 * const ttl = await lab.system.setting("defaultTtl");
 * console.log(ttl.value ?? ttl.reason); // 64 on Linux and macOS
 * ```
 */
export class System {
  readonly #source: SystemSource;

  /**
   * A view of the system that `source` describes.
   *
   * @param source Where to read: the platform, its files, commands and socket options.
   */
  constructor(source: SystemSource = hostSource()) {
    for (const method of ["readTextFile", "run", "socketOption"] as const) {
      if (typeof source?.[method] !== "function") {
        throw new TypeError(
          `a system source must have a ${method}() method, got ${describeValue(source)}; ` +
            `pass { os, readTextFile, run, socketOption }`,
        );
      }
    }
    if (typeof source.os !== "string") {
      throw new TypeError(
        `a system source's os must be a string like "linux", got ${describeValue(source.os)}`,
      );
    }
    this.#source = source;
  }

  /** The platform, as `Deno.build.os` names it: `"linux"`, `"darwin"`, `"windows"`, ... */
  get os(): typeof Deno.build.os {
    return this.#source.os;
  }

  /** The loopback interface's name here: `lo` (Linux), `lo0` (macOS), `Loopback Pseudo-Interface 1` (Windows). */
  get loopbackInterface(): string {
    return LOOPBACK[this.os] ?? "lo";
  }

  /**
   * A named system setting, in the same unit on every platform (ms for
   * times): Linux's `/proc/sys`, macOS's `sysctl`.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("setting");
   * const probes = await lab.system.setting("keepAliveProbes");
   * console.log(String(probes)); // keepAliveProbes = 9 (/proc/sys/net/ipv4/tcp_keepalive_probes)
   * ```
   *
   * @param name Which setting.
   * @returns Its value, or why it is not available here.
   */
  async setting(name: SettingName): Promise<Reading<number>> {
    checkOneOf(name, "system.setting(): name", Object.keys(SETTINGS) as SettingName[]);
    const spec = SETTINGS[name];
    if (this.os === "linux" || this.os === "android") {
      const { path, field, scale } = spec.linux;
      return await this.#read(name, path, async () => {
        const text = (await this.#source.readTextFile(path)).trim().split(/\s+/)[field];
        return scale * wholeNumber(text, path);
      });
    }
    if (this.os === "darwin" || this.os === "freebsd") {
      const { sysctl, scale } = spec.bsd;
      return await this.#read(name, `sysctl ${sysctl}`, async () => {
        const value = parseSysctl(await this.#source.run("sysctl", [sysctl])).get(sysctl);
        return scale * wholeNumber(value, `sysctl ${sysctl}`);
      });
    }
    const why = this.os === "windows" ? spec.windows : `socketlab does not read it on ${this.os}`;
    return Reading.unavailable(name, this.os, why);
  }

  /**
   * The backlog the kernel keeps for a listening TCP port: what `listen()`
   * asked for, capped by `somaxconn`. Linux: `ss -ltn` (Send-Q); macOS:
   * `netstat -Lan` (`maxqlen`).
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("backlog");
   * const port = lab.port();
   * lab.watch(net.createServer(), "server").listen(port, "127.0.0.1", 5);
   * await lab.until("server", "listening");
   * const backlog = await lab.system.backlog(port);
   * console.log(backlog.value ?? backlog.reason); // 5 where ss is installed
   * ```
   *
   * @param port The listening port.
   * @returns The backlog, or why it is not available here.
   */
  async backlog(port: number): Promise<Reading<number>> {
    assertPort(port, "system.backlog(): port");
    const name = `backlog of port ${port}`;
    if (this.os === "windows") {
      return Reading.unavailable(name, "netstat", NO_BACKLOG_ON_WINDOWS);
    }
    const bsd = this.os === "darwin" || this.os === "freebsd";
    const [command, args] = bsd ? ["netstat", ["-Lan"]] : ["ss", ["-ltn", `sport = :${port}`]];
    const source = `${command} ${args.join(" ")}`;
    return await this.#read(name, source, async () => {
      const text = await this.#source.run(command, args);
      const queue = (bsd ? parseNetstatListenQueues(text) : parseSsListening(text))
        .find((q) => q.local.port === port);
      if (queue === undefined) {
        throw new Unavailable(`no socket listens on port ${port} (${source})`);
      }
      return queue.backlog;
    });
  }

  /**
   * The TTL the kernel uses for a socket's packets (`IP_TTL`; the unicast
   * hop limit for IPv6), read back with `getsockopt` through the C library:
   * what `setTTL()` set, or the system's default. Linux and macOS.
   *
   * @example Usage
   * ```ts
   * import dgram from "node:dgram";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("ttl");
   * const socket = lab.watch(dgram.createSocket("udp4"), "udp");
   * socket.bind(0, "127.0.0.1");
   * await lab.until("udp", "listening");
   * socket.setTTL(7);
   * const ttl = await lab.system.ttl(socket);
   * console.log(ttl.value ?? ttl.reason); // 7 on Linux
   * ```
   *
   * @param socket A bound `dgram.Socket` or a connected `net.Socket`.
   * @returns The TTL, or why it is not available here.
   */
  async ttl(socket: dgram.Socket | net.Socket): Promise<Reading<number>> {
    const ends = endsOf(socket, "ttl");
    const name = `IP_TTL of ${ends.transport} ${ends.local.address}:${ends.local.port}`;
    return await this.#read(name, "getsockopt", () => this.#source.socketOption(ends, "IP_TTL"));
  }

  /**
   * Whether Nagle's algorithm is off for a TCP socket (`TCP_NODELAY`), read
   * back with `getsockopt`: what `setNoDelay()` set. Linux and macOS.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("no delay");
   * const server = lab.watch(net.createServer(), "server");
   * server.listen(lab.port(), "127.0.0.1");
   * await lab.until("server", "listening");
   * const client = lab.watch(net.connect((server.address() as net.AddressInfo).port, "127.0.0.1"), "client");
   * await lab.until("client", "connect");
   * client.setNoDelay(true);
   * console.log((await lab.system.noDelay(client)).value); // true on Linux and macOS
   * ```
   *
   * @param socket A connected `net.Socket`.
   * @returns `true` when Nagle's algorithm is off, or why it cannot be read here.
   */
  async noDelay(socket: net.Socket): Promise<Reading<boolean>> {
    const ends = tcpEnds(socket, "noDelay");
    const name = `TCP_NODELAY of ${ends.local.address}:${ends.local.port}`;
    return await this.#read(
      name,
      "getsockopt",
      async () => (await this.#source.socketOption(ends, "TCP_NODELAY")) !== 0,
    );
  }

  /**
   * A TCP socket's keep-alive as the kernel holds it: whether it is on
   * (`SO_KEEPALIVE`) and the idle time before the first probe
   * (`TCP_KEEPIDLE`, in ms; macOS `TCP_KEEPALIVE`), read back with
   * `getsockopt`: what `setKeepAlive(enable, initialDelay)` set. Linux and macOS.
   *
   * @example Usage
   * ```ts
   * import net from "node:net";
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("keep-alive");
   * const server = lab.watch(net.createServer(), "server");
   * server.listen(lab.port(), "127.0.0.1");
   * await lab.until("server", "listening");
   * const client = lab.watch(net.connect((server.address() as net.AddressInfo).port, "127.0.0.1"), "client");
   * await lab.until("client", "connect");
   * client.setKeepAlive(true, 3000);
   * console.log((await lab.system.keepAlive(client)).value); // { enabled: true, idleMs: 3000 } on Linux
   * ```
   *
   * @param socket A connected `net.Socket`.
   * @returns Whether keep-alive is on and its idle time, or why they cannot be read here.
   */
  async keepAlive(socket: net.Socket): Promise<Reading<{ enabled: boolean; idleMs: number }>> {
    const ends = tcpEnds(socket, "keepAlive");
    const name = `keep-alive of ${ends.local.address}:${ends.local.port}`;
    return await this.#read(name, "getsockopt", async () => ({
      enabled: (await this.#source.socketOption(ends, "SO_KEEPALIVE")) !== 0,
      idleMs: (await this.#source.socketOption(ends, "TCP_KEEPIDLE")) * 1000,
    }));
  }

  /**
   * How many memberships hold an IPv4 multicast group on an interface (one
   * per socket that joined it there). Linux: `/proc/net/igmp`.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("memberships");
   * const members = await lab.system.memberships("224.0.0.1");
   * console.log(String(members)); // members of 224.0.0.1 on lo = 1 (/proc/net/igmp)
   * ```
   *
   * @param group The group's address.
   * @param interfaceName The interface.
   * @returns The count, or why it is not available here.
   */
  async memberships(
    group: string,
    interfaceName: string = this.loopbackInterface,
  ): Promise<Reading<number>> {
    if (typeof group !== "string" || !isMulticastAddress(group) || group.includes(":")) {
      throw new TypeError(
        `system.memberships(): group must be an IPv4 multicast address (224.0.0.0 to ` +
          `239.255.255.255), got ${describeValue(group)}`,
      );
    }
    const name = `members of ${group} on ${interfaceName}`;
    if (this.os !== "linux" && this.os !== "android") {
      const why = this.os === "darwin"
        ? "macOS's netstat -g shows which groups an interface joined, not how many sockets joined them"
        : `socketlab reads multicast memberships on Linux only, not on ${this.os}`;
      return Reading.unavailable(name, "/proc/net/igmp", why);
    }
    return await this.#read(name, "/proc/net/igmp", async () => {
      const all = parseIgmp(await this.#source.readTextFile("/proc/net/igmp"));
      if (!all.some((m) => m.device === interfaceName)) {
        throw new Unavailable(`/proc/net/igmp has no interface ${interfaceName}`);
      }
      return all.find((m) => m.device === interfaceName && m.group === group)?.users ?? 0;
    });
  }

  /**
   * An interface's flags (`UP`, `LOOPBACK`, `MULTICAST`, `BROADCAST`, ...):
   * Linux's `ip link show`, macOS's `ifconfig`.
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("flags");
   * const flags = await lab.system.interfaceFlags();
   * console.log(flags.value?.includes("LOOPBACK")); // true where `ip` is installed
   * ```
   *
   * @param interfaceName The interface.
   * @returns The flags, or why they are not available here.
   */
  async interfaceFlags(
    interfaceName: string = this.loopbackInterface,
  ): Promise<Reading<readonly string[]>> {
    if (typeof interfaceName !== "string" || interfaceName === "") {
      throw new TypeError(
        `system.interfaceFlags(): interfaceName must be a non-empty string, got ${
          describeValue(interfaceName)
        }`,
      );
    }
    const name = `flags of ${interfaceName}`;
    if (this.os === "windows") {
      return Reading.unavailable(name, "netsh", NO_FLAGS_ON_WINDOWS);
    }
    const bsd = this.os === "darwin" || this.os === "freebsd";
    const [command, args] = bsd
      ? ["ifconfig", [interfaceName]]
      : ["ip", ["link", "show", interfaceName]];
    return await this.#read(name, `${command} ${args.join(" ")}`, async () => {
      const flags = parseInterfaceFlags(await this.#source.run(command, args));
      if (flags === undefined) {
        throw new Unavailable(`${command} showed no flags for ${interfaceName}`);
      }
      return flags;
    });
  }

  /**
   * The socket table as plain data, from the platform's own source (see
   * `lab.sockets()` for the displayable, lab-focused view).
   *
   * @example Usage
   * ```ts
   * import { Lab } from "socketlab";
   * await using lab = await Lab.open("table");
   * const table = await lab.system.sockets({ ports: [9] });
   * console.log(table.source); // "/proc/net" on Linux
   * ```
   *
   * @param options Only the rows with a local or remote port among `ports`.
   * @returns The rows, what the platform cannot give, and why nothing could be read.
   */
  sockets(options: { readonly ports?: Iterable<number> } = {}): Promise<SocketTable> {
    return readSocketTable({ ports: options.ports, source: this.#source });
  }

  /** Runs `produce`; a failure becomes a reading that says why. */
  async #read<T>(name: string, source: string, produce: () => Promise<T>): Promise<Reading<T>> {
    try {
      return Reading.of(name, source, await produce());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const why = error instanceof Unavailable
        ? message
        : `${source} could not be read: ${message}`;
      return Reading.unavailable(name, source, why);
    }
  }
}

function wholeNumber(text: string | undefined, where: string): number {
  if (text === undefined || !/^-?\d+$/.test(text)) {
    throw new Unavailable(`${where} did not give a number (${describeValue(text)})`);
  }
  return Number(text);
}

type Ends = { transport: "tcp" | "udp"; local: Address; remote?: Address };

/** A socket's transport and addresses, for finding it in the kernel. */
function endsOf(socket: unknown, method: string): Ends {
  if (socket instanceof dgram.Socket) {
    let local: Address;
    try {
      local = socket.address();
    } catch {
      throw new TypeError(
        `system.${method}(): the UDP socket is not bound yet; wait for its listening event`,
      );
    }
    return { transport: "udp", local };
  }
  if (socket instanceof net.Socket) return tcpEnds(socket, method);
  throw new TypeError(
    `system.${method}(): expected a dgram.Socket or a net.Socket, got ${describeValue(socket)}`,
  );
}

/** A connected TCP socket's addresses. */
function tcpEnds(socket: unknown, method: string): Ends {
  if (!(socket instanceof net.Socket)) {
    throw new TypeError(`system.${method}(): expected a net.Socket, got ${describeValue(socket)}`);
  }
  const { localAddress, localPort, remoteAddress, remotePort } = socket;
  if (localAddress === undefined || localPort === undefined || remotePort === undefined) {
    throw new TypeError(
      `system.${method}(): the TCP socket is not connected yet; wait for its connect event`,
    );
  }
  return {
    transport: "tcp",
    local: { address: localAddress, port: localPort, family: socket.localFamily },
    remote: { address: remoteAddress ?? "", port: remotePort },
  };
}
