/**
 * Measuring what watching costs: bulk throughput and 64-byte ping-pong over
 * loopback, through `node:net` (watched or not) or Deno's native
 * `Deno.listen`/`Deno.connect`. Shared by `tests/watch_bench.ts` and the
 * performance notebook, so both measure exactly the same thing.
 *
 * Results are plain data; nothing here asserts on speed.
 *
 * @module
 */

import net from "node:net";
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { Lab } from "../lab/lab.ts";
import { checkNumber, checkOneOf, isPositiveInteger } from "../_validate.ts";

/** Which socket API a measurement goes through. */
export type PerfApi = "node:net" | "deno";

/**
 * Options for {@linkcode measureThroughput}.
 */
export interface ThroughputOptions {
  /**
   * The API both ends use.
   *
   * @default {"node:net"}
   */
  readonly api?: PerfApi;
  /**
   * Watch both ends with a lab (`node:net` only).
   *
   * @default {false}
   */
  readonly watched?: boolean;
  /** How many bytes the client sends, a positive integer. */
  readonly bytes: number;
  /**
   * Size of each write, in bytes.
   *
   * @default {65_536}
   */
  readonly chunkBytes?: number;
  /**
   * Also hash every byte with SHA-256 on both ends and compare (slower: the
   * hashing is inside the timed part); otherwise bytes are only counted.
   *
   * @default {false}
   */
  readonly verify?: boolean;
  /**
   * With `watched`: show the client's back-pressure chart as a live view
   * (`lab.live()`) during the transfer, to measure what a live view costs.
   *
   * @default {false}
   */
  readonly live?: boolean;
}

/**
 * The result of {@linkcode measureThroughput}.
 */
export interface ThroughputResult {
  /** The API used. */
  readonly api: PerfApi;
  /** Whether both ends were watched. */
  readonly watched: boolean;
  /** Bytes sent. */
  readonly bytes: number;
  /** Bytes the server received before the client's end. */
  readonly received: number;
  /** `received === bytes` (and, with `verify`, equal SHA-256 on both ends). */
  readonly complete: boolean;
  /** SHA-256 of what was sent and of what was received (hex), with `verify` only. */
  readonly sha256?: { readonly sent: string; readonly received: string };
  /** Milliseconds from connected to the server's last byte. */
  readonly ms: number;
  /** Throughput in MiB per second. */
  readonly mibPerSecond: number;
  /** Events the lab recorded (watched runs only). */
  readonly events?: number;
}

/**
 * Options for {@linkcode measurePingPong}.
 */
export interface PingPongOptions {
  /**
   * The API both ends use.
   *
   * @default {"node:net"}
   */
  readonly api?: PerfApi;
  /**
   * Watch both ends with a lab (`node:net` only).
   *
   * @default {false}
   */
  readonly watched?: boolean;
  /** How many round trips, a positive integer. */
  readonly rounds: number;
  /**
   * Bytes per message.
   *
   * @default {64}
   */
  readonly messageBytes?: number;
}

/**
 * The result of {@linkcode measurePingPong}.
 */
export interface PingPongResult {
  /** The API used. */
  readonly api: PerfApi;
  /** Whether both ends were watched. */
  readonly watched: boolean;
  /** Round trips made. */
  readonly rounds: number;
  /** Bytes that came back, and matched what was sent. */
  readonly echoed: number;
  /** Every message came back unchanged. */
  readonly complete: boolean;
  /** Milliseconds for all round trips. */
  readonly ms: number;
  /** Round trips per second. */
  readonly roundTripsPerSecond: number;
  /** Events the lab recorded (watched runs only). */
  readonly events?: number;
}

const HOST = "127.0.0.1";
let labs = 0;

/** Sizes and counts that default when absent (the others are required). */
const DEFAULTS: Record<string, number> = { chunkBytes: 65_536, messageBytes: 64 };

/** A size or count option, checked to be a positive integer. */
function positiveOption<O extends object>(options: O, key: keyof O & string, fn: string): number {
  const value = (options as Record<string, unknown>)[key] ?? DEFAULTS[key];
  checkNumber(value, `${fn}(): options.${key}`, "a positive integer", isPositiveInteger);
  return value;
}

/** The API and whether to watch, checked: only `node:net` can be watched. */
function checkApi(
  options: { readonly api?: PerfApi; readonly watched?: boolean },
  fn: string,
): { api: PerfApi; watched: boolean } {
  const { api = "node:net", watched = false } = options;
  checkOneOf(api, `${fn}(): api`, ["node:net", "deno"]);
  if (api === "deno" && watched) {
    throw new TypeError(`${fn}(): watched: true needs api "node:net"; a lab watches node:net only`);
  }
  return { api, watched };
}

function pattern(size: number): Buffer {
  const chunk = Buffer.alloc(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    chunk[i] = x & 0xff;
  }
  return chunk;
}

