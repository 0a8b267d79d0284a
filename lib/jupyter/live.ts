/**
 * Live views: an output that re-renders in place while the sockets run.
 *
 * Jupyter's messaging protocol lets a kernel show a `display_data` with a
 * `display_id` and later replace it, wherever it is, with
 * `update_display_data` messages carrying the same id. JupyterLab, VS Code
 * and nbclient (and socketlab's runner) apply them, also after the cell that
 * made the output has finished. `Deno.jupyter.broadcast` sends both.
 *
 * A live view is rendered again when its lab records something (and, with
 * `everyMs`, on a timer, for views of the operating system that change
 * without an event), but never more often than every `minIntervalMs`, and
 * never so often that rendering takes more than a twentieth of the time.
 * While records keep coming (a bulk transfer), it waits for a pause, and
 * renders at least once a second: a burst is not slowed by drawing it
 * halfway. Stopping it renders it once more, so the final state is what
 * stays in the saved notebook.
 *
 * @module
 */

import { denoInspect, jupyterDisplay, type MimeBundle } from "./figure.ts";
import { checkNumber, isMs, MS } from "../_validate.ts";
import { delay } from "../_async.ts";

/** Options of {@linkcode LiveView} (and `lab.live()`). */
export interface LiveOptions {
  /**
   * Also render again this often, in ms, even when nothing was recorded: for
   * views of the operating system (`lab.sockets()`), which change without an
   * event.
   *
   * @default {undefined} only when something was recorded
   */
  readonly everyMs?: number;
  /**
   * The shortest time between two renders, in ms.
   *
   * @default {100}
   */
  readonly minIntervalMs?: number;
}

/** Sends a Jupyter message on iopub: `Deno.jupyter.broadcast`, or nothing outside a kernel. */
export type Publish = (type: string, content: Record<string, unknown>) => Promise<void>;

/** How much of the time rendering may take: at most one part in this many. */
const RENDER_SHARE = 20;
/** A pause in the records this long (ms) lets a view render. */
const QUIET_MS = 50;
/** Records that never pause still get a render this often (ms). */
const MAX_STALE_MS = 1000;
/** How long `stop()` waits for the kernel to send the final update on (ms). */
const FLUSH_MS = 30;

let views = 0;

/** What the kernel would show for a value: its own bundle (a Figure, a Trace, ...) or its text. */
function bundleOf(value: unknown): MimeBundle {
  const display = (value as { [jupyterDisplay]?: unknown } | null)?.[jupyterDisplay];
  if (typeof display === "function") return display.call(value) as MimeBundle;
  return { "text/plain": typeof value === "string" ? value : Deno.inspect(value) };
}

/** `Deno.jupyter.broadcast` when this runs in the Deno Jupyter kernel. */
function kernelPublish(): Publish | undefined {
  let broadcast: Publish | undefined;
  try {
    // Outside `deno jupyter`, reading Deno.jupyter throws.
    broadcast = (Deno as unknown as { jupyter?: { broadcast?: Publish } }).jupyter?.broadcast;
  } catch {
    return undefined;
  }
  return typeof broadcast === "function" ? (type, content) => broadcast(type, content) : undefined;
}

/**
 * A view shown once and then updated in place as its lab records events
 * (`lab.live(() => lab.trace.select("server"))`). In a terminal or a test,
 * where there is no kernel to show it, it still renders (its `figure` stays
 * current) but sends nothing.
 *
 * @example Usage
 * ```ts
 * import { Figure } from "./figure.ts";
 * import { LiveView } from "./live.ts";
 * let n = 0;
 * const sent: string[] = [];
 * const view = new LiveView(() => new Figure({ "text/plain": `${++n} renders` }), {}, {
 *   publish: (type) => Promise.resolve(void sent.push(type)),
 * });
 * await view.refresh();
 * await view.stop();
 * console.log(sent); // ["display_data", "update_display_data", "update_display_data"]
 * ```
 */
export class LiveView implements AsyncDisposable {
  /** The `display_id` its outputs carry. */
  readonly id: string = `socketlab-live-${crypto.randomUUID()}`;
  #render: () => unknown;
  #publish: Publish | undefined;
  #minIntervalMs: number;
  #bundle: MimeBundle | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #poll: ReturnType<typeof setInterval> | undefined;
  #rendering: Promise<void> | undefined;
  #dirty = false;
  #stopped = false;
  #lastMs = 0;
  #renderedAt = 0;
  /** Changes counted, and the count the last check saw: they differ while records keep coming. */
  #changes = 0;
  #checked = 0;
  #renders = 0;
  #onStop: () => void;

