// The cost of watching, measured in one run: bulk transfer of 256 MiB and 64-byte ping-pong
// over loopback through node:net unwatched, node:net watched on both ends, and Deno's native
// Deno.connect/Deno.listen for reference; and a watched bulk transfer with and without a live
// view. Then the notebook runner: kernel start to first result and one cell's round trip
// (tests/runner_bench.ts times the whole notebook suite).
//
// `deno bench` prints each variant's time and, per group, how much faster or slower it is than
// the baseline. At the end (unload), this file prints the medians of its own repetitions and the
// ratios against the targets, from pairs of runs made back to back: watched ≥ 0.97 × unwatched
// bulk throughput; a live view ≥ 0.95 × a watched bulk transfer without one; and the lab's
// ping-pong ≥ 0.97 × that of a minimal recorder that keeps, per record, its own time, counters
// and preview (the floor of any recorder; see "the floor" below). The watched / unwatched
// ping-pong ratio is printed too, against its earlier target of 0.95.
// Nothing here asserts on speed, only that every transfer was complete.

import net from "node:net";
import { measurePingPong, measureThroughput } from "socketlab/perf";
import { KernelSession } from "socketlab/runner";

const MiB = 2 ** 20;
const BULK = 256 * MiB;
const ROUNDS = 5_000;
const BULK_WARMUP = 1;
const PING_PONG_WARMUP = 2;

type Variant = "node:net" | "node:net watched" | "Deno native";
const throughput = new Map<Variant, number[]>();
const pingPong = new Map<Variant, number[]>();

const calls = new Map<string, number>();

/** Keeps a measured value, but not the ones from the warmup runs `Deno.bench` makes first. */
function keep(map: Map<Variant, number[]>, variant: Variant, value: number, warmup: number) {
  const key = `${map === throughput ? "bulk" : "ping-pong"} ${variant}`;
  const call = (calls.get(key) ?? 0) + 1;
  calls.set(key, call);
  if (call > warmup) map.set(variant, [...(map.get(variant) ?? []), value]);
}

function median(values: readonly number[] = []): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0
    ? NaN
    : sorted.length % 2
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

const variants: Array<[Variant, { api: "node:net" | "deno"; watched: boolean }]> = [
  ["node:net", { api: "node:net", watched: false }],
  ["node:net watched", { api: "node:net", watched: true }],
  ["Deno native", { api: "deno", watched: false }],
];

for (const [variant, options] of variants) {
  Deno.bench({
    name: `bulk 256 MiB: ${variant}`,
    group: "bulk 256 MiB",
    baseline: variant === "node:net",
    n: 10,
    warmup: BULK_WARMUP,
    async fn(b) {
      b.start();
      const result = await measureThroughput({ ...options, bytes: BULK });
      b.end();
      if (!result.complete) {
        throw new Error(`${variant}: received ${result.received} of ${BULK} bytes`);
      }
      keep(throughput, variant, result.mibPerSecond, BULK_WARMUP);
    },
  });
}

for (const [variant, options] of variants) {
  Deno.bench({
    name: `ping-pong ${ROUNDS} × 64 B: ${variant}`,
    group: "ping-pong 64 B",
    baseline: variant === "node:net",
    n: 10,
    warmup: PING_PONG_WARMUP,
    async fn(b) {
      b.start();
      const result = await measurePingPong({ ...options, rounds: ROUNDS });
      b.end();
      if (!result.complete) throw new Error(`${variant}: echoes did not match`);
      keep(pingPong, variant, result.roundTripsPerSecond, PING_PONG_WARMUP);
    },
  });
}

// ---- watched / unwatched, in pairs ----------------------------------------------------
// The benches above run each variant's repetitions one after the other, so a machine that
// drifts (frequency, other load) between them skews the ratio. Here each repetition measures
// both, back to back and in alternating order, and the ratio of each pair is kept.

const PAIRS = 10;
const pairedRatios = { bulk: [] as number[], pingPong: [] as number[], live: [] as number[] };

/**
 * A bench that measures `PAIRS` pairs (the rate without, the rate with: `rate(false)`,
 * `rate(true)`), back to back in alternating order, and keeps their ratios.
 */
function pairedBench(
  name: string,
  pair: string,
  ratios: number[],
  rate: (withIt: boolean) => Promise<number>,
) {
  Deno.bench({
    name: `${name}: ${PAIRS} pairs of ${pair}`,
    group: "paired",
    n: 1,
    warmup: 0,
    async fn() {
      for (let i = 0; i < PAIRS; i++) {
        const order = i % 2 === 0 ? [false, true] : [true, false];
        const rates = new Map<boolean, number>();
        for (const watched of order) rates.set(watched, await rate(watched));
        ratios.push(rates.get(true)! / rates.get(false)!);
      }
    },
  });
}

