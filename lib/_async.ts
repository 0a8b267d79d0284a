/**
 * Timeouts composed from abort signals, never hand-made timer races: `delay`
 * waits, `deadline` bounds a promise. They keep the contracts of `delay` and
 * `deadline` from `@std/async` (the offline mirror this project is built
 * against serves only `@std/assert` and `@std/net`, so they live here).
 *
 * @module
 */

/** Options of {@linkcode delay} and {@linkcode deadline}. */
export interface AbortableOptions {
  /**
   * Aborting rejects the promise at once with the signal's reason.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
}

/**
 * Resolves after `ms` milliseconds, or rejects with the signal's reason when
 * it is aborted first. The timer is cleared either way.
 *
 * @example Usage
 * ```ts
 * import { delay } from "./_async.ts";
 * const started = performance.now();
 * await delay(20);
 * console.log(performance.now() - started >= 19); // true
 * ```
 *
 * @param ms How long to wait, in ms.
 * @param options An abort signal.
 * @returns A promise that resolves after `ms`.
 */
export function delay(ms: number, options: AbortableOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const abort = () => {
    clearTimeout(timer);
    reject(signal?.reason);
  };
  const timer = setTimeout(() => {
    signal?.removeEventListener("abort", abort);
    resolve();
  }, ms);
  signal?.addEventListener("abort", abort, { once: true });
  return promise;
}

/**
 * The error {@linkcode deadline} rejects with when time runs out, like
 * `AbortSignal.timeout()`'s reason.
 *
 * @returns A `DOMException` named `TimeoutError`.
 */
export function timeoutError(): DOMException {
  return new DOMException("Signal timed out.", "TimeoutError");
}

/**
 * Whether an error is the one {@linkcode deadline} rejects with on timeout.
 *
 * @param error Anything caught.
 * @returns `true` for a `TimeoutError`.
 */
export function isTimeoutError(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/**
 * Settles like `promise` when it settles within `ms` milliseconds; otherwise
 * rejects with a `DOMException` named `TimeoutError`. The promise itself
 * goes on (a promise cannot be cancelled); the timer never outlives it.
 *
 * @example Usage
 * ```ts
 * import { deadline, delay, isTimeoutError } from "./_async.ts";
 * console.log(await deadline(Promise.resolve(1), 100)); // 1
 * const late = await deadline(delay(200), 10).catch((e) => e);
 * console.log(isTimeoutError(late)); // true
 * ```
 *
 * @typeParam T What the promise resolves to.
 * @param promise The promise to bound.
 * @param ms The most time it may take, in ms.
 * @returns What `promise` resolves to.
 */
export function deadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timer = new AbortController();
  const expired = delay(ms, { signal: timer.signal }).then(() => Promise.reject(timeoutError()));
  expired.catch(() => {});
  return Promise.race([promise, expired]).finally(() => timer.abort());
}
