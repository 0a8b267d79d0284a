/**
 * What the recorder does for each method of each kind of endpoint: which
 * fields a call's record gets and what a callback reports. One table, read
 * by the shared wrappers of `_hooks.ts`. (The loopback guard is not asked
 * here, before Node has read the arguments, but where the address is final:
 * `_guard_hooks.ts`.)
 *
 * @module
 */

import type dgram from "node:dgram";
import type { EndpointKind } from "./event.ts";
import type { EventDraft } from "./_event_draft.ts";
import { failureHint } from "./_failure_hint.ts";
import { callHook, type CallSpec, type Hook } from "./_hooks.ts";
import { bindPort, byteLength, sendArgs, summarizeArgs } from "./_args.ts";
import type { Endpoint } from "./_watch.ts";
import { isUdpConnected } from "./_node_internals.ts";
import { guardTarget } from "./_guard_hooks.ts";

/** A call recorded with its payload's size and preview (`write`, `end`). */
const payload: CallSpec = {
  describe(_endpoint, draft, args) {
    const data = args[0];
    if (data === undefined || typeof data === "function") return;
    draft.bytes = byteLength(data, typeof args[1] === "string" ? args[1] : undefined);
    draft.payload = data;
  },
};

/** A call recorded with every argument listed (`pipe`, `unpipe`). */
const listed: CallSpec = {
  describe(_endpoint, draft, args) {
    draft.args = summarizeArgs(args, true);
  },
};

/** A call recorded with the default summary of its arguments. */
const plain: CallSpec = {};

/** `connect()` makes the socket's handle: the guard then sees where it connects. */
const tcpConnect: CallSpec = {
  after: (endpoint) => guardTarget(endpoint),
};

const udpBind: CallSpec = {
  deferUntil(endpoint, args) {
    const port = bindPort(args);
    return port === undefined ? undefined : endpoint.sink.whenReleased?.(port);
  },
};

/**
 * A failed connect is reported to the callback (when there is one) instead
 * of an `error` event: it is recorded as that `error` event would be, and a
 * refusal of the loopback guard reaches the callback as the guard's error.
 */
const udpConnect: CallSpec = {
  callbackResult(endpoint, _call, [err]) {
    if (err) endpoint.sink.record(endpoint.begin("event", "error").setError(err));
  },
};

const getConnections: CallSpec = {
  settlesInCallback: true,
  callbackResult(endpoint, call, [err, count]) {
    const draft = endpoint.draft.begin("call", call.name);
    if (err) draft.setError(err);
    else if (typeof count === "number") draft.returned = count;
    endpoint.fillCounters(draft, true);
    endpoint.sink.settle(call.seq, draft);
  },
};

const udpSend: CallSpec = {
  describe: (endpoint, draft, args) =>
    endpoint.sendFields(draft, sendArgs(args, isUdpConnected(endpoint.target as dgram.Socket))),
  replay(endpoint, args) {
    if (endpoint.queuedSends === 0 || !Array.isArray(args[0]) || !endpoint.isBound()) return false;
    endpoint.queuedSends--;
    return true;
  },
  after(endpoint) {
    if (!endpoint.isBound()) endpoint.queuedSends++;
  },
  callbackResult(endpoint, call, [err, bytes]) {
    const draft = endpoint.begin("event", "sent");
    if (err) sendFailed(endpoint, draft.setError(err), call.bytes);
    else if (typeof bytes === "number") draft.bytes = bytes;
    if (call.remote) draft.remote = call.remote;
    endpoint.sink.record(draft);
  },
};

function sendFailed(endpoint: Endpoint, draft: EventDraft, bytes: number): void {
  draft.hint = failureHint({
    name: "sent",
    args: [],
    code: draft.code,
    bytes,
    socketType: (endpoint.target as dgram.Socket & { type?: string }).type, // "udp4" | "udp6"
  });
}

function table(entries: [string, CallSpec<unknown>][]): ReadonlyMap<string, Hook> {
  return new Map(entries.map(([name, spec]) => [name, callHook(name, spec)]));
}

const each = (names: string[], spec: CallSpec): [string, CallSpec<unknown>][] =>
  names.map((name) => [name, spec]);

/** The recorded methods of each kind of endpoint, with their shared wrappers. */
export const CALLS: Readonly<Record<EndpointKind, ReadonlyMap<string, Hook>>> = {
  "tcp-server": table([
    ["getConnections", getConnections],
    ...each(["listen", "close", "ref", "unref"], plain),
  ]),
  "tcp-socket": table([
    ["connect", tcpConnect],
    ...each(["write", "end"], payload),
    ...each(["pipe", "unpipe"], listed),
    ...each([
      "destroy",
      "resetAndDestroy",
      "pause",
      "resume",
      "setEncoding",
      "setTimeout",
      "setKeepAlive",
      "setNoDelay",
      "ref",
      "unref",
    ], plain),
  ]),
  "udp-socket": table([
    ["bind", udpBind],
    ["connect", udpConnect],
    ["send", udpSend],
    ...each([
      "addMembership",
      "dropMembership",
      "addSourceSpecificMembership",
      "dropSourceSpecificMembership",
      "setMulticastInterface",
      "disconnect",
      "close",
      "setBroadcast",
      "setTTL",
      "setMulticastTTL",
      "setMulticastLoopback",
      "ref",
      "unref",
    ], plain),
  ]),
};
