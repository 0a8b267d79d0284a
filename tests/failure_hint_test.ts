import { assertEquals } from "@std/assert";
import { failureHint } from "../lib/record/_failure_hint.ts";
import { describeEvent } from "socketlab/render";

Deno.test("failureHint: names the TTL, group or size that the OS refused, and what was expected", () => {
  assertEquals(
    failureHint({ name: "setTTL", args: [-1], code: "EINVAL" }),
    "TTL -1 is out of range: expected an integer from 1 to 255",
  );
  assertEquals(
    failureHint({ name: "dropMembership", args: ["ff::1"], code: "EINVAL" }),
    "ff::1 is not a multicast group: expected an IPv4 address from 224.0.0.0 to " +
      "239.255.255.255 or an IPv6 address in ff00::/8",
  );
  assertEquals(
    failureHint({ name: "sent", args: [], code: "EMSGSIZE", bytes: 65_528, socketType: "udp6" }),
    "a 65,528-byte datagram is too large: expected at most 65,527 bytes, the largest UDP payload over IPv6",
  );
});

Deno.test("failureHint: says nothing when the value does not explain the failure", () => {
  // In range, or another errno: the cause lies elsewhere (an unbound socket, an interface).
  assertEquals(failureHint({ name: "setTTL", args: [64], code: "EINVAL" }), undefined);
  assertEquals(failureHint({ name: "setTTL", args: [0], code: "EBADF" }), undefined);
  for (const group of ["224.0.0.1", "239.255.255.250", "ff02::1", "FF05::1:3"]) {
    assertEquals(failureHint({ name: "addMembership", args: [group], code: "EINVAL" }), undefined);
  }
  assertEquals(
    failureHint({ name: "sent", args: [], code: "EMSGSIZE", bytes: 65_507, socketType: "udp4" }),
    undefined,
  );
  assertEquals(failureHint({ name: "write", args: [0], code: "EINVAL" }), undefined);
});

Deno.test("describeEvent shows a record's hint after the error", () => {
  assertEquals(
    describeEvent({
      seq: 3,
      time: 1,
      label: "udp",
      kind: "udp-socket",
      source: "call",
      name: "setTTL",
      args: "0",
      code: "EINVAL",
      message: "setTTL EINVAL",
      hint: "TTL 0 is out of range: expected an integer from 1 to 255",
    }),
    "setTTL (0) ⚠ EINVAL setTTL EINVAL — TTL 0 is out of range: expected an integer from 1 to 255",
  );
});
