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
 * already closed before it was watched is not waited for.
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
 */
export async function closeAll(watched: readonly Watched[], timeoutMs: number): Promise<void> {
  const open = watched.filter((w) => !w.closed);
  for (const w of open) {
    if (w.kind === "tcp-socket") (w.target as net.Socket).destroy();
  }
  const closing = open.filter((w) => w.kind === "tcp-socket" || closeOne(w));
  if (closing.length > 0) {
    await deadline(Promise.all(closing.map((w) => w.whenClosed)), timeoutMs).catch((error) => {
      if (!isTimeoutError(error)) throw error;
    });
  }
  for (const w of watched) w.detach();
}

/**
 * Closes a server or UDP socket; returns whether a `close` event is to come
 * (not when the object was closed already: Node then throws "not running").
 */
function closeOne(w: Watched): boolean {
  try {
    if (w.kind === "tcp-server") (w.target as net.Server).close();
    else (w.target as dgram.Socket).close();
    return true;
  } catch {
    return false;
  }
}