function once<T = unknown>(emitter: net.Socket | net.Server, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      emitter.off(name, onEvent);
      reject(error);
    };
    const onEvent = (value: T) => {
      emitter.off("error", onError);
      resolve(value);
    };
    emitter.once(name, onEvent);
    emitter.once("error", onError);
  });
}

async function listenNode(server: net.Server): Promise<number> {
  server.listen(0, HOST);
  await once(server, "listening");
  return (server.address() as net.AddressInfo).port;
}

async function closeNode(server: net.Server, sockets: net.Socket[]): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await Promise.all(sockets.map((s) => s.closed ? undefined : once(s, "close")));
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Sends `bytes` from a client to a server over loopback and times it, from
 * the moment the client is connected to the server's last byte. Watched runs
 * record both ends in a lab of their own, closed afterwards.
 *
 * @example Usage
 * ```ts
 * import { measureThroughput } from "socketlab/perf";
 * const result = await measureThroughput({ api: "node:net", watched: true, bytes: 2 ** 20 });
 * console.log(result.complete, result.mibPerSecond > 0); // true true
 * ```
 *
 * @param options API, watched or not, how many bytes.
 * @returns Bytes, time and throughput.
 */
export async function measureThroughput(options: ThroughputOptions): Promise<ThroughputResult> {
  const { api, watched } = checkApi(options, "measureThroughput");
  if (options.live && !watched) {
    throw new TypeError(
      "measureThroughput(): live: true needs watched: true; a live view shows a lab",
    );
  }
  const bytes = positiveOption(options, "bytes", "measureThroughput");
  const chunk = pattern(
    Math.min(positiveOption(options, "chunkBytes", "measureThroughput"), bytes),
  );
  const verify = options.verify ?? false;
  const run = api === "deno"
    ? throughputDeno(bytes, chunk, verify)
    : throughputNode(bytes, chunk, verify, watched, options.live ?? false);
  const { received, ms, sha256, events } = await run;
  const complete = received === bytes && (sha256 === undefined || sha256.sent === sha256.received);
  return {
    api,
    watched,
    bytes,
    received,
    complete,
    ...(sha256 ? { sha256 } : {}),
    ms,
    mibPerSecond: bytes / 2 ** 20 / (ms / 1000),
    ...(events === undefined ? {} : { events }),
  };
}

interface RawThroughput {
  received: number;
  ms: number;
  sha256?: { sent: string; received: string };
  events?: number;
}

function slices(bytes: number, chunk: Uint8Array): Generator<Uint8Array> {
  return (function* () {
    for (let sent = 0; sent < bytes; sent += chunk.byteLength) {
      yield sent + chunk.byteLength <= bytes ? chunk : chunk.subarray(0, bytes - sent);
    }
  })();
}

async function throughputNode(
  bytes: number,
  chunk: Buffer,
  verify: boolean,
  watched: boolean,
  live: boolean,
): Promise<RawThroughput> {
  const done = Promise.withResolvers<{ received: number; at: number; hash?: string }>();
  const receive = (socket: net.Socket) => {
    const hash = verify ? createHash("sha256") : undefined;
    let received = 0;
    socket.on("data", (data: Buffer) => {
      received += data.byteLength;
      hash?.update(data);
    });
    socket.on("end", () => {
      const at = performance.now();
      socket.end();
      done.resolve({ received, at, hash: hash?.digest("hex") });
    });
    socket.on("error", done.reject);
  };
  return await withNodePair(watched, "throughput", receive, async (client, lab) => {
    const view = live ? lab?.live(() => lab.chart("client")) : undefined;
    const sentHash = verify ? createHash("sha256") : undefined;
    const start = performance.now();
    for (const piece of slices(bytes, chunk)) {
      sentHash?.update(piece);
      if (!client.write(piece)) await once(client, "drain");
    }
    client.end();
    const result = await done.promise;
    await view?.stop();
    return {
      received: result.received,
      ms: result.at - start,
      ...(verify ? { sha256: { sent: sentHash!.digest("hex"), received: result.hash! } } : {}),
      ...(lab ? { events: lab.mark() } : {}),
    };
  });
}

/**
 * Runs `measure` with a `node:net` client connected to a server on loopback
 * (both watched by a lab of their own when `watched`), then closes both.
 */
async function withNodePair<T>(
  watched: boolean,
  what: string,
  onConnection: (socket: net.Socket) => void,
  measure: (client: net.Socket, lab: Lab | undefined) => Promise<T>,
): Promise<T> {
  const lab = watched ? await Lab.open(`perf ${what} ${++labs}`, { maxEvents: 20_000 }) : undefined;
  const sockets: net.Socket[] = [];
  let server = net.createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  try {
    if (lab) server = lab.watch(server, "server");
    const port = await listenNode(server);
    let client = net.connect(port, HOST);
    sockets.push(client);
    if (lab) client = lab.watch(client, "client");
    await once(client, "connect");
    return await measure(client, lab);
  } finally {
    if (lab) await lab.close();
    else await closeNode(server, sockets);
  }
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  for (let at = 0; at < data.byteLength;) at += await conn.write(data.subarray(at));
}

