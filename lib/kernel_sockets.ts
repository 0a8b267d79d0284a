/**
 * Reads the kernel's own socket table from `/proc/net` (Linux, no
 * privileges needed) and parses it with {@linkcode parseProcNet}.
 *
 * @module
 */

import {
  type KernelSocketTable,
  parseProcNet,
  type ProcNetProtocol,
  type ProcNetRow,
} from "./proc_net.ts";

/** Options of {@linkcode readKernelSockets}. */
export interface ReadKernelSocketsOptions {
  /** Keep only the rows whose local or remote port is one of these. All rows when absent. */
  ports?: Iterable<number>;
  /** The directory holding `tcp`, `tcp6`, `udp` and `udp6`. Default `/proc/net`. */
  root?: string;
  /** Which tables to read. Default all four. */
  protocols?: Iterable<ProcNetProtocol>;
}

const ALL: readonly ProcNetProtocol[] = ["tcp", "tcp6", "udp", "udp6"];

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
 * ```ts ignore
 * import { readKernelSockets } from "socketlab";
 * const table = await readKernelSockets({ ports: [8080] });
 * for (const row of table.rows) console.log(row.state, row.local.port, row.remote.port);
 * if (table.reason) console.log(table.reason);
 * ```
 *
 * @param options Ports to keep, the directory to read, and which tables.
 * @returns The rows and, when something could not be read, why.
 */
export async function readKernelSockets(
  options: ReadKernelSocketsOptions = {},
): Promise<KernelSocketTable> {
  const root = (options.root ?? "/proc/net").replace(/\/+$/, "");
  const protocols = options.protocols ? [...options.protocols] : [...ALL];
  for (const p of protocols) {
    if (!ALL.includes(p)) {
      throw new TypeError(
        `protocols must hold only ${ALL.join(", ")}, got ${JSON.stringify(p)}`,
      );
    }
  }
  let ports: Set<number> | undefined;
  if (options.ports !== undefined) {
    ports = new Set();
    for (const port of options.ports) {
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new TypeError(`ports must be integers from 0 to 65535, got ${port}`);
      }
      ports.add(port);
    }
  }
  const rows: ProcNetRow[] = [];
  const missing: string[] = [];
  let denied = false;
  for (const protocol of protocols) {
    const path = `${root}/${protocol}`;
    let text: string;
    try {
      text = await readTable(path);
    } catch (error) {
      if (
        error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable
      ) {
        denied = true;
      }
      missing.push(path);
      continue;
    }
    for (const row of parseProcNet(text, protocol)) {
      if (!ports || ports.has(row.local.port) || ports.has(row.remote.port)) rows.push(row);
    }
  }
  const portList = ports ? [...ports].sort((a, b) => a - b) : undefined;
  const base = portList ? { rows, ports: portList } : { rows };
  if (missing.length === 0) return base;
  let reason: string;
  if (denied) {
    reason = `reading ${root} was not allowed: Deno treats /proc as privileged and needs ` +
      `--allow-all (or --allow-run=cat, to read it through cat)`;
  } else if (missing.length === protocols.length) {
    reason = Deno.build.os === "linux"
      ? `${root} could not be read (is /proc mounted?): the kernel socket table needs it`
      : `${root} is not available on ${Deno.build.os}: the kernel socket table needs Linux`;
  } else {
    reason = `some tables could not be read: ${missing.join(", ")}`;
  }
  return { ...base, reason };
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
