/**
 * What the recorder does for each method of each kind of endpoint: which
 * fields a call's record gets, what the loopback guard is asked, and what a
 * callback reports. One table, read by the shared wrappers of `_hooks.ts`.
 *
 * @module
 */

import type dgram from "node:dgram";
import type { EndpointKind } from "./event.ts";
import type { EventDraft } from "./_event_draft.ts";
import { failureHint } from "./_failure_hint.ts";
import { callHook, type CallSpec, type Hook } from "./_hooks.ts";
import {
  bindAddress,
  bindPort,
  byteLength,
  listenHost,
  type SendArgs,
  sendArgs,
  summarizeArgs,
  tcpConnectTarget,
} from "./_args.ts";
import type { Endpoint } from "./_watch.ts";

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

const listen: CallSpec = {
  guard: (_endpoint, args) => ({ operation: "listen", address: listenHost(args) }),
};

const tcpConnect: CallSpec = {
  guard(_endpoint, args) {
    const target = tcpConnectTarget(args);
    return target.path === undefined ? { operation: "connect", address: target.host } : undefined;
  },
  after: (endpoint) => endpoint.guardHandle(),
};

const udpBind: CallSpec = {
  guard: (_endpoint, args) => ({ operation: "bind", address: bindAddress(args) }),
  deferUntil(endpoint, args) {
    const port = bindPort(args);
    return port === undefined ? undefined : endpoint.sink.whenReleased?.(port);
  },
};

const udpConnect: CallSpec = {
  guard: (endpoint, args) => ({
    operation: "connect",
    address: typeof args[1] === "string" ? args[1] : undefined,
    multicastInterface: endpoint.multicastInterface,
  }),
};

const multicastInterface: CallSpec = {
  guard: (_endpoint, args) => ({ operation: "setMulticastInterface", address: String(args[0]) }),
  after: (endpoint, args) => {
    endpoint.multicastInterface = String(args[0]);
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

const udpSend: CallSpec<SendArgs> = {
  normalize: sendArgs,
  describe: (endpoint, draft, send) => endpoint.sendFields(draft, send),
  replay(endpoint, args) {
    if (endpoint.queuedSends === 0 || !Array.isArray(args[0]) || !endpoint.isBound()) return false;
    endpoint.queuedSends--;
    return true;
  },
  after(endpoint) {
    if (!endpoint.isBound()) endpoint.queuedSends++;
  },
  guard: (endpoint, send) => ({
    operation: "send",
    address: send.address,
    multicastInterface: endpoint.multicastInterface,
  }),
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

function membership(name: "addMembership" | "dropMembership"): CallSpec {
  return {
    guard: (_endpoint, args) => ({
      operation: name,
      address: String(args[0]),
      multicastInterface: typeof args[1] === "string" ? args[1] : undefined,
    }),
  };
}

function table(entries: [string, CallSpec<unknown>][]): ReadonlyMap<string, Hook> {
  return new Map(entries.map(([name, spec]) => [name, callHook(name, spec)]));
}

const each = (names: string[], spec: CallSpec): [string, CallSpec<unknown>][] =>
  names.map((name) => [name, spec]);

/** The recorded methods of each kind of endpoint, with their shared wrappers. */
export const CALLS: Readonly<Record<EndpointKind, ReadonlyMap<string, Hook>>> = {
  "tcp-server": table([
    ["listen", listen],
    ["getConnections", getConnections],
    ...each(["close", "ref", "unref"], plain),
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
    ["addMembership", membership("addMembership")],
    ["dropMembership", membership("dropMembership")],
    ["setMulticastInterface", multicastInterface],
    ...each([
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
