/**
 * Reads the operating system's own socket table from the platform's own
 * source: on Linux `/proc/net/tcp`, `tcp6`, `udp` and `udp6` (no privileges
 * needed), parsed with {@linkcode parseProcNet}; on macOS `netstat -anW`;
 * on Windows `netstat -ano`. The columns a platform cannot give are named
 * in the table's `unavailable`.
 *
 * @module
 */

import { parseProcNet } from "./proc_net.ts";
import {
  DARWIN_UNAVAILABLE,
  parseDarwinNetstat,
  parseWindowsNetstat,
  WINDOWS_UNAVAILABLE,
} from "./netstat.ts";
import {
  SOCKET_PROTOCOLS,
  type SocketProtocol,
  type SocketRow,
  type SocketTable,
} from "./socket_row.ts";
import type { SystemSource } from "./system_source.ts";
import { hostSource } from "./_host_source.ts";
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
   * On Linux, the directory holding `tcp`, `tcp6`, `udp` and `udp6`.
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
  /**
   * Where to read: the platform and its files and commands.
   *
   * @default {this machine}
   */
  readonly source?: SystemSource;
}

/** What one platform's source gives: rows, or why not. */
interface Read {
  readonly rows: SocketRow[];
  readonly reason?: string;
  readonly source: string;
  readonly unavailable?: readonly (keyof SocketRow)[];
}

/**
 * Reads the socket table of the platform's own source and returns its rows,
 * filtered to `ports` when given. It never throws for a missing or
 * unreadable source: the result has no rows and a `reason` saying why; on
 * Linux a single missing file (e.g. `tcp6` when IPv6 is disabled) is skipped
 * and named in `reason`.
 *
 * Permissions: Deno treats files under `/proc` as privileged and reads
 * them only with `--allow-all` (the Jupyter kernel has it). Without it, when
 * running `cat` is allowed (`--allow-run`), the tables are read through
 * `cat`; otherwise the result says which permission is missing. On macOS and
 * Windows, `netstat` must be allowed to run.
 *
 * @example Usage
 * ```ts
 * import { readSocketTable } from "./socket_table.ts";
 * const table = await readSocketTable({ ports: [8080] });
 * for (const row of table.rows) console.log(row.state, row.local.port, row.remote.port);
 * if (table.reason) console.log(table.reason);
 * ```
 *
 * @param options Ports to keep, which tables, and where to read.
 * @returns The rows and, when something could not be read, why.
 */
export async function readSocketTable(options: ReadSocketTableOptions = {}): Promise<SocketTable> {
  const protocols = checkProtocols(options.protocols);
  const ports = options.ports === undefined ? undefined : checkPorts(options.ports);
  const source = options.source ?? hostSource();
  const read = source.os === "windows"
    ? await readNetstat(source, ["-ano"], parseWindowsNetstat, WINDOWS_UNAVAILABLE)
    : source.os === "darwin" || source.os === "freebsd"
    ? await readNetstat(source, ["-anW"], parseDarwinNetstat, DARWIN_UNAVAILABLE)
    : await readProcNet(source, (options.root ?? "/proc/net").replace(/\/+$/, ""), protocols);
  const rows = read.rows.filter((row) =>
    protocols.includes(row.protocol) &&
    (!ports || ports.has(row.local.port) || ports.has(row.remote.port))
  );
  return {
    rows,
    ...(ports ? { ports: [...ports].sort((a, b) => a - b) } : {}),
    ...(read.reason === undefined ? {} : { reason: read.reason }),
    source: read.source,
    ...(read.unavailable ? { unavailable: read.unavailable } : {}),
  };
}

function checkProtocols(protocols: Iterable<SocketProtocol> | undefined): SocketProtocol[] {
  const list = protocols === undefined ? [...SOCKET_PROTOCOLS] : [...protocols];
  for (const p of list) {
    if (!SOCKET_PROTOCOLS.includes(p)) {
      throw new TypeError(
        `protocols must hold only ${SOCKET_PROTOCOLS.join(", ")}, got ${JSON.stringify(p)}`,
      );
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

/** Linux: one file per protocol under `root`. */
async function readProcNet(
  source: SystemSource,
  root: string,
  protocols: readonly SocketProtocol[],
): Promise<Read> {
  const rows: SocketRow[] = [];
  const missing: string[] = [];
  let denied = false;
  for (const protocol of protocols) {
    const path = `${root}/${protocol}`;
    let text: string;
    try {
      text = await source.readTextFile(path);
    } catch (error) {
      denied ||= error instanceof Deno.errors.PermissionDenied ||
        error instanceof Deno.errors.NotCapable;
      missing.push(path);
      continue;
    }
    rows.push(...parseProcNet(text, protocol));
  }
  if (missing.length === 0) return { rows, source: root };
  const reason = unreadable(source.os, root, missing, protocols.length, denied);
  return { rows, reason, source: root };
}

/** Why some or all of the `/proc/net` tables could not be read. */
function unreadable(
  os: string,
  root: string,
  missing: string[],
  wanted: number,
  denied: boolean,
): string {
  if (denied) {
    return `reading ${root} was not allowed: Deno treats /proc as privileged and needs ` +
      `--allow-all (or --allow-run=cat, to read it through cat)`;
  }
  if (missing.length === wanted) {
    return os === "linux"
      ? `${root} could not be read (is /proc mounted?): the kernel socket table needs it`
      : `${root} is not available on ${os}: the kernel socket table needs Linux`;
  }
  return `some tables could not be read: ${missing.join(", ")}`;
}

/** macOS and Windows: `netstat` once per transport (macOS) or once (Windows). */
async function readNetstat(
  source: SystemSource,
  flags: readonly string[],
  parse: (text: string) => SocketRow[],
  unavailable: readonly (keyof SocketRow)[],
): Promise<Read> {
  const runs = source.os === "windows"
    ? [flags]
    : [[...flags, "-p", "tcp"], [...flags, "-p", "udp"]];
  const rows: SocketRow[] = [];
  const command = `netstat ${flags.join(" ")}`;
  for (const args of runs) {
    try {
      rows.push(...parse(await source.run("netstat", args)));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return {
        rows,
        reason: `netstat ${args.join(" ")} could not be read: ${why}`,
        source: command,
      };
    }
  }
  return { rows, source: command, unavailable };
}
