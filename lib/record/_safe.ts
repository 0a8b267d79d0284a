/**
 * The one guard that keeps recording from ever breaking the program it
 * watches: work done only to record something runs through
 * {@linkcode safely}, and whatever it throws is dropped. The socket's own
 * behaviour (what its methods return and throw, the events it emits) never
 * passes through here.
 *
 * @module
 */

/**
 * Calls `fn` on `self` with two arguments and swallows anything it throws.
 * Two fixed arguments, not a closure, so the recorder's hot path allocates
 * nothing to call it.
 *
 * @example Usage
 * ```ts
 * import { safely } from "./_safe.ts";
 * const recorder = {
 *   seen: 0,
 *   note(this: { seen: number }, n: number, fail: boolean) {
 *     if (fail) throw new Error("recording failed");
 *     this.seen += n;
 *   },
 * };
 * safely(recorder, recorder.note, 2, false);
 * safely(recorder, recorder.note, 5, true); // thrown, and dropped
 * console.log(recorder.seen); // 2
 * ```
 *
 * @typeParam S The receiver.
 * @typeParam A The first argument.
 * @typeParam B The second argument.
 * @param self The receiver (`this` inside `fn`).
 * @param fn The recording work.
 * @param a Its first argument.
 * @param b Its second argument.
 */
export function safely<S, A, B>(self: S, fn: (this: S, a: A, b: B) => void, a: A, b: B): void {
  try {
    fn.call(self, a, b);
  } catch {
    // Recording must never break the socket: the record is lost, the program is not.
  }
}

/**
 * Reads a value through `read` and returns `undefined` when it throws:
 * for probes of state that Node reports by throwing (`address()` of an
 * unbound UDP socket, `remoteAddress()` of an unconnected one).
 *
 * @example Usage
 * ```ts
 * import dgram from "node:dgram";
 * import { probe } from "./_safe.ts";
 * const socket = dgram.createSocket("udp4");
 * console.log(probe(() => socket.address())); // undefined: not bound yet
 * socket.close();
 * ```
 *
 * @typeParam T What `read` returns.
 * @param read The probe.
 * @returns What it returned, or `undefined` when it threw.
 */
export function probe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
