// Benchmarks of the notebook runner on the real Deno kernel:
// kernel start-up to the first result, and the round trip of a trivial cell.

import { KernelSession } from "socketlab/runner";

Deno.bench("kernel start-up to first result", { n: 5, warmup: 1 }, async () => {
  await using session = await KernelSession.start({ startupTimeout: 60_000 });
  const result = await session.execute("1 + 1", { timeout: 30_000 });
  if (result.outcome !== "done") throw new Error(`first cell ended with ${result.outcome}`);
});

Deno.bench("round trip of a trivial cell", { n: 10, warmup: 1 }, async (b) => {
  // Each iteration has its own kernel (benches have no teardown hook to stop a shared
  // one); only the second cell's round trip is measured.
  await using session = await KernelSession.start({ startupTimeout: 60_000 });
  await session.execute("0", { timeout: 30_000 });
  b.start();
  const result = await session.execute("1", { timeout: 30_000 });
  b.end();
  if (result.outcome !== "done") throw new Error(`cell ended with ${result.outcome}`);
});
