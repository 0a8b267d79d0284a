// Tinkering: re-running a watching cell and a waiting cell in one kernel, as a
// reader does in Jupyter, through socketlab's runner and through Jupyter's own
// client (nbclient, which .ci/run installs; without it the comparison fails).

import { assert, assertEquals, assertMatch } from "@std/assert";
import { runNotebook } from "socketlab/runner";
import { nbclientUnavailable, runWithNbclient } from "./fixtures/nbclient.ts";
import { code, notebookOf } from "./fixtures/runner/notebooks.ts";
import { formatNotebook } from "../lib/runner/notebook/notebook.ts";

const OUTPUT = new URL("./output/", import.meta.url).pathname;

/** A notebook with these code cells (a cell given as `[source, tags]` gets the tags). */
function notebook(cells: (string | [string, string[]])[]): string {
  const codeCells = cells.map((cell) => typeof cell === "string" ? code(cell) : code(...cell));
  return formatNotebook(notebookOf(codeCells));
}

const SETUP = `import net from "node:net";
import dgram from "node:dgram";
import { assert, assertEquals } from "@std/assert";
import { Lab } from "socketlab";
const lab = await Lab.open("rerun");
const preferred = lab.port();
const preferredUdp = lab.port(0, { transport: "udp" });
const ports: number[] = [];
const udpPorts: number[] = [];`;

const WATCHING = `const server = lab.watch(net.createServer((s) => s.end("hi")), "server");
server.listen(lab.port(preferred), "127.0.0.1");
ports.push((await lab.until("server", "listening")).local!.port);`;

const WAITING = `const client = lab.watch(net.connect(ports.at(-1)!, "127.0.0.1"), "client");
client.resume();
await lab.until("client", "close", { source: "event" });`;

const UDP = `const udp = lab.watch(dgram.createSocket("udp4"), "udp");
udp.bind(lab.port(preferredUdp, { transport: "udp" }), "127.0.0.1");
udpPorts.push((await lab.until("udp", "listening")).local!.port);`;

const CHECKS = `assertEquals(ports, [preferred, preferred], "a re-run listens on the same port");
assertEquals(udpPorts, [preferredUdp, preferredUdp], "and binds the same UDP port");
assertEquals(lab.events("server").filter((e) => e.name === "listening").length, 1);
assertEquals(lab.trace.names("client", "event"), ["connect", "ready", "data", "end", "close"]);
const old = lab.events().filter((e) => e.superseded);
for (const label of ["server", "client", "udp"]) {
  assert(old.some((e) => e.label === label), label + "'s first object stays in the trace, superseded");
}
assert(!server.listening || server.address() !== null);`;

const MISTAKE = `lab.watch(net.createServer(), "twice");
lab.watch(net.createServer(), "twice");`;

// A cell that fails after watching does not end a run; running it again (fixed) takes its label
// over all the same, because it is the same watch() call.
const FAILING = `const flaky = lab.watch(net.createServer(), "flaky");
flaky.listen(lab.port(), "127.0.0.1");
await lab.until("flaky", "listening");
throw new Error("a mistake the reader then fixes");`;

const FIXED = `const flaky = lab.watch(net.createServer(), "flaky");
flaky.listen(lab.port(), "127.0.0.1");
await lab.until("flaky", "listening");
assertEquals(lab.events("flaky").filter((e) => e.name === "listening").length, 1);`;

const CELLS: (string | [string, string[]])[] = [
  SETUP,
  WATCHING,
  WATCHING,
  WAITING,
  WAITING,
  UDP,
  UDP,
  CHECKS,
  [MISTAKE, ["raises-exception"]],
  [FAILING, ["raises-exception"]],
  FIXED,
  "await lab.close();",
];

async function writeNotebook(dir: string): Promise<string> {
  const path = `${dir}/rerun.ipynb`;
  await Deno.writeTextFile(path, notebook(CELLS));
  return path;
}

Deno.test("re-running a watching cell and a waiting cell takes their labels over, through the runner", async () => {
  await Deno.mkdir(OUTPUT, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: OUTPUT, prefix: "rerun-" });
  try {
    const report = await runNotebook(await writeNotebook(dir), {
      write: false,
      kernel: { startupTimeout: 60_000 },
    });
    const failures = report.cells.filter((c) => c.failed).map((c) => `${c.index}: ${c.message}`);
    assert(report.ok, failures.join("\n"));
    const mistake = report.cells.find((c) => c.index === 9)!;
    assertEquals(
      mistake.status,
      "raised",
      "two live objects with one label in one run still throw",
    );
    const error = mistake.outputs.find((o) => o.output_type === "error");
    assertMatch(String(error?.evalue), /label "twice" already belongs to a live net\.Server/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const noNbclient = await nbclientUnavailable();

Deno.test(
  "re-running cells works through Jupyter's own client too",
  async () => {
    // A missing nbclient fails the test: .ci/run installs it (python3-nbclient).
    assertEquals(noNbclient, undefined, "Jupyter's nbclient is needed for this comparison");
    await Deno.mkdir(OUTPUT, { recursive: true });
    const dir = await Deno.makeTempDir({ dir: OUTPUT, prefix: "rerun-nbclient-" });
    try {
      const executed = await runWithNbclient(await writeNotebook(dir));
      const cells = executed.cells as { outputs: { output_type: string; evalue?: string }[] }[];
      const errors = cells.flatMap((c, i) =>
        c.outputs.filter((o) => o.output_type === "error").map((o) => ({ cell: i + 1, ...o }))
      );
      assertEquals(
        errors.map((e) => e.cell),
        [9, 10],
        "only the two cells tagged raises-exception raised",
      );
      assertMatch(String(errors[0].evalue), /label "twice" already belongs to a live net\.Server/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
