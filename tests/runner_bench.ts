// Benchmarks of the notebook runner on the real Deno kernel: kernel start-up to
// the first result, the round trip of a trivial cell, and the wall time of the
// whole notebook suite: one notebook at a time, side by side (`--jobs`), and with
// nbclient when /usr/bin/python3 (or python3) has it.

import { defaultJobs, findNotebooks, KernelSession, runNotebooks } from "socketlab/runner";

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

const DIR = new URL("../notebooks/", import.meta.url).pathname.replace(/\/$/, "");
// Notebook 08 sends multicast: it runs only inside a network namespace a test makes.
const PATHS = (await findNotebooks(DIR)).filter((path) =>
  !path.endsWith("/08_udp_multicast.ipynb")
);

async function suite(jobs: number): Promise<void> {
  const outcomes = await runNotebooks(PATHS, {
    jobs,
    write: false,
    timeout: 120_000,
    kernel: { startupTimeout: 60_000 },
  });
  const failed = outcomes.filter(({ report }) => !report?.ok).map(({ path }) => path);
  if (failed.length > 0) throw new Error(`notebooks failed: ${failed.join(", ")}`);
}

/** A Python that can import nbclient, or why there is none. */
function findNbclient(): { python: string } | { missing: string } {
  for (const python of ["/usr/bin/python3", "python3"]) {
    try {
      const probe = new Deno.Command(python, {
        args: ["-c", "import nbclient, nbformat"],
        stdout: "null",
        stderr: "null",
      }).outputSync();
      if (probe.success) return { python };
    } catch {
      // Not installed: try the next one.
    }
  }
  return { missing: "no python3 with nbclient (Debian: apt-get install python3-nbclient)" };
}

const NBCLIENT_SCRIPT = `
import os, sys, nbformat, nbclient
for path in sys.argv[1:]:
    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="deno",
        resources={"metadata": {"path": os.path.dirname(path)}}).execute()
`;

/** Runs the suite with nbclient, one notebook at a time, on a Deno kernelspec of its own. */
async function nbclientSuite(python: string): Promise<void> {
  const jupyterPath = await Deno.makeTempDir({ prefix: "socketlab-nbclient-" });
  try {
    await Deno.mkdir(`${jupyterPath}/kernels/deno`, { recursive: true });
    await Deno.writeTextFile(
      `${jupyterPath}/kernels/deno/kernel.json`,
      JSON.stringify({
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno",
        language: "typescript",
      }),
    );
    const out = await new Deno.Command(python, {
      args: ["-c", NBCLIENT_SCRIPT, ...PATHS],
      env: { JUPYTER_PATH: jupyterPath, JUPYTER_DATA_DIR: jupyterPath },
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`nbclient failed: ${new TextDecoder().decode(out.stderr).slice(-2000)}`);
    }
  } finally {
    await Deno.remove(jupyterPath, { recursive: true });
  }
}

async function seconds(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (performance.now() - started) / 1000;
}

/** Times the suite once per variant and formats the table, wall time against sequential. */
async function suiteTable(): Promise<string> {
  const cores = defaultJobs();
  const rows: [string, number | string][] = [];
  // An untimed run first: whichever variant ran first paid for filling Deno's module cache and
  // the OS's file cache (30.1 s against 22.6 s for the same sequential run warm).
  await suite(cores);
  const sequential = await seconds(() => suite(1));
  rows.push(["runner, --jobs 1", sequential]);
  for (const jobs of [cores, 2 * cores]) {
    rows.push([`runner, --jobs ${jobs}`, await seconds(() => suite(jobs))]);
  }
  const nbclient = findNbclient();
  rows.push(
    "python" in nbclient
      ? [
        `nbclient (${nbclient.python}), one at a time`,
        await seconds(() => nbclientSuite(nbclient.python)),
      ]
      : ["nbclient", `did not run: ${nbclient.missing}`],
  );
  return [
    `notebook suite (${PATHS.length} notebooks, ${cores} cores), wall time:`,
    ...rows.map(([what, value]) =>
      typeof value === "string"
        ? `  ${what.padEnd(44)} ${value}`
        : `  ${what.padEnd(44)} ${value.toFixed(1).padStart(6)} s   ${
          (value / sequential).toFixed(2)
        } x sequential`
    ),
  ].join("\n");
}

// A 30 s suite is timed once per variant by hand (Deno.bench calls a bench more than once
// even with n: 1; later calls reuse the first measurement) and printed as a table.
let table: Promise<string> | undefined;
Deno.bench(
  "notebook suite: sequential, --jobs, nbclient (table printed)",
  { n: 1, warmup: 0 },
  async () => {
    if (table !== undefined) return void await table;
    table = suiteTable();
    console.log(`\n${await table}`);
  },
);
