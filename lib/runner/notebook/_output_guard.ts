/**
 * A guard the runner installs in the kernel before the first cell, because
 * the Deno kernel loses big outputs without a word.
 *
 * The kernel publishes each output as one iopub message, through its ZeroMQ
 * publisher, with a non-blocking send into a bounded buffer; a message that
 * does not fit is dropped (ZeroMQ's PUB rule), and the connection may break
 * afterwards, so that nothing the kernel publishes later arrives either.
 * Whether a big message fits depends on timing: on this machine displays of
 * 8.5 MB and more were always lost, a 10 MB `console.log` arrived in most
 * runs and was lost in some under load. The limit is in the kernel, not in
 * the runner's sockets (their `maxMessageSize` is unlimited). The guard makes
 * `Deno.jupyter.display()` and `Deno.jupyter.broadcast()` throw a
 * `RangeError` for a message over {@linkcode OUTPUT_LIMIT} bytes, so the cell
 * fails with a clear message instead. It cannot see `console.log` nor the
 * value of a cell's last expression (the kernel formats those itself); for
 * those the runner notices only a broken connection (a stalled cell, or the
 * check after the last cell).
 *
 * @module
 */

/** The largest display or message the guard lets through, in bytes (8 MiB). */
export const OUTPUT_LIMIT = 8 * 1024 * 1024;

/**
 * The guard's source, run once in the kernel (silently, no execution count).
 *
 * @example Usage
 * ```ts
 * import { OUTPUT_GUARD } from "./_output_guard.ts";
 * console.log(OUTPUT_GUARD.includes("Deno.jupyter")); // true
 * ```
 */
export const OUTPUT_GUARD = `{
  const jupyter = Deno.jupyter;
  const guarded = Symbol.for("socketlab.outputGuard");
  if (jupyter && !jupyter[guarded]) {
    const limit = ${OUTPUT_LIMIT};
    const check = (what, value) => {
      let bytes = 0;
      try {
        bytes = new TextEncoder().encode(JSON.stringify(value) ?? "").length;
      } catch {
        return;
      }
      if (bytes > limit) {
        throw new RangeError(
          what + " is " + (bytes / 1e6).toFixed(1) + " MB: the Deno kernel drops a message over " +
            "about 8 MB, so it would be lost; show less (a smaller image, a summary, a file link)",
        );
      }
    };
    const { display, broadcast, format } = jupyter;
    jupyter.display = async function (value, options = {}) {
      const raw = options?.raw || typeof format !== "function";
      const bundle = raw ? value : await format(value);
      check("this display", bundle);
      return display.call(this, bundle, { ...options, raw: true });
    };
    jupyter.broadcast = async function (type, content, extra) {
      check("this " + type + " message", content);
      return broadcast.call(this, type, content, extra);
    };
    jupyter[guarded] = true;
  }
}`;
