/**
 * Cross-process port reservations, so that two processes (two notebook
 * kernels run side by side) are not both handed the same free port between
 * the check and the bind.
 *
 * A reservation is a file `<transport>-<port>` in a folder shared by every
 * process of the machine (`$TMPDIR/socketlab-ports`, `/tmp/socketlab-ports`
 * by default), created atomically (`createNew`) and holding the owner's pid.
 * A reservation is a lease: it covers the moment between the check and the
 * bind, after which the operating system itself keeps the port taken. It
 * ends when its owner releases it ({@linkcode releasePort}, or a normal
 * exit), when its owner is gone (looked up in `/proc`, else with `ps`), or a minute
 * after it was made. Ended reservations are reclaimed when their port is
 * asked for, and all of them the first time a process reserves a port.
 * When the folder cannot be used (no permission to
 * read the environment or write there), ports are handed out unreserved, as
 * before.
 *
 * @module
 */

/** Which transport a reservation is for. */
export type ReservedTransport = "tcp" | "udp";

/** How long a reservation lasts: by then its owner has bound the port (or given it up). */
const LEASE_MS = 60_000;
/** How long a just-created file may stay empty before it counts as abandoned. */
const WRITING_MS = 10_000;

const owned = new Set<string>();
let cleanupInstalled = false;
let defaultDir: string | null | undefined;

/**
 * The shared folder of reservations, or `null` when it cannot be known.
 *
 * @returns The folder's path, or `null`.
 */
export function reservationDir(): string | null {
  if (defaultDir !== undefined) return defaultDir;
  try {
    const windows = Deno.build.os === "windows";
    const tmp = Deno.env.get(windows ? "TEMP" : "TMPDIR") ?? (windows ? undefined : "/tmp");
    defaultDir = tmp === undefined ? null : `${tmp.replace(/[\\/]$/, "")}/socketlab-ports`;
  } catch {
    defaultDir = null; // no --allow-env: reservations are off
  }
  return defaultDir;
}

function ownerOf(file: string): { pid?: number; ageMs: number } | undefined {
  try {
    const text = Deno.readTextFileSync(file).trim();
    const mtime = Deno.statSync(file).mtime?.getTime() ?? Date.now();
    const pid = /^\d+$/.test(text) ? Number(text) : undefined;
    return { pid, ageMs: Date.now() - mtime };
  } catch {
    return undefined; // gone meanwhile: try again
  }
}

/** A process's state letter (`R`, `S`, `Z`, ...) from `/proc`, or `undefined` if it cannot be read. */
function procState(pid: number): string | null | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2)[0];
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? null : undefined; // null: no such process
  }
}

