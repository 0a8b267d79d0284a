/**
 * Notebook 08 (UDP multicast) sends to a multicast group (239.23.101.42): even though every
 * membership and every send of it goes through the loopback interface, it runs only inside a
 * network namespace the test makes, with nothing but `lo` (tests/notebooks_test.ts leaves it
 * out of its run in the host's namespace). Needs Linux and root; elsewhere this test fails and
 * says why: it is never skipped.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import {
  assertNamespacesAvailable,
  runNotebookInLoopbackNamespace,
} from "./fixtures/loopback_namespace.ts";

const NOTEBOOK = new URL("../notebooks/08_udp_multicast.ipynb", import.meta.url).pathname;

Deno.test("notebook 08 (multicast) runs twice in one kernel inside a loopback-only network namespace, and multicast is delivered there", async () => {
  await assertNamespacesAvailable();
  const run = await runNotebookInLoopbackNamespace(NOTEBOOK);
  assertEquals(run.code, 0, run.stderr);
  assert(run.report !== undefined, `no report: ${run.stdout}\n${run.stderr}`);
  const { ok, failure, errors, passes, text } = run.report;
  assert(ok, `${failure}`);
  assertEquals([errors, passes], [0, 2]);
  // The notebook takes its "skipped" path where multicast does not work on loopback: here it must.
  // (Outputs are JSON text, with the kernel's colour codes escaped.)
  assertMatch(text, /multicastOnLoopback: (\\u001b\[33m)?true/);
  assert(
    !text.includes("skipped: this machine does not deliver multicast"),
    "multicast was skipped",
  );
});
