// The cost of watching, measured in one run: bulk transfer of 256 MiB and 64-byte ping-pong
// over loopback through node:net unwatched, node:net watched on both ends, and Deno's native
// Deno.connect/Deno.listen for reference. Then the notebook runner: kernel start to first
// result, one cell's round trip, and the whole notebooks/ suite.
//
// `deno bench` prints each variant's time and, per group, how much faster or slower it is than
// the baseline. At the end (unload), this file prints the medians of its own repetitions and the
// ratios against the targets, from pairs of runs made back to back: watched ≥ 0.97 × unwatched
// throughput, ≥ 0.95 × ping-pong rate.
// Nothing here asserts on speed, only that every transfer was complete.

import { measurePingPong, measureThroughput } from "../lib/perf/measure.ts";
import { findNotebooks, KernelSession, runNotebook } from "socketlab/runner";

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
const pairedRatios = { bulk: [] as number[], pingPong: [] as number[] };

/** A bench that measures `PAIRS` pairs (rate unwatched, rate watched) and keeps their ratios. */
function pairedBench(name: string, ratios: number[], rate: (watched: boolean) => Promise<number>) {
  Deno.bench({
    name: `${name}: ${PAIRS} pairs of unwatched and watched`,
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

pairedBench("bulk 256 MiB", pairedRatios.bulk, async (watched) => {
  const result = await measureThroughput({ watched, bytes: BULK });
  if (!result.complete) throw new Error(`received ${result.received} of ${BULK} bytes`);
  return result.mibPerSecond;
});

pairedBench(`ping-pong ${ROUNDS} × 64 B`, pairedRatios.pingPong, async (watched) => {
  const result = await measurePingPong({ watched, rounds: ROUNDS });
  if (!result.complete) throw new Error("echoes did not match");
  return result.roundTripsPerSecond;
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

Deno.bench({
  name: "runner: whole notebooks/ suite",
  group: "runner suite",
  n: 1,
  warmup: 0,
  async fn(b) {
    const notebooks = await findNotebooks(`${root}notebooks`);
    b.start();
    for (const path of notebooks) {
      const report = await runNotebook(path, { kernel: { startupTimeout: 60_000 } });
      if (!report.ok) throw new Error(`${path}: ${report.failure}`);
    }
    b.end();
    suiteCount = notebooks.length;
  },
});
let suiteCount = 0;

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
      `notebooks in the suite bench: ${suiteCount}`,
      "",
    ].join("\n"),
  );
});
