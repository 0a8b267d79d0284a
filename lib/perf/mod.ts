/**
 * Measuring what watching costs: bulk throughput and 64-byte ping-pong over
 * loopback, through `node:net` (watched by a lab or not) or Deno's native
 * sockets. The performance notebook and `deno task bench` use the same
 * functions, so both measure the same thing.
 *
 * ```ts
 * import { measurePingPong } from "socketlab/perf";
 *
 * const result = await measurePingPong({ rounds: 200 });
 * console.log(result.complete, result.roundTripsPerSecond > 0); // true true
 * ```
 *
 * @module
 */

export {
  measurePingPong,
  measureThroughput,
  type PerfApi,
  type PingPongOptions,
  type PingPongResult,
  type ThroughputOptions,
  type ThroughputResult,
} from "./measure.ts";
