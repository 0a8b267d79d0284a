/**
 * The loopback guard's wiring, tried for real: a watched socket that connects,
 * binds or sends to a LAN address is refused. This runs only inside a fresh
 * network namespace that has nothing but loopback (`unshare --net`, as root),
 * so even if the guard were broken no packet could leave the machine.
 */
import { assertEquals } from "@std/assert";

const script = new URL("./fixtures/guard_netns_probe.ts", import.meta.url).pathname;

async function canUnshare(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return "needs Linux network namespaces";
  try {
    const out = await new Deno.Command("unshare", {
      args: ["--net", "ip", "link", "set", "lo", "up"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.success
      ? undefined
      : `unshare --net failed: ${new TextDecoder().decode(out.stderr).trim()}`;
  } catch (error) {
    return `unshare is not available: ${(error as Error).message}`;
  }
}

const reason = await canUnshare();

Deno.test({
  name:
    `loopback guard refuses LAN connect, bind, listen and send inside a loopback-only namespace${
      reason ? ` (ignored: ${reason})` : ""
    }`,
  ignore: reason !== undefined,
  fn: async () => {
    const out = await new Deno.Command("unshare", {
      args: [
        "--net",
        "sh",
        "-c",
        `ip link set lo up && ip route | grep -q . && echo "unexpected route" >&2 && exit 9; exec "$0" run --quiet --cached-only --allow-all "$1"`,
        Deno.execPath(),
        script,
      ],
      cwd: new URL("..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    const results = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<string, string>;
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