  /**
   * Shows the view (when in a kernel) and starts updating it.
   *
   * @param render Makes what the view shows: a figure (anything the kernel displays), or any value.
   * @param options How often it may render.
   * @param wiring Where messages go (default: the kernel) and what to do on `stop()`.
   */
  constructor(
    render: () => unknown,
    options: LiveOptions = {},
    wiring: { publish?: Publish; onStop?: () => void } = {},
  ) {
    const { minIntervalMs = 100, everyMs } = options;
    checkNumber(minIntervalMs, "live(): options.minIntervalMs", MS, isMs);
    if (everyMs !== undefined) {
      checkNumber(
        everyMs,
        "live(): options.everyMs",
        "a number of ms of at least 10",
        (n) => isMs(n) && n >= 10,
      );
    }
    this.#render = render;
    this.#minIntervalMs = minIntervalMs;
    this.#publish = "publish" in wiring ? wiring.publish : kernelPublish();
    this.#onStop = wiring.onStop ?? (() => {});
    views++;
    this.#rendering = this.#show("display_data");
    if (everyMs !== undefined) this.#poll = setInterval(() => this.#tick(), everyMs);
  }

  /** The latest rendering's bundle (`undefined` before the first one finished). */
  get bundle(): MimeBundle | undefined {
    return this.#bundle;
  }

  /** How many times it was rendered. */
  get renders(): number {
    return this.#renders;
  }

  /** Whether `stop()` was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Says that what the view shows may have changed: it renders again soon
   * (throttled). Cheap: the lab calls it for every record.
   */
  changed(): void {
    if (this.#stopped) return;
    this.#dirty = true;
    this.#changes++;
    if (this.#timer === undefined && this.#rendering === undefined) this.#check(QUIET_MS);
  }

  /** The `everyMs` timer: the view may have changed, though nothing was recorded. */
  #tick(): void {
    this.#dirty = true;
    if (this.#timer === undefined && this.#rendering === undefined) this.#check(0);
  }

  /** Looks again in `ms`: renders once records pause (or are a second stale) and time allows. */
  #check(ms: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const busy = this.#changes !== this.#checked;
      this.#checked = this.#changes;
      const since = performance.now() - this.#renderedAt;
      const gap = Math.max(this.#minIntervalMs, this.#lastMs * RENDER_SHARE);
      if (busy && since < MAX_STALE_MS) return this.#check(QUIET_MS);
      if (since < gap) return this.#check(gap - since);
      this.#rendering = this.#show("update_display_data");
    }, ms);
  }

  /**
   * Renders now and sends the update.
   *
   * @returns Resolves once it is sent.
   */
  async refresh(): Promise<void> {
    await this.#rendering;
    this.#rendering = this.#show("update_display_data");
    await this.#rendering;
  }

  /**
   * Renders one last time and stops updating (the lab stops its views when
   * it closes). Calling it again does nothing.
   *
   * @returns Resolves once the final update is sent.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return await this.#rendering;
    this.#stopped = true;
    clearTimeout(this.#timer);
    clearInterval(this.#poll);
    this.#timer = this.#poll = undefined;
    await this.#rendering;
    this.#rendering = this.#show("update_display_data");
    await this.#rendering;
    // The kernel forwards broadcasts to iopub on a channel of its own, and may report the cell
    // idle before it: a client that stops listening at idle (nbclient) would miss the final
    // state. A moment's wait lets it go out first.
    if (this.#publish !== undefined) await delay(FLUSH_MS);
    this.#onStop();
  }

  /** Same as {@linkcode LiveView.stop}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #show(type: "display_data" | "update_display_data"): Promise<void> {
    this.#dirty = false;
    const started = performance.now();
    try {
      this.#bundle = bundleOf(await this.#render());
    } catch (error) {
      this.#bundle = { "text/plain": `live view could not render: ${String(error)}` };
    }
    this.#renderedAt = performance.now();
    this.#lastMs = this.#renderedAt - started;
    this.#renders++;
    try {
      await this.#publish?.(type, {
        data: this.#bundle,
        metadata: {},
        transient: { display_id: this.id },
      });
    } catch {
      // The kernel went away: nothing to update any more.
    }
    this.#rendering = undefined;
    if (this.#dirty && !this.#stopped && this.#timer === undefined) this.#check(QUIET_MS);
  }

  /**
   * What a cell ending with the view shows: one line pointing at the live
   * output above it (the view itself was displayed when it was made).
   *
   * @returns A text bundle.
   */
  [jupyterDisplay](): MimeBundle {
    return { "text/plain": this.#describe() };
  }

  /**
   * Printed in a terminal: what the view shows now.
   *
   * @returns Its text form.
   */
  [denoInspect](): string {
    return this.#bundle?.["text/plain"] ?? this.#describe();
  }

  #describe(): string {
    return `live view ${views > 1 ? this.id.slice(-8) + " " : ""}(${
      this.#stopped ? "stopped" : "updating"
    }, ${this.#renders} renders)`;
  }
}