async function throughputDeno(
  bytes: number,
  chunk: Uint8Array,
  verify: boolean,
): Promise<RawThroughput> {
  using listener = Deno.listen({ hostname: HOST, port: 0 });
  const receiving = (async () => {
    using conn = await listener.accept();
    const hash = verify ? createHash("sha256") : undefined;
    const buffer = new Uint8Array(65_536);
    let received = 0;
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      received += n;
      hash?.update(buffer.subarray(0, n));
    }
    return { received, at: performance.now(), hash: hash?.digest("hex") };
  })();
  using conn = await Deno.connect({ hostname: HOST, port: listener.addr.port });
  const sentHash = verify ? createHash("sha256") : undefined;
  const start = performance.now();
  for (const piece of slices(bytes, chunk)) {
    sentHash?.update(piece);
    await writeAll(conn, piece);
  }
  await conn.closeWrite();
  const result = await receiving;
  return {
    received: result.received,
    ms: result.at - start,
    ...(verify ? { sha256: { sent: sentHash!.digest("hex"), received: result.hash! } } : {}),
  };
}

/**
 * Makes `rounds` round trips of a small message (64 bytes by default) between
 * a client and an echo server over loopback, with Nagle's algorithm off on
 * both ends, and times them. Watched runs record both ends in a lab of their
 * own, closed afterwards.
 *
 * @example Usage
 * ```ts
 * import { measurePingPong } from "socketlab/perf";
 * const result = await measurePingPong({ api: "node:net", rounds: 100 });
 * console.log(result.complete, result.roundTripsPerSecond > 0); // true true
 * ```
 *
 * @param options API, watched or not, how many round trips.
 * @returns Round trips, time and rate.
 */
export async function measurePingPong(options: PingPongOptions): Promise<PingPongResult> {
  const { api, watched } = checkApi(options, "measurePingPong");
  const rounds = positiveOption(options, "rounds", "measurePingPong");
  const size = positiveOption(options, "messageBytes", "measurePingPong");
  const message = pattern(size);
  const { echoed, ms, events } = api === "deno"
    ? await pingPongDeno(rounds, message)
    : await pingPongNode(rounds, message, watched);
  return {
    api,
    watched,
    rounds,
    echoed,
    complete: echoed === rounds * size,
    ms,
    roundTripsPerSecond: rounds / (ms / 1000),
    ...(events === undefined ? {} : { events }),
  };
}

interface RawPingPong {
  echoed: number;
  ms: number;
  events?: number;
}

/** Counts the bytes that match `message` repeated; returns how many matched. */
function matcher(message: Uint8Array) {
  let position = 0;
  let matched = 0;
  return (data: Uint8Array): number => {
    for (let i = 0; i < data.byteLength; i++) {
      if (data[i] === message[position]) matched++;
      position = (position + 1) % message.byteLength;
    }
    return matched;
  };
}

async function pingPongNode(
  rounds: number,
  message: Buffer,
  watched: boolean,
): Promise<RawPingPong> {
  const echo = (socket: net.Socket) => {
    socket.setNoDelay(true);
    socket.on("data", (data: Buffer) => socket.write(data));
    socket.on("error", () => {});
  };
  return await withNodePair(watched, "ping-pong", echo, async (client, lab) => {
    client.setNoDelay(true);
    const done = Promise.withResolvers<number>();
    const match = matcher(message);
    let received = 0;
    let round = 0;
    let echoed = 0;
    client.on("data", (data: Buffer) => {
      received += data.byteLength;
      echoed = match(data);
      if (received < (round + 1) * message.byteLength) return;
      round++;
      if (round === rounds) done.resolve(performance.now());
      else client.write(message);
    });
    client.on("error", done.reject);
    const start = performance.now();
    client.write(message);
    const end = await done.promise;
    return { echoed, ms: end - start, ...(lab ? { events: lab.mark() } : {}) };
  });
}

async function pingPongDeno(rounds: number, message: Uint8Array): Promise<RawPingPong> {
  using listener = Deno.listen({ hostname: HOST, port: 0 });
  const echoing = (async () => {
    using conn = await listener.accept();
    conn.setNoDelay(true);
    const buffer = new Uint8Array(65_536);
    for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
      await writeAll(conn, buffer.subarray(0, n));
    }
  })();
  let echoed = 0;
  let ms: number;
  {
    using conn = await Deno.connect({ hostname: HOST, port: listener.addr.port });
    conn.setNoDelay(true);
    const buffer = new Uint8Array(65_536);
    const match = matcher(message);
    const start = performance.now();
    for (let round = 0; round < rounds; round++) {
      await writeAll(conn, message);
      let got = 0;
      while (got < message.byteLength) {
        const n = await conn.read(buffer);
        if (n === null) throw new Error(`the echo server closed after ${round} round trips`);
        got += n;
        echoed = match(buffer.subarray(0, n));
      }
    }
    ms = performance.now() - start;
    await conn.closeWrite();
  }
  await echoing;
  return { echoed, ms };
}
