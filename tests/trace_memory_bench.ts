// Trace memory: 1,000,000 recorded events stay within the trace bound (100,000 by default), and
// memory (the heap, plus the array buffers that hold the trace's columns) grows by less than
// 64 MB. The measuring runs in a child process with --expose-gc
// (tests/fixtures/perf/trace_memory_probe.ts), so that the growth is what the trace retains
// after a full garbage collection, not garbage awaiting collection. The bench throws, and so
// fails, when either limit is not met; it prints what it measured.

const EVENTS = 1_000_000;
const BOUND = 100_000;
const LIMIT_BYTES = 64 * 1024 * 1024;
const root = new URL("..", import.meta.url).pathname;
const probe = new URL("./fixtures/perf/trace_memory_probe.ts", import.meta.url).pathname;

Deno.bench({
  name: `trace memory: ${EVENTS.toLocaleString("en-US")} recorded events, default bound`,
  n: 1,
  warmup: 0,
  async fn() {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "--allow-net=127.0.0.1", "--v8-flags=--expose-gc", probe],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    const { recorded, kept, growth, ms } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      recorded: number;
      kept: number;
      growth: number;
      ms: number;
    };
    console.log(
      `trace memory: ${recorded} events recorded in ${ms.toFixed(0)} ms, ${kept} kept; ` +
        `heap and array buffers grew by ${(growth / 2 ** 20).toFixed(1)} MiB after GC (limit ${
          LIMIT_BYTES / 2 ** 20
        } MiB)`,
    );
    if (recorded !== EVENTS) throw new Error(`recorded ${recorded} events, expected ${EVENTS}`);
    if (kept !== BOUND) throw new Error(`kept ${kept} events, expected the bound ${BOUND}`);
    if (growth >= LIMIT_BYTES) {
      throw new Error(`memory grew by ${growth} bytes, expected less than ${LIMIT_BYTES}`);
    }
  },
});
