/**
 * Folding iopub messages into nbformat outputs, the way nbclient does:
 * merged stream chunks, display updates by `display_id`, `clear_output`
 * (also with `wait: true`), results and errors.
 *
 * @module
 */

import type { JupyterMessage } from "../kernel/_message.ts";
import type { Output } from "./notebook.ts";

/**
 * Outputs created with a `display_id`, by id, shared by all cells of a run so
 * that `update_display_data` reaches displays made by earlier cells.
 *
 * @example
 * ```ts
 * import type { DisplayRegistry } from "./_outputs.ts";
 *
 * const displays: DisplayRegistry = new Map();
 * console.log(displays.size); // 0
 * ```
 */
export type DisplayRegistry = Map<string, Set<Output>>;

/**
 * Collects the outputs of one cell from its iopub messages.
 *
 * @example Merge two stream chunks
 * ```ts
 * import { createMessage } from "../kernel/_message.ts";
 * import { OutputCollector } from "./_outputs.ts";
 *
 * const collector = new OutputCollector();
 * for (const text of ["a\n", "b\n"]) {
 *   collector.add(createMessage("stream", { name: "stdout", text }, { session: "s" }));
 * }
 * console.log(collector.outputs); // [{ output_type: "stream", name: "stdout", text: "a\nb\n" }]
 * ```
 */
export class OutputCollector {
  /** The cell's outputs so far. */
  outputs: Output[] = [];
  /** The execution count announced by `execute_input` or `execute_result`. */
  executionCount: number | null = null;
  /** The `error` outputs seen (also kept in `outputs`). */
  errors: Output[] = [];
  /** Timestamps of the messages nbclient records in `metadata.execution`. */
  timing: Record<string, string> = {};

  #displays: DisplayRegistry;
  #clearPending = false;

  /**
   * Creates a collector.
   *
   * @param displays Display registry shared with the other cells of the run.
   */
  constructor(displays: DisplayRegistry = new Map()) {
    this.#displays = displays;
  }

  #append(output: Output): void {
    if (this.#clearPending) {
      this.outputs = [];
      this.#clearPending = false;
    }
    this.outputs.push(output);
  }

  #register(output: Output, transient: unknown): void {
    const id = (transient as { display_id?: unknown } | undefined)?.display_id;
    if (typeof id !== "string") return;
    let set = this.#displays.get(id);
    if (set === undefined) this.#displays.set(id, set = new Set());
    set.add(output);
  }

  /**
   * Applies one iopub message of this cell.
   *
   * @example
   * ```ts
   * import { createMessage } from "../kernel/_message.ts";
   * import { OutputCollector } from "./_outputs.ts";
   *
   * const collector = new OutputCollector();
   * collector.add(createMessage("error", { ename: "Error", evalue: "x", traceback: [] }, { session: "s" }));
   * console.log(collector.errors.length); // 1
   * ```
   *
   * @param message A verified iopub message whose parent is the cell's request.
   */
  add(message: JupyterMessage): void {
    const { content, header } = message;
    switch (header.msg_type) {
      case "status":
      case "execute_input":
        return this.#timed(header.msg_type, content, header.date);
      case "stream":
        return this.#stream(String(content.name ?? "stdout"), String(content.text ?? ""));
      case "display_data":
      case "execute_result":
        return this.#display(header.msg_type, content);
      case "update_display_data":
        return this.#update(content);
      case "error":
        return this.#error(content);
      case "clear_output":
        return this.#clear(content.wait === true);
      default:
        // Other messages (comm_*, debug_event, ...) make no output.
        return;
    }
  }

  /** `status` and `execute_input`: the timestamps nbclient records, and the execution count. */
  #timed(type: string, content: Record<string, unknown>, date: string): void {
    if (type === "execute_input") this.timing["iopub.execute_input"] = date;
    else if (content.execution_state === "busy") this.timing["iopub.status.busy"] ??= date;
    else if (content.execution_state === "idle") this.timing["iopub.status.idle"] = date;
    if (type === "execute_input" && typeof content.execution_count === "number") {
      this.executionCount = content.execution_count;
    }
  }

  /** Consecutive chunks of one stream are one output. */
  #stream(name: string, text: string): void {
    const last = this.outputs.at(-1);
    if (!this.#clearPending && last?.output_type === "stream" && last.name === name) {
      last.text = String(last.text) + text;
    } else {
      this.#append({ output_type: "stream", name, text });
    }
  }

  #display(type: "display_data" | "execute_result", content: Record<string, unknown>): void {
    const output: Output = {
      output_type: type,
      data: content.data ?? {},
      metadata: content.metadata ?? {},
    };
    if (type === "execute_result") {
      if (typeof content.execution_count === "number") {
        this.executionCount = content.execution_count;
      }
      output.execution_count = content.execution_count ?? this.executionCount;
    }
    this.#append(output);
    this.#register(output, content.transient);
  }

  /** `update_display_data` replaces every output with its display id, in any cell of the run. */
  #update(content: Record<string, unknown>): void {
    const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
    for (const output of this.#displays.get(String(id)) ?? []) {
      output.data = content.data ?? {};
      output.metadata = content.metadata ?? {};
    }
  }

  #error(content: Record<string, unknown>): void {
    const output: Output = {
      output_type: "error",
      ename: String(content.ename ?? "Error"),
      evalue: String(content.evalue ?? ""),
      traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
    };
    this.#append(output);
    this.errors.push(output);
  }

  /** `clear_output`: at once, or before the next output with `wait: true`. */
  #clear(wait: boolean): void {
    if (wait) this.#clearPending = true;
    else {
      this.outputs = [];
      this.#clearPending = false;
    }
  }
}
