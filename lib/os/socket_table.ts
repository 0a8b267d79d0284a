/**
 * Reads the operating system's own socket table: on Linux, `/proc/net/tcp`,
 * `tcp6`, `udp` and `udp6` (no privileges needed), parsed with
 * {@linkcode parseProcNet}.
 *
 * @module
 */

import { parseProcNet } from "./proc_net.ts";
import type { SocketProtocol, SocketRow, SocketTable } from "./socket_row.ts";
import { assertPort } from "./_port.ts";

/** Options of {@linkcode readSocketTable}. */
export interface ReadSocketTableOptions {
  /**
   * Keep only the rows whose local or remote port is one of these.
   *
   * @default {undefined} every row
   */
  readonly ports?: Iterable<number>;
  /**
   * The directory holding `tcp`, `tcp6`, `udp` and `udp6`.
   *
   * @default {"/proc/net"}
   */
  readonly root?: string;
  /**
   * Which tables to read.
   *
   * @default {["tcp", "tcp6", "udp", "udp6"]}
   */
  readonly protocols?: Iterable<SocketProtocol>;
}

const ALL: readonly SocketProtocol[] = ["tcp", "tcp6", "udp", "udp6"];

/**
 * Reads `/proc/net/tcp`, `tcp6`, `udp` and `udp6` and returns their rows,
 * filtered to `ports` when given. It never throws for a missing or
 * unreadable table: on a system without `/proc/net` (macOS, Windows) the
 * result has no rows and a `reason` saying why; a single missing file
 * (e.g. `tcp6` when IPv6 is disabled) is skipped and named in `reason`.
 *
 * Permissions: Deno treats files under `/proc` as privileged and reads
 * them only with `--allow-all` (the Jupyter kernel has it). Without it, when
 * running `cat` is allowed (`--allow-run`), the tables are read through
 * `cat`; otherwise the result says which permission is missing.
 *
 * @example Usage
 * ```ts
 * import { readSocketTable } from "./socket_table.ts";
 * const table = await readSocketTable({ ports: [8080] });
 * for (const row of table.rows) console.log(row.state, row.local.port, row.remote.port);
 * if (table.reason) console.log(table.reason);
 * ```
 *
 * @param options Ports to keep, the directory to read, and which tables.
 * @returns The rows and, when something could not be read, why.
 */
export async function readSocketTable(options: ReadSocketTableOptions = {}): Promise<SocketTable> {
  const root = (options.root ?? "/proc/net").replace(/\/+$/, "");
  const protocols = checkProtocols(options.protocols);
  const ports = options.ports === undefined ? undefined : checkPorts(options.ports);
  const rows: SocketRow[] = [];
  const missing: string[] = [];
  let denied = false;
  for (const protocol of protocols) {
    const path = `${root}/${protocol}`;
    let text: string;
    try {
      text = await readTable(path);
    } catch (error) {
      denied ||= error instanceof Deno.errors.PermissionDenied ||
        error instanceof Deno.errors.NotCapable;
      missing.push(path);
      continue;
    }
    for (const row of parseProcNet(text, protocol)) {
      if (!ports || ports.has(row.local.port) || ports.has(row.remote.port)) rows.push(row);
    }
  }
  const base = ports ? { rows, ports: [...ports].sort((a, b) => a - b) } : { rows };
  if (missing.length === 0) return base;
  return { ...base, reason: unreadable(root, missing, protocols.length, denied) };
}

function checkProtocols(protocols: Iterable<SocketProtocol> | undefined): SocketProtocol[] {
  const list = protocols === undefined ? [...ALL] : [...protocols];
  for (const p of list) {
    if (!ALL.includes(p)) {
      throw new TypeError(`protocols must hold only ${ALL.join(", ")}, got ${JSON.stringify(p)}`);
    }
  }
  return list;
}

function checkPorts(ports: Iterable<number>): Set<number> {
  const set = new Set<number>();
  for (const port of ports) {
    assertPort(port, "ports[]");
    set.add(port);
  }
  return set;
}

/** Why some or all of the tables could not be read. */
function unreadable(root: string, missing: string[], wanted: number, denied: boolean): string {
  if (denied) {
    return `reading ${root} was not allowed: Deno treats /proc as privileged and needs ` +
      `--allow-all (or --allow-run=cat, to read it through cat)`;
  }
  if (missing.length === wanted) {
    return Deno.build.os === "linux"
      ? `${root} could not be read (is /proc mounted?): the kernel socket table needs it`
      : `${root} is not available on ${Deno.build.os}: the kernel socket table needs Linux`;
  }
  return `some tables could not be read: ${missing.join(", ")}`;
}

/** Reads one table directly, or through `cat` when Deno may not read `/proc` itself. */
async function readTable(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    const refused = error instanceof Deno.errors.NotCapable ||
      error instanceof Deno.errors.PermissionDenied;
    if (!refused || !path.startsWith("/proc/")) throw error;
    const run = await Deno.permissions.query({ name: "run", command: "cat" });
    if (run.state !== "granted") throw error;
    const out = await new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
      .output();
    if (!out.success) throw new Deno.errors.NotFound(`cat ${path} failed`);
    return new TextDecoder().decode(out.stdout);
  }
}