/** The same from `ps` (macOS, or a Deno without access to /proc), or `undefined`. */
function psState(pid: number): string | null | undefined {
  try {
    const out = new Deno.Command("ps", {
      args: ["-o", "stat=", "-p", String(pid)],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    const stat = new TextDecoder().decode(out.stdout).trim();
    return stat === "" ? null : stat[0];
  } catch {
    return undefined; // no ps, or no permission to run it
  }
}

/**
 * Whether the process `pid` runs (a zombie does not), from `/proc`, else from
 * `ps`; `undefined` when neither can be read.
 *
 * @example Usage
 * ```ts
 * import { isRunning } from "./_port_reservation.ts";
 * console.log(isRunning(Deno.pid)); // true
 * ```
 *
 * @param pid The process id.
 * @returns Whether it runs, if that can be known.
 */
export function isRunning(pid: number): boolean | undefined {
  const state = procState(pid) ?? (Deno.build.os === "windows" ? undefined : psState(pid));
  return state === undefined ? undefined : state !== null && state !== "Z";
}

function isAbandoned(owner: { pid?: number; ageMs: number }): boolean {
  if (owner.pid === undefined) return owner.ageMs > WRITING_MS;
  return owner.ageMs > LEASE_MS || isRunning(owner.pid) === false;
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  globalThis.addEventListener("unload", () => {
    for (const file of owned) {
      try {
        Deno.removeSync(file);
      } catch {
        // Already gone.
      }
    }
  });
}

let swept = false;

/**
 * Once per process: makes the shared folder (writable by every user, like
 * /tmp) and removes the reservations of processes that are gone, so that
 * the folder does not fill up with the ports of killed kernels.
 */
function prepare(dir: string): void {
  if (swept) return;
  swept = true;
  try {
    Deno.mkdirSync(dir, { mode: 0o1777 });
    Deno.chmodSync(dir, 0o1777);
  } catch {
    // It exists already (or cannot be made: the create below says so).
  }
  try {
    for (const entry of Deno.readDirSync(dir)) {
      if (!/^(tcp|udp)-\d+$/.test(entry.name)) continue;
      const owner = ownerOf(`${dir}/${entry.name}`);
      if (owner !== undefined && isAbandoned(owner)) reclaim(`${dir}/${entry.name}`, owner.pid);
    }
  } catch {
    // Not readable: stale reservations are reclaimed one by one instead.
  }
}

function create(dir: string, file: string): boolean {
  prepare(dir);
  using handle = Deno.openSync(file, { createNew: true, write: true, mode: 0o666 });
  handle.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  owned.add(file);
  installCleanup();
  return true;
}

/**
 * Reserves `port` for this process. Returns `true` when this process holds
 * the reservation now (or reservations cannot be made here), `false` when a
 * running process holds it.
 *
 * @example Usage
 * ```ts
 * import { releasePort, reservePort } from "./_port_reservation.ts";
 * console.log(reservePort(47_311, "tcp")); // true: held by this process now
 * console.log(reservePort(47_311, "tcp")); // true: this process already holds it
 * releasePort(47_311, "tcp");
 * ```
 *
 * @param port The port.
 * @param transport Its transport.
 * @param dir The shared folder.
 * @returns Whether this process may use the port.
 */
export function reservePort(
  port: number,
  transport: ReservedTransport,
  dir: string | null = reservationDir(),
): boolean {
  if (dir === null) return true;
  const file = `${dir}/${transport}-${port}`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return create(dir, file);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) return true; // cannot reserve here
    }
    const owner = ownerOf(file);
    if (owner === undefined) continue;
    if (owner.pid === Deno.pid) return renew(file);
    if (!isAbandoned(owner)) return false;
    reclaim(file, owner.pid);
  }
  return false;
}

/** Starts this process's reservation's lease again (it is about to use the port again). */
function renew(file: string): boolean {
  try {
    const now = new Date();
    Deno.utimeSync(file, now, now);
  } catch {
    // Gone meanwhile: the port is free to use anyway.
  }
  return true;
}

/**
 * Removes an abandoned reservation without ever removing a live one: the
 * file is first renamed aside (atomic), and put back if it turns out another
 * process re-created it meanwhile.
 */
function reclaim(file: string, deadPid: number | undefined): void {
  const aside = `${file}.reclaim-${Deno.pid}-${crypto.randomUUID()}`;
  try {
    Deno.renameSync(file, aside);
  } catch {
    return; // another process reclaimed it first
  }
  const moved = ownerOf(aside);
  try {
    if (moved !== undefined && moved.pid !== deadPid) Deno.linkSync(aside, file);
  } catch {
    // The port was reserved again meanwhile; that reservation stands.
  }
  try {
    Deno.removeSync(aside);
  } catch {
    // Already gone.
  }
}

/**
 * Releases this process's reservation of `port`, if it holds one.
 *
 * @example Usage
 * ```ts
 * import { releasePort, reservePort } from "./_port_reservation.ts";
 * reservePort(47_312, "udp");
 * releasePort(47_312, "udp");
 * ```
 *
 * @param port The port.
 * @param transport Its transport.
 * @param dir The shared folder.
 */
export function releasePort(
  port: number,
  transport: ReservedTransport,
  dir: string | null = reservationDir(),
): void {
  if (dir === null) return;
  const file = `${dir}/${transport}-${port}`;
  if (!owned.delete(file)) return;
  if (ownerOf(file)?.pid !== Deno.pid) return;
  try {
    Deno.removeSync(file);
  } catch {
    // Already gone.
  }
}
