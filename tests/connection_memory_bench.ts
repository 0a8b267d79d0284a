// Lab memory: 100,000 short connections through one watched server (trace bound 1,000) grow
// memory (the heap plus array buffers) by less than 64 MB while the lab is open, and once the
// lab is closed nothing of it is retained: the lab and the last accepted socket are collected.
// The measuring runs in a child process with --expose-gc
// (tests/fixtures/perf/connection_memory_probe.ts), so that growth is what the lab retains after
// a full garbage collection. The bench throws, and so fails, when a limit is not met.

const CONNECTIONS = 100_000;
const LIMIT_BYTES = 64 * 1024 * 1024;
const root = new URL("..", import.meta.url).pathname;
const probe = new URL("./fixtures/perf/connection_memory_probe.ts", import.meta.url).pathname;

Deno.bench({
  name: `lab memory: ${CONNECTIONS.toLocaleString("en-US")} short connections, one watched server`,
  n: 1,
  warmup: 0,
  async fn() {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--allow-net=127.0.0.1",
        "--allow-read",
        "--v8-flags=--expose-gc",
        probe,
        String(CONNECTIONS),
      ],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const r = JSON.parse(new TextDecoder().decode(out.stdout));
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    console.log(
      `lab memory: ${r.connections} connections (${r.recorded} records) in ${
        (r.ms / 1000).toFixed(1)
      } s; heap and array buffers grew by ${mib(r.open)} MiB with the lab open (limit ${
        mib(LIMIT_BYTES)
      } MiB), ${mib(r.closed)} MiB after close; lab retained: ${r.labRetained}, ` +
        `last accepted socket retained: ${r.socketRetained}`,
    );
    if (r.open >= LIMIT_BYTES) {
      throw new Error(`memory grew by ${r.open} bytes, expected less than ${LIMIT_BYTES}`);
    }
    if (r.labRetained || r.socketRetained) {
      throw new Error("the closed lab (or a socket it watched) is still reachable");
    }
  },
});
