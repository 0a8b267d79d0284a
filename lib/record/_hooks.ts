/**
 * The wrappers that stand in for a watched object's `emit` and methods.
 * They are shared by every watched object of a kind, so that watched
 * objects keep sharing hidden classes and Node's own code stays fast on
 * them; per-object state hangs off one symbol ({@linkcode WATCHED}).
 *
 * Each wrapper is installed as an accessor pair, so that it keeps serving
 * when the object assigns the method later (Node's `Socket#connect` resets
 * `this.write`; a socket that got a FIN without `allowHalfOpen` gets
 * `write = writeAfterFIN`): the wrapper stays, the method it calls changes.
 *
 * @module
 */

import type { Endpoint } from "./_watch.ts";
import type { EventDraft } from "./_event_draft.ts";
import type { Address } from "./event.ts";

/** Any method of a watched object. */
export type Method = (...args: unknown[]) => unknown;

/** Where a watched object keeps its {@linkcode Endpoint}. */
export const WATCHED: unique symbol = Symbol.for("socketlab.watched") as never;

/** A watched (or once watched) object, seen through its tag. */
export type Tagged = { [WATCHED]?: Endpoint };

/** A wrapped method: the wrapper and the accessor pair that serves it. */
export interface Hook {
  /** The function the object's callers get. */
  readonly wrapper: Method;
  /** The accessor's getter: always the wrapper. */
  readonly get: () => Method;
  /** The accessor's setter: a new method is what the wrapper calls from now on. */
  readonly set: (fn: Method) => void;
}

/**
 * How one method is recorded.
 *
 * @typeParam P The arguments as `normalize` returns them (the raw list by default).
 */
export interface CallSpec<P = unknown[]> {
  /** Reads the arguments' overloaded shapes once; `describe` gets the result. */
  normalize?(args: unknown[]): P;
  /** Fills the draft from the arguments; default: a short summary in `args`. */
  describe?(endpoint: Endpoint, draft: EventDraft, args: P): void;
  /** Runs after the original returned. */
  after?(endpoint: Endpoint): void;
  /**
   * Reports the result of the callback the program passed (its last
   * function argument). None is added when the program passed none, so
   * errors still go where Node sends them.
   */
  callbackResult?(endpoint: Endpoint, call: PendingCall, results: unknown[]): void;
  /** The call's record is completed by `callbackResult` (when there is a callback). */
  settlesInCallback?: boolean;
  /**
   * A promise to wait for before making the call, or `undefined` to make it
   * at once. Only for methods that return their object and report their
   * outcome by events: a UDP `bind` to a port that a superseded socket of
   * the lab is still releasing.
   */
  deferUntil?(endpoint: Endpoint, args: P): Promise<void> | undefined;
  /**
   * Whether this call is Node replaying an earlier call it had queued (a
   * UDP `send` before the socket was bound is queued and made again after
   * `listening`): it passes through without a second record.
   */
  replay?(endpoint: Endpoint, args: unknown[]): boolean;
}

/** A recorded call whose callback has not run yet. */
export interface PendingCall {
  /** The method's name. */
  readonly name: string;
  /** The sequence number of its record. */
  readonly seq: number;
  /** The target the call was given (a UDP send's), if any. */
  readonly remote: Address | undefined;
  /** The payload size the call was given (a UDP send's), or `NaN`. */
  readonly bytes: number;
}

function hook(name: string, wrapper: Method): Hook {
  return {
    wrapper,
    get: () => wrapper,
    set(this: Tagged, fn: Method) {
      const endpoint = this[WATCHED];
      if (endpoint !== undefined && fn !== wrapper) endpoint.current[name] = fn;
    },
  };
}

/** The method an object that is not watched (any more) would call. */
function unwatched(self: unknown, name: string, wrapper: Method): Method {
  for (let o = Object.getPrototypeOf(self); o !== null; o = Object.getPrototypeOf(o)) {
    const fn = Object.getOwnPropertyDescriptor(o, name)?.value;
    if (typeof fn === "function" && fn !== wrapper) return fn as Method;
  }
  throw new TypeError(`${name} is not a function`);
}

/**
 * The `emit` wrapper: records the events the endpoint records, then emits
 * exactly what the object emitted (an `error` the guard caused carries the
 * guard's error instead of the OS's).
 *
 * @returns The hook.
 */
export function emitHook(): Hook {
  const wrapper = function (this: Tagged, name: unknown): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) {
      return Reflect.apply(unwatched(this, "emit", wrapper), this, arguments);
    }
    const emit = endpoint.current.emit;
    // Fast path: most emits (readable, resume, finish, ...) are not recorded.
    if (typeof name !== "string" || !endpoint.names.has(name) || endpoint.detached) {
      return Reflect.apply(emit, this, arguments);
    }
    const args = endpoint.withGuardError(name, arguments);
    endpoint.onEvent(name, args);
    return Reflect.apply(emit, this, args);
  };
  return hook("emit", wrapper);
}

/**
 * A listener-registration wrapper: not recorded, and what the method does
 * internally (`resume()` on `on("data")`) is not either.
 *
 * @param name The method's name (`on`, `once`, ...).
 * @returns The hook.
 */
export function silentHook(name: string): Hook {
  const wrapper = function (this: Tagged): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) {
      return Reflect.apply(unwatched(this, name, wrapper), this, arguments);
    }
    endpoint.depth++;
    try {
      return Reflect.apply(endpoint.current[name], this, arguments);
    } finally {
      endpoint.depth--;
    }
  };
  return hook(name, wrapper);
}

/**
 * A method wrapper: records the call as `spec` says, then returns exactly
 * what the original returns and rethrows what it throws. Calls the original
 * makes on the same object are not recorded twice.
 *
 * @param name The method's name.
 * @param spec How the call is recorded.
 * @returns The hook.
 */
export function callHook(name: string, spec: CallSpec<unknown>): Hook {
  const wrapper = function (this: Tagged, ...args: unknown[]): unknown {
    const endpoint = this[WATCHED];
    if (endpoint === undefined) return Reflect.apply(unwatched(this, name, wrapper), this, args);
    const original = endpoint.current[name];
    if (endpoint.depth > 0 || endpoint.detached) return Reflect.apply(original, this, args);
    return endpoint.call(name, spec, original, this, args);
  };
  return hook(name, wrapper);
}

/** The wrapper of `emit`, shared by every watched object. */
export const EMIT: Hook = emitHook();

/** The wrappers of listener registration, shared by every watched object. */
export const SILENT: ReadonlyMap<string, Hook> = new Map(
  ["on", "addListener", "once", "prependListener", "prependOnceListener"].map(
    (name) => [name, silentHook(name)] as const,
  ),
);
