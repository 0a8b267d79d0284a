/**
 * How UDP events and calls become rows of a sequence diagram.
 *
 * - A datagram is an arrow from the sender's lane (the watched socket whose
 *   local port is the `rinfo` port) to the receiver, drawn at the receiver's
 *   `message` event.
 * - A send to a broadcast address or a multicast group is one arrow to that
 *   address's lane, and one arrow from it to each receiver that got it.
 * - A send to an address no watched socket is bound to is an arrow to an
 *   unwatched peer's lane.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import { groupKind } from "../os/address.ts";
import { addressKey, type EndpointFacts } from "./_sequence_lanes.ts";
import { markCall, markClose, markError, markListening, type Steps } from "./_sequence_steps.ts";
import type { StepTable } from "./_sequence_tcp.ts";

/**
 * The latest send per sender, size and preview: tells which of several
 * sockets sharing a port sent a datagram, and whether it went to a group.
 */
export class Sends {
  #latest = new Map<string, TraceEvent>();

  #key(label: string, e: TraceEvent): string {
    return `${label}\u0000${e.bytes ?? 0}\u0000${e.preview ?? ""}`;
  }

  /**
   * Remembers a send.
   *
   * @param e The `send` call.
   */
  add(e: TraceEvent): void {
    this.#latest.set(this.#key(e.label, e), e);
  }

  /**
   * Who sent a received datagram, among the watched sockets at its source
   * address: the one whose latest send of this size and preview is the most
   * recent, else the first of them.
   *
   * @param candidates The watched sockets at the sender's address.
   * @param message The `message` event.
   * @returns The sender and its matching send, if any.
   */
  senderOf(
    candidates: readonly EndpointFacts[],
    message: TraceEvent,
  ): { sender?: EndpointFacts; send?: TraceEvent } {
    let sender: EndpointFacts | undefined;
    let send: TraceEvent | undefined;
    for (const u of candidates) {
      const s = this.#latest.get(this.#key(u.label, message));
      // The key holds the size and preview: a send found is a send that fits.
      if (!sender || (s !== undefined && (!send || s.seq > send.seq))) {
        sender = u;
        send = s;
      }
    }
    return { sender, send };
  }
}

/** The lane a received datagram is drawn from. */
function sourceLane(steps: Steps, sends: Sends, e: TraceEvent): string {
  const lanes = steps.lanes;
  const { sender, send } = sends.senderOf(lanes.udpAt(e.remote!), e);
  if (!sender) return lanes.address(e.remote!);
  const kind = send?.remote ? groupKind(send.remote.address) : undefined;
  return send?.remote && kind ? lanes.address(send.remote, kind) : lanes.watched(sender);
}

/**
 * The rules for a watched `dgram.Socket`. They share what the diagram's
 * sends were, to find each datagram's sender.
 *
 * @param sends The sends seen so far in this diagram.
 * @returns The step table.
 */
export function udpSocket(sends: Sends): StepTable {
  return {
    event: {
      listening: markListening,
      message(steps, e, ep) {
        if (!e.remote) return;
        const from = sourceLane(steps, sends, e);
        steps.arrow(e, "datagram", from, steps.lanes.watched(ep), steps.payloadLabel(e));
      },
      sent(steps, e) {
        if (e.code) steps.mark(e, "sent", `send failed ${e.code}`, "bad");
      },
      connect(steps, e) {
        const to = e.remote ? ` → ${addressKey(e.remote)}` : "";
        steps.mark(e, "connect", `connect${to}`, "good");
      },
      close: markClose,
      error: markError,
    },
    call: {
      send(steps, e, ep) {
        const target = e.remote;
        if (!target) return;
        sends.add(e);
        const kind = groupKind(target.address);
        const self = steps.lanes.watched(ep);
        const label = steps.payloadLabel(e);
        if (kind) steps.arrow(e, "datagram", self, steps.lanes.address(target, kind), label);
        else if (steps.lanes.udpAt(target).length === 0) {
          steps.arrow(e, "datagram", self, steps.lanes.address(target), label);
        }
      },
      addMembership: markCall,
      dropMembership: markCall,
      setBroadcast: markCall,
    },
  };
}