pairedBench("bulk 256 MiB", "unwatched and watched", pairedRatios.bulk, async (watched) => {
  const result = await measureThroughput({ watched, bytes: BULK });
  if (!result.complete) throw new Error(`received ${result.received} of ${BULK} bytes`);
  return result.mibPerSecond;
});

pairedBench(
  `ping-pong ${ROUNDS} × 64 B`,
  "unwatched and watched",
  pairedRatios.pingPong,
  async (watched) => {
    const result = await measurePingPong({ watched, rounds: ROUNDS });
    if (!result.complete) throw new Error("echoes did not match");
    return result.roundTripsPerSecond;
  },
);

// A live view (lab.live) of the client's back-pressure chart during a watched bulk transfer,
// against the same transfer watched without one.
pairedBench(
  "bulk 256 MiB watched",
  "without and with a live view",
  pairedRatios.live,
  async (live) => {
    const result = await measureThroughput({ watched: true, live, bytes: BULK });
    if (!result.complete) throw new Error(`received ${result.received} of ${BULK} bytes`);
    return result.mibPerSecond;
  },
);

// ---- the floor ---------------------------------------------------------------------------
// Why the ping-pong target is hard: a recorder that does nothing but what every record needs
// (a sequence number, the time, the size, the socket's counters and a 40-byte preview, stored
// into typed arrays; no labels, no addresses, no trace to read back) is installed on both ends
// and compared with the same installation recording nothing, so that only recording is
// measured: once with its clock (performance.now() per record) and once without.

const FLOOR_SLOTS = 1 << 16;

/**
 * Installs the minimal recorder on the sockets the next measurement makes (through
 * `net.createServer` and `net.connect`), on the objects rather than the prototype, as the lab
 * installs its own; the returned function removes it.
 */
function installFloorRecorder(mode: FloorMode): () => void {
  type Method = (...args: unknown[]) => unknown;
  const { createServer, connect } = net;
  const { emit, write } = net.Socket.prototype as unknown as { emit: Method; write: Method };
  const numbers = new Float64Array(FLOOR_SLOTS * 8);
  const previews = new Uint8Array(FLOOR_SLOTS * 40);
  const t0 = performance.now();
  let seq = 0;
  const record = (socket: net.Socket, chunk: Uint8Array): number => {
    if (mode === "nothing") return ++seq;
    const slot = ++seq & (FLOOR_SLOTS - 1);
    const f = slot * 8;
    numbers[f] = seq;
    numbers[f + 1] = mode === "with clock" ? performance.now() - t0 : 0;
    numbers[f + 2] = chunk.byteLength;
    numbers[f + 3] = socket.bytesRead;
    numbers[f + 4] = socket.writableLength;
    const n = Math.min(chunk.byteLength, 40);
    for (let k = 0, at = slot * 40; k < n; k++) previews[at + k] = chunk[k];
    return f;
  };
  const recordingEmit = function (this: net.Socket, name: unknown, chunk: unknown) {
    if (name === "data" && chunk instanceof Uint8Array) record(this, chunk);
    return Reflect.apply(emit, this, arguments);
  };
  const recordingWrite = function (this: net.Socket, chunk: unknown) {
    if (!(chunk instanceof Uint8Array)) return Reflect.apply(write, this, arguments);
    const f = record(this, chunk);
    const returned = Reflect.apply(write, this, arguments);
    if (mode === "nothing") return returned;
    numbers[f + 5] = returned ? 1 : 0;
    numbers[f + 3] = this.bytesRead;
    numbers[f + 6] = this.bytesWritten;
    numbers[f + 4] = this.writableLength;
    return returned;
  };
  const recorded = (socket: net.Socket): net.Socket => {
    Object.assign(socket, { emit: recordingEmit, write: recordingWrite });
    return socket;
  };
  const patched = net as unknown as Record<"createServer" | "connect", Method>;
  patched.createServer = (listener: unknown) =>
    createServer((socket) => (listener as (socket: net.Socket) => void)(recorded(socket)));
  patched.connect = (...args: unknown[]) => recorded(Reflect.apply(connect, net, args));
  return () => {
    Object.assign(net, { createServer, connect });
    if (seq === 0) throw new Error("the minimal recorder recorded nothing");
  };
}

type FloorMode = "nothing" | "with clock" | "without clock";
const FLOOR_MODES: FloorMode[] = ["nothing", "with clock", "without clock"];
const floorRatios = { "with clock": [] as number[], "without clock": [] as number[] };

