// In loopback mode the guard binds loopback instead of a wildcard, so a multicast receiver binds
// to its group (notebook 08) and a broadcast receiver to the broadcast address. Such a socket
// sends from an interface's own address: the sequence model still finds it as the sender.

import { assertEquals } from "@std/assert";
import type { Address, TraceEvent } from "socketlab";
import { sequenceModel } from "socketlab/render";

Deno.test("sequenceModel: a socket bound to its group that hears its own datagram gets it through the group lane", () => {
  const group: Address = { address: "239.23.101.42", port: 8080, family: "IPv4" };
  const events: TraceEvent[] = [
    { source: "event", name: "listening", local: group },
    { source: "call", name: "addMembership", args: '"239.23.101.42", "127.0.0.1"' },
    { source: "call", name: "send", bytes: 4, preview: "ping", remote: group },
    {
      source: "event",
      name: "message",
      bytes: 4,
      preview: "ping",
      remote: { address: "127.0.0.1", port: 8080, family: "IPv4" },
    },
  ].map((e, i) => ({ seq: i + 1, time: i, label: "self", kind: "udp-socket", ...e }) as TraceEvent);
  const model = sequenceModel(events);
  assertEquals(model.arrows.map((a) => `${a.from}>${a.to}`), [
    "self>239.23.101.42:8080",
    "239.23.101.42:8080>self",
  ]);
});
