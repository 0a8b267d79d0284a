/**
 * The loopback guard's wiring, tried for real: a watched socket that connects,
 * binds or sends to a LAN address is refused. This runs only inside a fresh
 * network namespace that has nothing but loopback (`unshare --net`, as root),
 * so even if the guard were broken no packet could leave the machine.
 */
import { assertEquals } from "@std/assert";
import {
  loopbackNamespaceUnavailable,
  runInLoopbackNamespace,
} from "./fixtures/loopback_namespace.ts";

const script = new URL("./fixtures/guard_netns_probe.ts", import.meta.url).pathname;

const reason = await loopbackNamespaceUnavailable();

Deno.test({
  name:
    `loopback guard refuses LAN connect, bind, listen and send inside a loopback-only namespace${
      reason ? ` (ignored: ${reason})` : ""
    }`,
  ignore: reason !== undefined,
  fn: async () => {
    const out = await runInLoopbackNamespace(script);
    assertEquals(out.code, 0, out.stderr);
    const results = JSON.parse(out.stdout) as Record<string, string>;
    const guard = "ERR_SOCKETLAB_LOOPBACK";
    assertEquals(results, {
      "tcp connect() on a watched socket": guard,
      "tcp net.connect() then watch()": guard,
      "tcp server listen()": guard,
      "udp bind()": guard,
      "udp send()": guard,
      "udp connect()": guard,
      "udp send() to multicast without a loopback interface": guard,
      "udp addMembership() without an interface": guard,
      "tcp connect() to loopback still works": "ok",
      // The opt-in lets it through to the OS, which has no route in this
      // namespace. Node reports ENETUNREACH; Deno's node:dgram says UNKNOWN.
      "udp send() with network: lan reaches the OS": "UNKNOWN",
    });
  },
});
