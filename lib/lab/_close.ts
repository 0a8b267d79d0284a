/**
 * Closing what a lab watched: sockets first (so that servers' `close` events
 * are not held up by their connections), then servers and UDP sockets, then
 * a bounded wait for every `close` event, then letting go of the objects.
 *
 * @module
 */

import type net from "node:net";
import type dgram from "node:dgram";
import type { Watched } from "../record/_watch.ts";
import { deadline, isTimeoutError } from "../_async.ts";

/**
 * Closes every watched object that is still open, waits up to `timeoutMs`
 * for their `close` events, and detaches all of them. An object that was
 * already closed before it was watched is not waited for. When closing one
 * object throws, the others are still closed; then the failures are
 * reported together.
 *
 * @example Usage
 * ```ts
 * import dgram from "node:dgram";
 * import { closeAll } from "./_close.ts";
 * import { instrument } from "../record/_watch.ts";
 * const sink = { network: "loopback", record: () => 0, open: () => 0, settle() {}, adopt() {} } as const;
 * const udp = instrument(dgram.createSocket("udp4"), "udp", sink);
 * await closeAll([udp], 1000);
 * console.log(udp.closed); // true
 * ```
 *
 * @param watched The lab's watched objects.
 * @param timeoutMs How long to wait for the `close` events.
 * @throws {Error} After closing the rest, when closing any object threw.
 */
export async function closeAll(watched: readonly Watched[], timeoutMs: number): Promise<void> {
  const open = watched.filter((w) => !w.closed);
  const failures: string[] = [];
  // Sockets first, so that servers' close events are not held up by their connections.
  const sockets = open.filter((w) => w.kind === "tcp-socket");
  const others = open.filter((w) => w.kind !== "tcp-socket");
  const closing = [
    ...sockets.filter((w) => closeOne(w, failures)),
    ...others.filter((w) => closeOne(w, failures)),
  ];
  if (closing.length > 0) {
    await deadline(Promise.all(closing.map((w) => w.whenClosed)), timeoutMs).catch((error) => {
      if (!isTimeoutError(error)) throw error;
    });
  }
  for (const w of watched) w.detach();
  if (failures.length > 0) {
    throw new Error(`lab.close(): closed what it could, but ${failures.join("; ")}`);
  }
}

/**
 * Destroys a socket, or closes a server or UDP socket; returns whether a
 * `close` event is to come. A server or UDP socket that was closed already
 * throws "not running" in Node: nothing is to come, and nothing failed.
 */
function closeOne(w: Watched, failures: string[]): boolean {
  try {
    if (w.kind === "tcp-socket") (w.target as net.Socket).destroy();
    else if (w.kind === "tcp-server") (w.target as net.Server).close();
    else (w.target as dgram.Socket).close();
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_SOCKET_DGRAM_NOT_RUNNING" && code !== "ERR_SERVER_NOT_RUNNING") {
      failures.push(`"${w.label}" could not be closed: ${String(error)}`);
    }
    return false;
  }
}
