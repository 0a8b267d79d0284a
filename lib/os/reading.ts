/**
 * One fact read from the operating system: its value, or why this platform
 * cannot give it. Never an exception for "not available here".
 *
 * @module
 */

/** What a reading is made of: the fact, where it was read, and the value or the reason. */
interface ReadingInit<T> {
  readonly name: string;
  readonly source: string;
  readonly value?: T;
  readonly reason?: string;
}

/**
 * A fact read from the operating system (a setting, a socket option, a
 * queue length): either its `value`, or the `reason` it is not available on
 * this platform. Shown in Jupyter and by `console.log` as one line of text.
 *
 * @example Usage
 * ```ts
 * import { Lab } from "socketlab";
 * await using lab = await Lab.open("reading");
 * const somaxconn = await lab.system.setting("somaxconn");
 * if (somaxconn.value !== undefined) console.log(somaxconn.value > 0); // true
 * else console.log(somaxconn.reason); // e.g. not available on windows: ...
 * ```
 *
 * @typeParam T The value's type.
 */
export class Reading<T> {
  /** What was read, e.g. `somaxconn` or `backlog of port 8080`. */
  readonly name: string;
  /** Where it was read: a file (`/proc/sys/net/core/somaxconn`), a command (`sysctl kern.ipc.somaxconn`), a call. */
  readonly source: string;
  /** The value; `undefined` when not available (see `reason`). */
  readonly value: T | undefined;
  /** Why the value is not available here; `undefined` when it is. */
  readonly reason: string | undefined;

  private constructor(init: ReadingInit<T>) {
    this.name = init.name;
    this.source = init.source;
    this.value = init.value;
    this.reason = init.reason;
  }

  /**
   * A reading that has its value.
   *
   * @example Usage
   * ```ts
   * import { Reading } from "socketlab";
   * const ttl = Reading.of("defaultTtl", "/proc/sys/net/ipv4/ip_default_ttl", 64);
   * console.log(String(ttl)); // "defaultTtl = 64 (/proc/sys/net/ipv4/ip_default_ttl)"
   * ```
   *
   * @typeParam T The value's type.
   * @param name What was read.
   * @param source Where it was read.
   * @param value The value.
   * @returns The reading.
   */
  static of<T>(name: string, source: string, value: T): Reading<T> {
    return new Reading({ name, source, value });
  }

  /**
   * A reading whose value this platform cannot give.
   *
   * @example Usage
   * ```ts
   * import { Reading } from "socketlab";
   * const r = Reading.unavailable<number>("somaxconn", "netsh", "Windows does not show it");
   * console.log(r.value, r.reason); // undefined "Windows does not show it"
   * ```
   *
   * @typeParam T The type the value would have.
   * @param name What was asked for.
   * @param source Where it would be read.
   * @param reason Why it is not available, in words a reader understands.
   * @returns The reading.
   */
  static unavailable<T>(name: string, source: string, reason: string): Reading<T> {
    return new Reading<T>({ name, source, reason });
  }

  /** Whether the value is available. */
  get available(): boolean {
    return this.reason === undefined;
  }

  /**
   * One line: `name = value (source)`, or `name: not available (reason)`.
   *
   * @returns The text.
   */
  toString(): string {
    if (this.reason !== undefined) return `${this.name}: not available (${this.reason})`;
    const value = typeof this.value === "string" ? this.value : JSON.stringify(this.value);
    return `${this.name} = ${value} (${this.source})`;
  }

  /**
   * What the Deno Jupyter kernel shows: the one line of {@linkcode Reading.toString}.
   *
   * @returns A MIME bundle with `text/plain`.
   */
  [Symbol.for("Jupyter.display")](): { "text/plain": string } {
    return { "text/plain": this.toString() };
  }

  /**
   * What `console.log` and `Deno.inspect` print.
   *
   * @returns The text.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return this.toString();
  }
}
