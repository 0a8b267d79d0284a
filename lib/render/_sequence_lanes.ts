/**
 * The lanes of a sequence diagram: what is known of each watched endpoint,
 * which lane stands for a TCP socket's peer or a datagram's sender, and the
 * order the lanes are drawn in (first appearance, accepted sockets right
 * after their server).
 *
 * @module
 */

import type { Address, TraceEvent } from "../record/event.ts";
import { formatAddress, groupKind, isWildcardAddress, normalizeAddress } from "../os/address.ts";
import type { LaneKind, SequenceLane } from "./sequence_model.ts";

/** What the events say about one watched endpoint. */
export interface EndpointFacts {
  readonly label: string;
  readonly kind: TraceEvent["kind"];
  readonly parent?: string;
  local?: Address;
  /** The peer a TCP socket's events name. */
  remote?: Address;
  /** The peer a TCP socket's first call with one names (`connect()`'s target, or a `write()`'s peer). */
  remoteFromCall?: Address;
}

/**
 * An address as a lane id: normalised (`localhost` and IPv4-mapped forms as
 * IPv4), `host:port` or `[host]:port`.
 *
 * @param a The address.
 * @returns The id.
 */
export function addressKey(a: Address): string {
  return formatAddress({ address: normalizeAddress(a.address), port: a.port });
}

/** Whether an address means "any": a wildcard, or empty. */
function isAny(address: string): boolean {
  return address === "" || isWildcardAddress(normalizeAddress(address));
}

/**
 * Whether a socket bound to `a` may be the one at `b`: the same host, or a
 * socket bound to any address, to a multicast group or to a broadcast
 * address (it sends from an interface's own address).
 */
function sameHost(a: string, b: string): boolean {
  return isAny(a) || isAny(b) || groupKind(a) !== undefined ||
    normalizeAddress(a) === normalizeAddress(b);
}

/** Pass 1: what each watched endpoint's events say about it. */
function collectFacts(events: readonly TraceEvent[]): Map<string, EndpointFacts> {
  const facts = new Map<string, EndpointFacts>();
  for (const e of events) {
    let ep = facts.get(e.label);
    if (!ep) facts.set(e.label, ep = { label: e.label, kind: e.kind, parent: e.parent });
    if (e.local && !ep.local && !(ep.kind === "udp-socket" && e.local.port === 0)) {
      ep.local = e.local;
    }
    if (e.remote && ep.kind === "tcp-socket") {
      if (e.source === "event" && !ep.remote && e.name !== "lookup") ep.remote = e.remote;
      // A socket watched after it connected has only calls to tell its peer.
      if (e.source === "call" && !ep.remoteFromCall) ep.remoteFromCall = e.remote;
    }
  }
  return facts;
}

/**
 * The lanes of one diagram, made as steps need them.
 *
 * @example Usage
 * ```ts
 * import { Lanes } from "./_sequence_lanes.ts";
 * const lanes = new Lanes([
 *   { seq: 1, time: 0, label: "udp", kind: "udp-socket", source: "event", name: "listening",
 *     local: { address: "127.0.0.1", port: 41234 } },
 * ]);
 * lanes.watched(lanes.endpoint("udp"));
 * console.log(lanes.ordered().map((l) => l.detail)); // ["127.0.0.1:41234"]
 * ```
 */
export class Lanes {
  #facts: Map<string, EndpointFacts>;
  #lanes = new Map<string, SequenceLane>();
  #tcpByLocal = new Map<string, EndpointFacts>();
  #tcpByPorts = new Map<string, EndpointFacts>();
  #servers: EndpointFacts[] = [];
  #udp: EndpointFacts[] = [];
  #peers = new Map<string, string | undefined>();

  /**
   * Learns the endpoints of a trace.
   *
   * @param events The events, sorted by `seq`.
   */
  constructor(events: readonly TraceEvent[]) {
    this.#facts = collectFacts(events);
    for (const ep of this.#facts.values()) {
      if (ep.kind === "tcp-socket" && ep.local) {
        this.#tcpByLocal.set(addressKey(ep.local), ep);
        if (ep.remote) this.#tcpByPorts.set(`${ep.local.port}>${ep.remote.port}`, ep);
      } else if (ep.kind === "tcp-server") this.#servers.push(ep);
      else if (ep.kind === "udp-socket") this.#udp.push(ep);
    }
  }

