/**
 * Jupyter connection files: free loopback ports and a random HMAC key.
 *
 * @module
 */

import { getAvailablePort } from "jsr:@std/net@^1.0.4";

/**
 * The contents of a Jupyter connection file.
 *
 * @example
 * ```ts
 * import { createConnectionInfo } from "./_connection_file.ts";
 *
 * const info = createConnectionInfo();
 * console.log(info.transport, info.ip, info.signature_scheme); // "tcp" "127.0.0.1" "hmac-sha256"
 * ```
 */
export interface ConnectionInfo {
  /** ZeroMQ transport, always `"tcp"`. */
  transport: "tcp";
  /** The loopback address the kernel binds. */
  ip: string;
  /** Shell channel port (requests and replies). */
  shell_port: number;
  /** Control channel port (shutdown, interrupt). */
  control_port: number;
  /** IOPub channel port (published outputs and status). */
  iopub_port: number;
  /** Stdin channel port (unused by the runner). */
  stdin_port: number;
  /** Heartbeat port (unused by the runner). */
  hb_port: number;
  /** HMAC key. */
  key: string;
  /** Signature scheme, always `"hmac-sha256"`. */
  signature_scheme: "hmac-sha256";
  /** Kernel name. */
  kernel_name: string;
}

/**
 * Options for {@linkcode createConnectionInfo}.
 *
 * @example
 * ```ts
 * import type { ConnectionInfoOptions } from "./_connection_file.ts";
 *
 * const options: ConnectionInfoOptions = { key: "fixed key for a test" };
 * console.log(options.key);
 * ```
 */
export interface ConnectionInfoOptions {
  /**
   * HMAC key.
   *
   * @default {a random key: 32 bytes in hex}
   */
  key?: string;
  /**
   * Loopback address.
   *
   * @default {"127.0.0.1"}
   */
  ip?: string;
}

/**
 * A free TCP port from `@std/net`, which probes on all interfaces; when this
 * process may only use loopback addresses (`--allow-net=127.0.0.1`), the
 * probe is made on `ip` itself instead.
 */
function freePort(ip: string): number {
  try {
    return getAvailablePort();
  } catch (error) {
    if (
      !(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)
    ) {
      throw error;
    }
    using listener = Deno.listen({ hostname: ip, port: 0 });
    return listener.addr.port;
  }
}

/**
 * Ports of the connections made by this process and not released yet: a
 * free port is only free until the kernel binds it, so kernels started side
 * by side must not be handed the same one.
 */
const inUse = new Set<number>();

/**
 * Forgets the ports of a connection (its kernel is gone), so they may be
 * handed out again.
 *
 * @param info The connection info.
 */
export function releaseConnectionPorts(info: ConnectionInfo): void {
  for (const channel of ["shell", "control", "iopub", "stdin", "hb"] as const) {
    inUse.delete(info[`${channel}_port`]);
  }
}

/**
 * Picks five distinct free loopback ports, none handed out to another
 * kernel of this process that still runs, and a random key.
 *
 * @example
 * ```ts
 * import { createConnectionInfo } from "./_connection_file.ts";
 *
 * const { shell_port, key } = createConnectionInfo();
 * console.log(shell_port > 0, key.length); // true 64
 * ```
 *
 * @param options Key and address overrides.
 * @returns Connection info for a new kernel.
 */
export function createConnectionInfo(options: ConnectionInfoOptions = {}): ConnectionInfo {
  const ip = options.ip ?? "127.0.0.1";
  const ports = new Set<number>();
  for (let tries = 0; ports.size < 5; tries++) {
    if (tries > 100) throw new Error(`could not find 5 distinct free ports on ${ip}`);
    const port = freePort(ip);
    if (!inUse.has(port)) ports.add(port);
  }
  for (const port of ports) inUse.add(port);
  const [shell_port, control_port, iopub_port, stdin_port, hb_port] = [...ports];
  const key = options.key ??
    Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0"))
      .join("");
  return {
    transport: "tcp",
    ip,
    shell_port,
    control_port,
    iopub_port,
    stdin_port,
    hb_port,
    key,
    signature_scheme: "hmac-sha256",
    kernel_name: "deno",
  };
}

/**
 * Returns the ZeroMQ endpoint of one channel, e.g. `tcp://127.0.0.1:5555`.
 *
 * @example
 * ```ts
 * import { channelUrl, createConnectionInfo } from "./_connection_file.ts";
 *
 * const info = createConnectionInfo();
 * console.log(channelUrl(info, "shell") === `tcp://127.0.0.1:${info.shell_port}`); // true
 * ```
 *
 * @param info The connection info.
 * @param channel Which channel.
 * @returns The endpoint to connect to.
 */
export function channelUrl(
  info: ConnectionInfo,
  channel: "shell" | "control" | "iopub" | "stdin" | "hb",
): string {
  return `${info.transport}://${info.ip}:${info[`${channel}_port`]}`;
}

/**
 * Writes connection info as a JSON connection file, readable only by its owner.
 *
 * @example
 * ```ts
 * import { createConnectionInfo, writeConnectionFile } from "./_connection_file.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await writeConnectionFile(`${dir}/kernel.json`, createConnectionInfo());
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path Where to write.
 * @param info What to write.
 */
export async function writeConnectionFile(path: string, info: ConnectionInfo): Promise<void> {
  await Deno.writeTextFile(path, JSON.stringify(info, null, 1) + "\n", { mode: 0o600 });
}