Deno.bench({
  name: `ping-pong ${ROUNDS} × 64 B: ${PAIRS} rounds of the minimal recorder ${
    FLOOR_MODES.map((m) => `recording ${m}`).join(", ")
  }`,
  group: "floor",
  n: 1,
  warmup: 0,
  async fn() {
    for (let i = 0; i < PAIRS; i++) {
      const rates = new Map<FloorMode, number>();
      for (let k = 0; k < FLOOR_MODES.length; k++) {
        const mode = FLOOR_MODES[(i + k) % FLOOR_MODES.length]; // rotating order
        const remove = installFloorRecorder(mode);
        try {
          const result = await measurePingPong({ rounds: ROUNDS });
          if (!result.complete) throw new Error("echoes did not match");
          rates.set(mode, result.roundTripsPerSecond);
        } finally {
          remove();
        }
      }
      for (const mode of ["with clock", "without clock"] as const) {
        floorRatios[mode].push(rates.get(mode)! / rates.get("nothing")!);
      }
    }
  },
});

// ---- the notebook runner ----------------------------------------------------------------

const root = new URL("..", import.meta.url).pathname;

Deno.bench({
  name: "runner: kernel start to first result",
  group: "runner",
  n: 3,
  warmup: 0,
  async fn(b) {
    b.start();
    await using session = await KernelSession.start({ cwd: root, startupTimeout: 60_000 });
    const result = await session.execute("1 + 1");
    b.end();
    if (result.outcome !== "done") throw new Error(`first cell: ${result.outcome}`);
  },
});

const CELLS = 20;
Deno.bench({
  name: `runner: ${CELLS} cell round trips (execute_request → idle) on a running kernel`,
  group: "runner",
  n: 3,
  warmup: 0,
  async fn(b) {
    await using session = await KernelSession.start({ cwd: root, startupTimeout: 60_000 });
    await session.execute("0");
    b.start();
    for (let i = 0; i < CELLS; i++) {
      const result = await session.execute(`${i} + 1`);
      if (result.outcome !== "done") throw new Error(`cell ${i}: ${result.outcome}`);
    }
    b.end();
  },
});

/**
 * The floor's lines: recording's own cost, with and without the clock, and the lab's ping-pong
 * against the minimal recorder that keeps a time per record (target: at least 0.97 of it).
 */
function floorLines(): string {
  const withClock = median(floorRatios["with clock"]);
  const withoutClock = median(floorRatios["without clock"]);
  const lab = median(pairedRatios.pingPong) / withClock;
  return [
    `  the floor: a minimal recorder (time, counters, preview) / the same recording nothing = ` +
    `${withClock.toFixed(3)}, without its clock ${withoutClock.toFixed(3)} ` +
    `(medians of ${floorRatios["with clock"].length} rounds)`,
    `  the lab's ping-pong / the minimal recorder's = ${lab.toFixed(3)} ` +
    `(target ≥ 0.97: ${lab >= 0.97 ? "met" : "NOT met"})`,
  ].join("\n");
}

globalThis.addEventListener("unload", () => {
  const line = (
    name: string,
    map: Map<Variant, number[]>,
    paired: number[],
    unit: string,
    target: number,
  ) => {
    const base = median(map.get("node:net"));
    const watched = median(map.get("node:net watched"));
    const native = median(map.get("Deno native"));
    const ratio = median(paired);
    return [
      `${name}: node:net ${base.toFixed(0)} ${unit}, watched ${watched.toFixed(0)} ${unit}, ` +
      `Deno native ${native.toFixed(0)} ${unit} (medians of ${map.get("node:net")?.length ?? 0})`,
      `  watched / unwatched = ${ratio.toFixed(3)} (median of ${paired.length} pairs; ` +
      `target ≥ ${target}: ${ratio >= target ? "met" : "NOT met"}); ` +
      `node:net / Deno native = ${(base / native).toFixed(3)}`,
    ].join("\n");
  };
  console.log(
    [
      "",
      "== cost of watching (same run) ==",
      line("bulk 256 MiB", throughput, pairedRatios.bulk, "MiB/s", 0.97),
      line("ping-pong 64 B", pingPong, pairedRatios.pingPong, "round trips/s", 0.95),
      floorLines(),
      `bulk 256 MiB watched, with a live view / without = ${
        median(pairedRatios.live).toFixed(3)
      } (median of ${pairedRatios.live.length} pairs; target ≥ 0.95: ${
        median(pairedRatios.live) >= 0.95 ? "met" : "NOT met"
      })`,
      "",
    ].join("\n"),
  );
});
