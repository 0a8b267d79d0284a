/**
 * Counting UDP datagrams sent and received between watched sockets, so a
 * lab reports loss instead of hiding it. The ledger counts as events are
 * recorded, so its totals stay right even when the trace drops old events.
 *
 * @module
 */

import type { DatagramFlow, TraceEvent } from "./event.ts";

/**
 * The fields of a record the ledger reads: a {@linkcode TraceEvent} has them,
 * and so does the recorder's reused draft.
 */
export type LedgerRecord = Pick<TraceEvent, "kind" | "label" | "source" | "name"> & {
  readonly local?: TraceEvent["local"] | undefined;
  readonly remote?: TraceEvent["remote"] | undefined;
  readonly code?: string | undefined;
};

/**
 * Counts datagrams per sender and receiver, from recorded events.
 *
 * @example Usage
 * ```ts
 * import { DatagramLedger } from "./_datagram_ledger.ts";
 * import { assertEquals } from "@std/assert";
 * const ledger = new DatagramLedger();
 * const base = { seq: 0, time: 0, kind: "udp-socket", source: "event" } as const;
 * ledger.add({ ...base, label: "a", name: "listening", local: { address: "127.0.0.1", port: 5000 } });
 * ledger.add({ ...base, label: "b", name: "listening", local: { address: "127.0.0.1", port: 6000 } });
 * ledger.add({ ...base, label: "a", source: "call", name: "send", remote: { address: "127.0.0.1", port: 6000 } });
 * assertEquals(ledger.flows(), [{ from: "a", to: "b", sent: 1, received: 0, lost: 1 }]);
 * ```
 */
export class DatagramLedger {
  /** label → local ports it used */
  #ports = new Map<string, Set<number>>();
  /** sender label → target port → count */
  #sent = new Map<string, Map<number, number>>();
  /** receiver label → source port → count */
  #received = new Map<string, Map<number, number>>();

  /**
   * Takes one new record into account (non-UDP records are ignored): a
   * socket's local port, a send (counted as sent unless it was refused), a
   * message received, and a `sent` callback reporting an error (the send
   * it reports on is taken back).
   *
   * @param event A recorded event, or the recorder's draft of one (only the
   * fields named in {@linkcode LedgerRecord} are read).
   */
  add(event: LedgerRecord): void {
    if (event.kind !== "udp-socket") return;
    if (event.local !== undefined) this.#portsOf(event.label).add(event.local.port);
    if (event.remote === undefined) return;
    if (event.source === "call" && event.name === "send") {
      if (event.code === undefined) bump(this.#sent, event.label, event.remote.port, 1);
    } else if (event.name === "message") {
      bump(this.#received, event.label, event.remote.port, 1);
    } else if (event.name === "sent" && event.code !== undefined) {
      bump(this.#sent, event.label, event.remote.port, -1);
    }
  }

  /**
   * Takes a call's completion into account: a send that threw after it was
   * counted is taken back.
   *
   * @param call The completed call (the recorder's draft of it).
   */
  settle(call: LedgerRecord): void {
    if (
      call.kind === "udp-socket" && call.name === "send" && call.code !== undefined &&
      call.remote !== undefined
    ) {
      bump(this.#sent, call.label, call.remote.port, -1);
    }
  }

  /**
   * Every sender → receiver pair with at least one datagram sent.
   *
   * @returns The flows, sorted by sender then receiver.
   */
  flows(): DatagramFlow[] {
    const flows: DatagramFlow[] = [];
    const labels = [
      ...new Set([...this.#sent.keys(), ...this.#received.keys(), ...this.#ports.keys()]),
    ]
      .sort();
    for (const from of labels) {
      for (const to of labels) {
        if (from === to && !this.#selfTraffic(from)) continue;
        const toPorts = this.#ports.get(to) ?? new Set<number>();
        const fromPorts = this.#ports.get(from) ?? new Set<number>();
        let sent = 0;
        for (const p of toPorts) sent += this.#sent.get(from)?.get(p) ?? 0;
        let received = 0;
        for (const p of fromPorts) received += this.#received.get(to)?.get(p) ?? 0;
        // Nothing sent means the receipts came from another socket sharing the
        // sender's port (reuseAddr): they are that socket's, not this one's.
        if (sent === 0) continue;
        flows.push({ from, to, sent, received, lost: Math.max(0, sent - received) });
      }
    }
    return flows;
  }

  #selfTraffic(label: string): boolean {
    const ports = this.#ports.get(label);
    if (ports === undefined) return false;
    for (const p of ports) {
      if ((this.#sent.get(label)?.get(p) ?? 0) > 0) return true;
      if ((this.#received.get(label)?.get(p) ?? 0) > 0) return true;
    }
    return false;
  }

  #portsOf(label: string): Set<number> {
    let ports = this.#ports.get(label);
    if (ports === undefined) this.#ports.set(label, ports = new Set());
    return ports;
  }
}

function bump(map: Map<string, Map<number, number>>, label: string, port: number, by: number) {
  let inner = map.get(label);
  if (inner === undefined) map.set(label, inner = new Map());
  inner.set(port, (inner.get(port) ?? 0) + by);
}
