/**
 * Which watched object each label means. A label means the newest object
 * watched under it: watching a new object under a label whose holder comes
 * from an earlier run of cells (a re-run cell), or is closed, takes the
 * label over. Two live objects given one label in one run is a mistake.
 *
 * Closed accepted sockets are not kept: the lab keeps a bounded number of
 * their summaries, so a server that accepts thousands of short connections
 * does not grow the lab.
 *
 * @module
 */

import type { EndpointKind } from "../record/event.ts";
import type { Watched } from "../record/_watch.ts";

/** How many summaries of closed accepted sockets a lab keeps. */
const RETIRED_KEPT = 256;

/** What is left of a closed accepted socket: who it was. */
export interface Retired {
  readonly label: string;
  readonly kind: EndpointKind;
  readonly parent?: string;
  readonly instance: number;
  readonly closed: true;
}

interface Held {
  readonly watched: Watched;
  /** The run it was watched in (for an accepted socket, its server's). */
  readonly run: number;
  /** Where `watch()` was called for it (see `callSite()`). */
  readonly site: string;
}

/** When and where a label is claimed: the run and the call site. */
export interface Claim {
  readonly run: number;
  readonly site: string;
}

/**
 * The labels of one lab.
 *
 * @example Usage
 * ```ts
 * import dgram from "node:dgram";
 * import { Labels } from "./_labels.ts";
 * import { instrument } from "../record/_watch.ts";
 * const sink = { network: "loopback", record: () => 0, open: () => 0, settle() {}, adopt() {} } as const;
 * const labels = new Labels();
 * const first = instrument(dgram.createSocket("udp4"), "udp", sink);
 * labels.adopt(first, { run: 1, site: "cell 3" });
 * console.log(labels.claim("udp", { run: 2, site: "cell 3" }) === first); // true: a re-run takes it over
 * (first.target as dgram.Socket).close();
 * ```
 */
export class Labels {
  #held = new Map<string, Held>();
  #retired = new Map<string, Retired>();

  /**
   * Registers a newly watched object (watched by the program, or accepted
   * by a watched server).
   *
   * @param watched The object.
   * @param claim The run it was watched in and where.
   */
  adopt(watched: Watched, claim: Claim): void {
    const parent = watched.parent === undefined ? undefined : this.#held.get(watched.parent);
    const { run, site } = parent ?? claim; // an accepted socket counts as its server's
    this.#held.set(watched.label, { watched, run, site });
    this.#retired.delete(watched.label);
    if (watched.parent !== undefined) {
      watched.whenClosed.then(() => this.#retire(watched), () => {});
    }
  }

  /** A closed accepted socket leaves the lab; its summary is kept for a while. */
  #retire(watched: Watched): void {
    if (this.#held.get(watched.label)?.watched !== watched) return;
    this.#held.delete(watched.label);
    const { label, kind, parent, instance } = watched;
    this.#retired.set(label, { label, kind, parent, instance, closed: true });
    if (this.#retired.size > RETIRED_KEPT) {
      this.#retired.delete(this.#retired.keys().next().value!);
    }
  }

  /**
   * Checks that `label` may be given to a new object, and returns the object
   * that held it, which the caller supersedes. A live holder is taken over
   * when it was watched in an earlier run, or by this same `watch()` call
   * (the cell re-run after it failed: a failed cell does not end a run).
   *
   * @param label The label.
   * @param claim The current run and call site.
   * @returns The previous holder, or `undefined` when the label is new.
   * @throws {Error} When a live object watched elsewhere in this same run holds it.
   */
  claim(label: string, claim: Claim): Watched | undefined {
    const held = this.#held.get(label);
    if (held === undefined) return undefined;
    if (!held.watched.closed && held.run === claim.run && held.site !== claim.site) {
      throw new Error(
        `lab.watch(): label "${label}" already belongs to a live ${describeKind(held.watched)} ` +
          `watched in this same run; two open objects cannot share a label. Pick another ` +
          `label (e.g. "${label}2"), or close the first one before watching the second. ` +
          `(Re-running a cell is fine: the new object takes the label over.)`,
      );
    }
    return held.watched;
  }

  /**
   * Forgets an object and the sockets its server accepted; returns them.
   *
   * @param watched The superseded object.
   * @returns It and its accepted sockets.
   */
  release(watched: Watched): Watched[] {
    const gone = [...this.#held.values()]
      .map((h) => h.watched)
      .filter((w) => w === watched || w.parentInstance === watched.instance);
    for (const w of gone) this.#held.delete(w.label);
    return gone;
  }

  /**
   * The object a label means now: the holder, or a closed accepted socket's summary.
   *
   * @param label A label.
   * @returns The object, its summary, or `undefined`.
   */
  get(label: string): Watched | Retired | undefined {
    return this.#held.get(label)?.watched ?? this.#retired.get(label);
  }

  /**
   * Whether `label` is watched, or is `server#N` of a watched server.
   *
   * @param label A label.
   * @returns `true` when `until()` and the views may use it.
   */
  knows(label: string): boolean {
    if (this.get(label) !== undefined) return true;
    return this.#serverOf(label) !== undefined;
  }

  /**
   * What `until(label, ...)` waits on: the holder's instance, or, for an
   * accepted socket not accepted yet, its server's.
   *
   * @param label A label the lab knows.
   * @returns The instance, or the parent instance.
   */
  objectOf(label: string): { instance?: number; parentInstance?: number } {
    const held = this.get(label);
    if (held !== undefined) return { instance: held.instance };
    return { parentInstance: this.#serverOf(label)?.instance };
  }

  #serverOf(label: string): Watched | undefined {
    const match = /^(.+)#\d+$/.exec(label);
    const server = match === null ? undefined : this.#held.get(match[1])?.watched;
    return server?.kind === "tcp-server" ? server : undefined;
  }

  /**
   * The labels in use, for error messages.
   *
   * @returns The labels, quoted and joined.
   */
  list(): string {
    return [...this.#held.keys()].map((k) => `"${k}"`).join(", ");
  }

  /**
   * The objects watched now.
   *
   * @returns Them, in the order they were watched.
   */
  all(): Watched[] {
    return [...this.#held.values()].map((h) => h.watched);
  }
}

function describeKind(watched: Watched): string {
  return watched.kind === "tcp-server"
    ? "net.Server"
    : watched.kind === "tcp-socket"
    ? "net.Socket"
    : "dgram.Socket";
}