  /**
   * The facts about a watched endpoint.
   *
   * @param label Its label.
   * @returns What its events say.
   */
  endpoint(label: string): EndpointFacts {
    return this.#facts.get(label)!;
  }

  #lane(id: string, make: () => SequenceLane): string {
    if (!this.#lanes.has(id)) this.#lanes.set(id, make());
    return id;
  }

  /**
   * The lane of a watched endpoint (made on first use).
   *
   * @param ep The endpoint.
   * @returns The lane id: its label.
   */
  watched(ep: EndpointFacts): string {
    return this.#lane(ep.label, () => ({
      id: ep.label,
      label: ep.label,
      kind: ep.kind,
      detail: ep.local ? addressKey(ep.local) : undefined,
    }));
  }

  /**
   * The lane of an unwatched peer, a broadcast address or a multicast group.
   *
   * @param a The address.
   * @param kind What it stands for.
   * @returns The lane id: the address key.
   */
  address(a: Address, kind: LaneKind = "peer"): string {
    const id = addressKey(a);
    return this.#lane(id, () => ({
      id,
      label: id,
      kind,
      detail: kind === "peer" ? "not watched" : kind === "multicast" ? "multicast group" : kind,
    }));
  }

  /**
   * The lane at the other end of a TCP socket's connection: the watched
   * socket whose addresses mirror it, else a watched server listening on its
   * remote port (for a client), else the remote address as a peer lane.
   *
   * @param ep A TCP socket.
   * @returns The peer's lane id, or `undefined` when no remote is known.
   */
  tcpPeer(ep: EndpointFacts): string | undefined {
    if (!this.#peers.has(ep.label)) this.#peers.set(ep.label, this.#findPeer(ep));
    return this.#peers.get(ep.label);
  }

  #findPeer(ep: EndpointFacts): string | undefined {
    const remote = ep.remote ?? ep.remoteFromCall;
    if (!remote) return undefined;
    let peer: EndpointFacts | undefined;
    if (ep.local && ep.remote) {
      const candidate = this.#tcpByLocal.get(addressKey(ep.remote));
      if (
        candidate && candidate !== ep && candidate.remote &&
        addressKey(candidate.remote) === addressKey(ep.local)
      ) peer = candidate;
      peer ??= this.#tcpByPorts.get(`${ep.remote.port}>${ep.local.port}`);
    }
    if (!peer && !ep.parent) {
      peer = this.#servers.find((s) =>
        s.local && s.local.port === remote.port &&
        (isAny(s.local.address) ||
          normalizeAddress(s.local.address) === normalizeAddress(remote.address))
      );
    }
    return peer ? this.watched(peer) : this.address(remote);
  }

  /**
   * Whether a lane is a watched TCP socket's.
   *
   * @param id A lane id.
   * @returns `true` for a watched TCP socket.
   */
  isWatchedSocket(id: string | undefined): boolean {
    return id !== undefined && this.#facts.get(id)?.kind === "tcp-socket";
  }

  /**
   * The watched UDP sockets bound to an address's port (and host, unless
   * either is a wildcard).
   *
   * @param a An address.
   * @returns The sockets.
   */
  udpAt(a: Address): EndpointFacts[] {
    return this.#udp.filter((u) =>
      u.local && u.local.port === a.port && sameHost(u.local.address, a.address)
    );
  }

  /**
   * The lanes in drawing order: first appearance, with accepted sockets
   * right after their server.
   *
   * @returns The lanes.
   */
  ordered(): SequenceLane[] {
    const ordered: SequenceLane[] = [];
    const placed = new Set<string>();
    const lanes = [...this.#lanes.values()];
    const place = (l: SequenceLane) => {
      if (placed.has(l.id)) return;
      placed.add(l.id);
      ordered.push(l);
      for (const child of lanes) {
        if (this.#facts.get(child.id)?.parent === l.id) place(child);
      }
    };
    for (const l of lanes) {
      const parent = this.#facts.get(l.id)?.parent;
      if (parent && this.#lanes.has(parent) && !placed.has(parent)) continue;
      place(l);
    }
    for (const l of lanes) place(l);
    return ordered;
  }
}
