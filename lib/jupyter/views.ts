/**
 * Views that carry their plain data along with the figure: the operating
 * system's socket table (`lab.sockets()`).
 *
 * @module
 */

import { Figure } from "./figure.ts";
import type { SocketRow, SocketTable } from "../os/socket_row.ts";
import { renderSocketTableHtml, renderSocketTableText } from "../render/socket_table.ts";

/**
 * The operating system's socket table, displayable: an HTML table in
 * Jupyter, aligned text in a terminal, and the rows as plain data.
 *
 * @example Usage
 * ```ts
 * import { Lab } from "socketlab";
 * await using lab = await Lab.open("table");
 * const view = await lab.sockets();
 * console.log(view.rows.length); // 0: nothing open yet
 * ```
 */
export class SocketTableView extends Figure {
  /** The table's plain data. */
  readonly table: SocketTable;

  /**
   * Wraps a table.
   *
   * @param table The rows and, when empty for a reason, the reason.
   */
  constructor(table: SocketTable) {
    super({
      "text/html": renderSocketTableHtml(table),
      "text/plain": renderSocketTableText(table),
    });
    this.table = table;
  }

  /** The rows. */
  get rows(): readonly SocketRow[] {
    return this.table.rows;
  }
}
