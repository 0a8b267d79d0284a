// Live views on the real kernel: a view shown in one cell is updated in place, in that cell's
// output, by events that happen after the cell has finished; the saved notebook holds the final
// state. Checked through socketlab's runner and through Jupyter's nbclient (.ci/run installs it).

import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { runNotebook } from "socketlab/runner";
import { Figure, Lab } from "socketlab";
import { LiveView } from "../lib/jupyter/live.ts";
import { nbclientUnavailable, runWithNbclient } from "./fixtures/nbclient.ts";
import { code, notebookOf } from "./fixtures/runner/notebooks.ts";
import { formatNotebook } from "../lib/runner/notebook/notebook.ts";

const OUTPUT = new URL("./output/", import.meta.url).pathname;

const CELLS = [
  `import dgram from "node:dgram";
import { Lab } from "socketlab";
const lab = await Lab.open("live views");
const udp = lab.watch(dgram.createSocket("udp4"), "udp");
udp.bind(0, "127.0.0.1");
await lab.until("udp", "listening");`,
  // The view appears here; the datagram is sent 300 ms after this cell has finished.
  `const view = lab.live(() => lab.trace.select("udp"));
setTimeout(() => udp.send("sent after the cell ended", udp.address().port, "127.0.0.1"), 300);`,
  `await new Promise((resolve) => setTimeout(resolve, 1500));
lab.events("udp").filter((e) => e.name === "message").length`,
  `await lab.close();
view.renders > 1`,
];

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
}

const text = (value: string | string[] | undefined) =>
  Array.isArray(value) ? value.join("") : value ?? "";

/** The live view's output must be in cell 2, hold the late datagram, and be the only display. */
function assertLiveOutput(cells: { outputs: Output[] }[], who: string) {
  const displays = cells.map((c) => c.outputs.filter((o) => o.output_type === "display_data"));
  assertEquals(displays.map((d) => d.length), [0, 1, 0, 0], `${who}: one display, in cell 2`);
  const [live] = displays[1];
  assertStringIncludes(text(live.data?.["text/plain"]), "sent after the cell ended", who);
  assertStringIncludes(text(live.data?.["text/plain"]), "close", `${who}: the final state`);
  assertStringIncludes(text(live.data?.["text/html"]), "<img", `${who}: the diagram`);
}

async function withNotebook(run: (path: string) => Promise<void>) {
  await Deno.mkdir(OUTPUT, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: OUTPUT, prefix: "live-" });
  try {
    const path = `${dir}/live.ipynb`;
    await Deno.writeTextFile(path, formatNotebook(notebookOf(CELLS.map((c) => code(c)))));
    await run(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a live view is updated in its own output after its cell finished (runner)", async () => {
  await withNotebook(async (path) => {
    const report = await runNotebook(path, { write: true, kernel: { startupTimeout: 60_000 } });
    assert(report.ok, report.failure);
    const saved = JSON.parse(await Deno.readTextFile(path));
    assertLiveOutput(saved.cells, "runner");
    const result = (saved.cells[2].outputs as Output[]).find((o) =>
      o.output_type === "execute_result"
    );
    assertEquals(text(result?.data?.["text/plain"]).trim(), "\x1b[33m1\x1b[39m");
  });
});

const noNbclient = await nbclientUnavailable();

Deno.test(
  "a live view ends the same through Jupyter's own client",
  async () => {
    // A missing nbclient fails the test: .ci/run installs it (python3-nbclient).
    assertEquals(noNbclient, undefined, "Jupyter's nbclient is needed for this comparison");
    await withNotebook(async (path) => {
      const executed = await runWithNbclient(path);
      assertLiveOutput(executed.cells as { outputs: Output[] }[], "nbclient");
    });
  },
);

/** A view of a counter, sending to a list instead of a kernel. */
function countingView(options: { everyMs?: number; minIntervalMs?: number } = {}) {
  const sent: { type: string; text: string; id: unknown }[] = [];
  let state = 0;
  const view = new LiveView(() => new Figure({ "text/plain": `state ${state}` }), options, {
    publish: (type, content) => {
      const data = content.data as Record<string, string>;
      const transient = content.transient as { display_id: unknown };
      sent.push({ type, text: data["text/plain"], id: transient.display_id });
      return Promise.resolve();
    },
  });
  return { view, sent, set: (n: number) => state = n };
}

Deno.test("a burst of changes makes one update after it, not one per change", async () => {
  const { view, sent, set } = countingView({ minIntervalMs: 10 });
  await view.refresh();
  const before = sent.length;
  for (let i = 1; i <= 10_000; i++) {
    set(i);
    view.changed();
  }
  await new Promise((resolve) => setTimeout(resolve, 400));
  assertEquals(sent.length - before, 1, "one update for the whole burst");
  assertEquals(sent.at(-1)!.text, "state 10000", "showing the end of the burst");
  await view.stop();
  assertEquals(sent[0].type, "display_data");
  assert(sent.slice(1).every((m) => m.type === "update_display_data" && m.id === sent[0].id));
  view.changed(); // after stop: nothing more, and no timer left behind
  assertEquals(view.stopped, true);
});

Deno.test("everyMs renders without events; stop() renders the final state once", async () => {
  const { view, sent, set } = countingView({ everyMs: 20, minIntervalMs: 0 });
  set(7);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert(sent.length >= 3, `rendered on the timer: ${sent.length} messages`);
  assertEquals(sent.at(-1)!.text, "state 7");
  set(8);
  await view.stop();
  await view.stop();
  assertEquals(sent.at(-1)!.text, "state 8", "the final state");
  assertEquals(sent.filter((m) => m.text === "state 8").length, 1, "stop() twice renders once");
});

Deno.test("a view that fails to render shows why, and live() checks its arguments", async () => {
  const sent: string[] = [];
  const view = new LiveView(
    () => {
      throw new Error("no such label");
    },
    {},
    {
      publish: (_type, content) =>
        Promise.resolve(void sent.push((content.data as Record<string, string>)["text/plain"])),
    },
  );
  await view.stop();
  assertStringIncludes(sent[0], "live view could not render: Error: no such label");
  await using lab = await Lab.open("live arguments");
  assertThrows(() => lab.live("trace" as never), TypeError, 'got "trace"');
  assertThrows(() => lab.live(() => lab.trace, { everyMs: 1 }), RangeError, "got 1");
});
