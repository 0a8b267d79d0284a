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
    const content = message.content;
    const type = message.header.msg_type;
    const date = message.header.date;
    switch (type) {
      case "status":
        if (content.execution_state === "busy") this.timing["iopub.status.busy"] ??= date;
        if (content.execution_state === "idle") this.timing["iopub.status.idle"] = date;
        return;
      case "execute_input":
        this.timing["iopub.execute_input"] = date;
        if (typeof content.execution_count === "number") {
          this.executionCount = content.execution_count;
        }
        return;
      case "stream": {
        const name = String(content.name ?? "stdout");
        const text = String(content.text ?? "");
        const last = this.outputs.at(-1);
        if (!this.#clearPending && last?.output_type === "stream" && last.name === name) {
          last.text = String(last.text) + text;
        } else {
          this.#append({ output_type: "stream", name, text });
        }
        return;
      }
      case "display_data": {
        const output: Output = {
          output_type: "display_data",
          data: content.data ?? {},
          metadata: content.metadata ?? {},
        };
        this.#append(output);
        this.#register(output, content.transient);
        return;
      }
      case "update_display_data": {
        const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
        for (const output of this.#displays.get(String(id)) ?? []) {
          output.data = content.data ?? {};
          output.metadata = content.metadata ?? {};
        }
        return;
      }
      case "execute_result": {
        if (typeof content.execution_count === "number") {
          this.executionCount = content.execution_count;
        }
        const output: Output = {
          output_type: "execute_result",
          data: content.data ?? {},
          metadata: content.metadata ?? {},
          execution_count: content.execution_count ?? this.executionCount,
        };
        this.#append(output);
        this.#register(output, content.transient);
        return;
      }
      case "error": {
        const output: Output = {
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
        this.#append(output);
        this.errors.push(output);
        return;
      }
      case "clear_output":
        if (content.wait === true) this.#clearPending = true;
        else {
          this.outputs = [];
          this.#clearPending = false;
        }
        return;
      default:
        // execute_input aside, other messages (comm_*, debug_event, ...) make no output.
        return;
    }
  }
}
