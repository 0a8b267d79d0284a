/**
 * Where socketlab reads the operating system's facts: files, commands and
 * socket options. The lab reads the host by default; a test or a curious
 * reader passes another source (e.g. the captured outputs of another
 * platform) to `Lab.open(title, { system })`.
 *
 * @module
 */

import type { Address } from "../record/event.ts";

/**
 * A source of the operating system's facts. Every method rejects (with any
 * error) when it cannot answer; socketlab turns that into a reading or a
 * table that says why.
 *
 * @example Usage
 * ```ts
 * import { Lab, type SystemSource } from "socketlab";
 * // A macOS that answers one sysctl and nothing else.
 * const mac: SystemSource = {
 *   os: "darwin",
 *   readTextFile: (path) => Promise.reject(new Deno.errors.NotFound(path)),
 *   run: (command, args) =>
 *     command === "sysctl" && args[0] === "kern.ipc.somaxconn"
 *       ? Promise.resolve("kern.ipc.somaxconn: 128\n")
 *       : Promise.reject(new Error(`${command}: not captured`)),
 *   socketOption: () => Promise.reject(new Error("not captured")),
 * };
 * await using lab = await Lab.open("a captured macOS", { system: mac });
 * console.log((await lab.system.setting("somaxconn")).value); // 128
 * ```
 */
export interface SystemSource {
  /** The platform, as `Deno.build.os` names it: `"linux"`, `"darwin"`, `"windows"`, ... */
  readonly os: typeof Deno.build.os;
  /**
   * Reads a text file (`/proc/net/tcp`, `/proc/sys/...`).
   *
   * @param path The file.
   * @returns Its text; rejects when it cannot be read.
   */
  readTextFile(path: string): Promise<string>;
  /**
   * Runs a command (`ss`, `netstat`, `sysctl`, `ip`, `ifconfig`) and returns
   * what it printed.
   *
   * @param command The program.
   * @param args Its arguments.
   * @returns Its standard output; rejects when it cannot be run or fails.
   */
  run(command: string, args: readonly string[]): Promise<string>;
  /**
   * Reads a socket option back from the kernel for the socket of this
   * process bound to `local` (and connected to `remote`, for a TCP socket).
   *
   * @param socket The socket's transport and addresses.
   * @param option The option: `IP_TTL` (the unicast hop limit for IPv6),
   *   `TCP_NODELAY`, `SO_KEEPALIVE` or `TCP_KEEPIDLE` (seconds).
   * @returns The option's value; rejects when it cannot be read.
   */
  socketOption(
    socket: {
      readonly transport: "tcp" | "udp";
      readonly local: Address;
      readonly remote?: Address;
    },
    option: "IP_TTL" | "TCP_NODELAY" | "SO_KEEPALIVE" | "TCP_KEEPIDLE",
  ): Promise<number>;
}
