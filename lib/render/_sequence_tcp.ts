/**
 * How TCP events and calls become rows of a sequence diagram, as two step
 * tables (one for a watched socket, one for a watched server), like the
 * recorder's table of watched methods.
 *
 * - Data and FIN come from the receiver's `data` and `end` events when the
 *   receiver is watched, otherwise from the sender's `write` and `end` calls.
 * - A connection is an arrow from the client's `connect` event, or from the
 *   server's `connection` event when the client is not watched.
 * - A reset is the receiver's `error` with `ECONNRESET` or `ECONNREFUSED`, or
 *   the sender's `resetAndDestroy()` when the receiver is not watched.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import type { EndpointFacts } from "./_sequence_lanes.ts";
import { markCall, markClose, markError, markListening, type Steps } from "./_sequence_steps.ts";

/** Turns one event into rows. */
export type StepRule = (steps: Steps, e: TraceEvent, ep: EndpointFacts) => void;

/** The rules for one kind of endpoint: emitted events and method calls. */
export interface StepTable {
  readonly event: Readonly<Record<string, StepRule>>;
  readonly call: Readonly<Record<string, StepRule>>;
}

const RESET_CODES = new Set(["ECONNRESET", "ECONNREFUSED"]);

/** The socket's own lane and its peer's. */
function ends(steps: Steps, ep: EndpointFacts) {
  const peer = steps.lanes.tcpPeer(ep);
  return { self: steps.lanes.watched(ep), peer, peerWatched: steps.lanes.isWatchedSocket(peer) };
}

/** A watched `net.Socket`. */
export const TCP_SOCKET: StepTable = {
  event: {
    connect(steps, e, ep) {
      const { self, peer } = ends(steps, ep);
      steps.arrow(e, "connect", self, peer, "connect");
    },
    data(steps, e, ep) {
      const { self, peer } = ends(steps, ep);
      steps.arrow(e, "data", peer, self, steps.payloadLabel(e));
    },
    end(steps, e, ep) {
      const { self, peer } = ends(steps, ep);
      steps.arrow(e, "fin", peer, self, "FIN");
    },
    error(steps, e, ep) {
      const { self, peer } = ends(steps, ep);
      if (e.code && RESET_CODES.has(e.code)) steps.arrow(e, "reset", peer, self, `RST (${e.code})`);
      else steps.errorMark(e);
    },
    close: markClose,
    timeout: (steps, e) => steps.mark(e, "timeout", "timeout", "warn"),
    drain: (steps, e) => steps.mark(e, "drain", "drain", "good"),
  },
  call: {
    write(steps, e, ep) {
      const { self, peer, peerWatched } = ends(steps, ep);
      if (!peerWatched) steps.arrow(e, "data", self, peer, steps.payloadLabel(e));
      if (e.returned === false) steps.mark(e, "write-false", "write() → false", "warn");
    },
    end(steps, e, ep) {
      const { self, peer, peerWatched } = ends(steps, ep);
      if (peerWatched) return;
      if (e.bytes) steps.arrow(e, "data", self, peer, steps.payloadLabel(e));
      steps.arrow(e, "fin", self, peer, "FIN");
    },
    resetAndDestroy(steps, e, ep) {
      const { self, peer, peerWatched } = ends(steps, ep);
      steps.mark(e, "resetAndDestroy", "resetAndDestroy()", "bad");
      if (!peerWatched) steps.arrow(e, "reset", self, peer, "RST");
    },
    destroy: markCall,
    pause: markCall,
    resume: markCall,
    setKeepAlive: markCall,
    setTimeout: markCall,
  },
};

/** A watched `net.Server`. */
export const TCP_SERVER: StepTable = {
  event: {
    listening: markListening,
    connection(steps, e) {
      steps.mark(e, "connection", `connection${e.preview ? ` → ${e.preview}` : ""}`, "good");
      const lanes = steps.lanes;
      const child = e.preview ? lanes.endpoint(e.preview) : undefined;
      if (!child || !e.remote) return;
      const childPeer = lanes.tcpPeer(child);
      if (lanes.isWatchedSocket(childPeer)) return; // the client's own connect arrow shows it
      steps.arrow(
        e,
        "connect",
        childPeer ?? lanes.address(e.remote),
        lanes.watched(child),
        "connect",
      );
    },
    close: markClose,
    error: markError,
    drop: (steps, e) => steps.mark(e, "drop", "drop (maxConnections)", "bad"),
  },
  call: {
    close: (steps, e) => steps.mark(e, "close()", "close(): stop accepting", "neutral"),
  },
};
