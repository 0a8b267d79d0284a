/**
 * Every figure as a reader of an untrusted notebook sees it in JupyterLab 4:
 * each output goes through JupyterLab's own MIME choice and sanitizer
 * (tests/fixtures/jupyterlab.ts), is laid out with JupyterLab's output style
 * in a light and a dark theme, and is rendered in headless Chromium at
 * 1000 px. A figure passes when what it draws is drawn: every drawing a
 * non-blank image at its own size (so its smallest text, at least 10 px in
 * the drawing, stays 10 px), with its text inside the drawing and in
 * contrast with the drawing's own background on both themes; every table
 * with its rows, text left-aligned and numbers right-aligned, readable on
 * both themes.
 *
 * Two sets of figures: the figure outputs of the committed notebooks (as a
 * visitor opening them sees them), and fresh figures of every kind made by
 * the library from a live lab on loopback and from large built traces.
 * `SOCKETLAB_NOTEBOOKS=dir` checks the notebooks of another folder (e.g. a
 * re-executed copy) instead of notebooks/. Screenshots go to tests/output/.
 */
import { assert, assertEquals } from "@std/assert";
import net from "node:net";
import { type Figure, Lab, Trace } from "../lib/mod.ts";
import { Figure as FigureClass } from "../lib/jupyter/figure.ts";
import { renderBarChart } from "../lib/render/bar_chart.ts";
import { svgSize } from "../lib/render/svg_image.ts";
import { tcpTrace, udpTrace, wideTrace } from "./fixtures/traces.ts";
import { udpPair } from "./fixtures/udp_pair.ts";
import { launchChromium } from "./fixtures/chromium.ts";
import {
  type Bundle,
  joined,
  type JupyterLab,
  loadJupyterLab,
  notebookPage,
  type Theme,
  untrustedOutput,
} from "./fixtures/jupyterlab.ts";
import {
  contrast,
  OUTPUT_FACTS,
  type OutputFacts,
  PIXEL_STATS,
  type PixelStats,
  TEXT_OVERFLOW,
} from "./fixtures/page_checks.ts";

const HOST = "127.0.0.1";
const DISPLAY = Symbol.for("Jupyter.display");
const NOTEBOOKS = Deno.env.get("SOCKETLAB_NOTEBOOKS") ??
  new URL("../notebooks/", import.meta.url).pathname;

/** One output to check: where it comes from and its MIME bundle. */
interface Case {
  readonly name: string;
  readonly bundle: Bundle;
}

const bundleOf = (figure: unknown): Bundle =>
  (figure as Record<symbol, () => Bundle>)[DISPLAY]() as Bundle;

/** The figure outputs (any HTML or image) of every notebook in a folder. */
async function notebookCases(dir: string): Promise<Case[]> {
  const cases: Case[] = [];
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"))
    .sort();
  for (const name of names) {
    const notebook = JSON.parse(await Deno.readTextFile(`${dir}/${name}`));
    notebook.cells.forEach(
      (cell: { outputs?: { output_type: string; data?: Bundle }[] }, i: number) => {
        for (const output of cell.outputs ?? []) {
          const data = output.data ?? {};
          const rich = ["text/html", "image/svg+xml", "image/png"].some((m) => m in data);
          if (/^(display_data|execute_result)$/.test(output.output_type) && rich) {
            cases.push({ name: `${name} cell ${i}`, bundle: data });
          }
        }
      },
    );
  }
  return cases;
}

/** A live exchange on loopback: a TCP transfer with back-pressure, and UDP datagrams. */
async function liveCases(): Promise<Case[]> {
  await using lab = await Lab.open("sanitizer_test: live");
  const chunk = new Uint8Array(64 * 1024).fill(120);
  const server = lab.watch(
    net.createServer((socket) => {
      while (socket.write(chunk)) { /* until write() returns false: bounded by the buffer */ }
      socket.once("drain", () => socket.end("bye"));
    }),
    "server",
  );
  server.listen(lab.port(), HOST);
  await lab.until("server", "listening");
  const client = lab.watch(net.connect((server.address() as net.AddressInfo).port, HOST), "client");
  client.pause();
  await lab.until("server#1", "write", { where: (e) => e.returned === false });
  const sockets = await lab.sockets({ labels: ["client"] });
  client.resume();
  await lab.until("client", "close", { timeoutMs: 10_000 });
  const { sender, port } = await udpPair(lab, ["udp-a", "udp-b"]);
  for (const text of ["one", "two", "three"]) sender.send(text, port, HOST);
  await lab.until("udp-b", "message", { count: 3 });
  const figures: [string, unknown][] = [
    ["lab.trace", lab.trace.select("server", "client")],
    ["lab.diagram()", lab.diagram()],
    ["lab.chart()", lab.chart("server#1")],
    ["lab.sockets()", sockets],
    ["lab.datagrams()", lab.datagrams()],
    ["lab.describe()", lab.describe("server")],
  ];
  return figures.map(([name, figure]) => ({ name: `live ${name}`, bundle: bundleOf(figure) }));
}

/** Built traces: wide, long, multicast; and bar charts in both forms the notebooks pass them. */
function builtCases(): Case[] {
  const big: ReturnType<typeof tcpTrace> = [];
  for (let i = 0; i < 40; i++) big.push(...tcpTrace().map((e) => ({ ...e, seq: big.length + 1 })));
  const bars = renderBarChart({
    title: "Bulk transfer over loopback, 64 MiB (median of 5; higher is better)",
    unit: "MiB/s",
    bars: [
      { label: "node:net", value: 1653, note: "1.00 × node:net" },
      { label: "node:net watched", value: 1654, note: "1.00 × node:net" },
      { label: "Deno native", value: 2260, note: "1.37 × node:net" },
    ],
  });
  const figures: [string, Figure | Trace][] = [
    ["13 lanes", new Trace({ title: "wide", events: wideTrace(6), dropped: 0 }).diagram()],
    ["trace display", new Trace({ title: "tcp", events: tcpTrace(), dropped: 0 })],
    [
      "elided rows",
      new Trace({ title: "long", events: big, dropped: 0 }).diagram({ maxSteps: 60 }),
    ],
    ["multicast", new Trace({ title: "udp", events: udpTrace(), dropped: 0 }).diagram()],
    ["bars as image/svg+xml", new FigureClass({ "image/svg+xml": bars, "text/plain": "bars" })],
    ["bars as text/html", new FigureClass({ "text/html": bars, "text/plain": "bars" })],
  ];
  return figures.map(([name, figure]) => ({ name: `built ${name}`, bundle: bundleOf(figure) }));
}

/** The drawings an output holds before any viewer touches it: inline, as image, or in an `<img>`. */
function drawingsOf(bundle: Bundle): string[] {
  const html = joined(bundle["text/html"] ?? "");
  const inline = html.match(/<svg\b[\s\S]*?<\/svg>/g) ?? [];
  const images = [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) =>
    new TextDecoder().decode(Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0)))
  );
  const found = [...inline, ...images];
  if (found.length === 0 && "image/svg+xml" in bundle) found.push(joined(bundle["image/svg+xml"]));
  return found;
}

/** The smallest font size a drawing uses (attributes and style rules), in px. */
function smallestFont(svg: string): number {
  const sizes = [...svg.matchAll(/font-size[=:]"?([\d.]+)/g)].map((m) => Number(m[1]));
  return Math.min(...sizes);
}

const NUMBER = /^[-+]?[\d,]+(\.\d+)?( ?%)?$/;

/** What must hold for one output on one theme; returns the failures. */
function judge(c: Case, facts: OutputFacts, drawings: string[], theme: Theme): string[] {
  const bad: string[] = [];
  const loaded = facts.images.filter((i) => i.loaded);
  if (loaded.length < drawings.length) {
    bad.push(`${drawings.length} drawing(s) in the output, ${loaded.length} shown`);
  }
  for (const [i, img] of loaded.entries()) {
    const size = drawings[i] && svgSize(drawings[i]);
    if (size && (img.naturalWidth !== size.width || img.naturalHeight !== size.height)) {
      bad.push(
        `image ${i} is ${img.naturalWidth}×${img.naturalHeight}, drawn ${size.width}×${size.height}`,
      );
    }
    if (Math.abs(img.width - img.naturalWidth) > 0.5) {
      bad.push(
        `image ${i} is scaled to ${img.width} px from ${img.naturalWidth} px: its text shrinks`,
      );
    }
    if (img.naturalWidth > img.box.clientWidth + 1 && !/auto|scroll/.test(img.box.overflowX)) {
      bad.push(`image ${i} is wider than its box and the box does not scroll`);
    }
  }
  // Data cells: numbers right, text left; a heading like the cells under it.
  const column = (c: OutputFacts["cells"][number]) => `${c.table}:${c.column}`;
  const columns = new Map<string, string>();
  for (const cell of facts.cells.filter((c) => c.tag === "td")) {
    const want = NUMBER.test(cell.text) ? "right" : "left";
    columns.set(column(cell), columns.get(column(cell)) ?? want);
    if (cell.align !== want) bad.push(`cell "${cell.text}" is aligned ${cell.align}, not ${want}`);
  }
  for (const cell of facts.cells.filter((c) => c.tag === "th")) {
    const want = columns.get(column(cell)) ?? "left";
    if (cell.align !== want) {
      bad.push(`heading "${cell.text}" is aligned ${cell.align}, not ${want}`);
    }
  }
  for (const t of facts.texts) {
    const ratio = contrast(t.color, t.background);
    if (ratio < 4.5) bad.push(`${theme}: "${t.text}" has contrast ${ratio.toFixed(2)} < 4.5`);
  }
  const tables = (joined(c.bundle["text/html"] ?? "").match(/<tr\b/g) ?? []).length;
  if (facts.rows < tables) bad.push(`${tables} table rows in the output, ${facts.rows} shown`);
  if (facts.text === "" && loaded.length === 0) bad.push("nothing visible");
  return bad;
}

/** Checks what the screenshot of a drawing shows: drawn, its own background, readable ink. */
function judgePixels(stats: PixelStats, width: number, height: number, pageBackground: number[]) {
  const bad: string[] = [];
  if (Math.abs(stats.height - height) > 1 || stats.width < Math.min(width, 900) - 1) {
    bad.push(`screenshot ${stats.width}×${stats.height}, expected ${width}×${height}`);
  }
  if (stats.drawn < 0.005) bad.push(`blank: ${(stats.drawn * 100).toFixed(2)} % drawn`);
  if (
    contrast(stats.background, pageBackground) < 1.5 && contrast(stats.ink, pageBackground) < 4.5
  ) {
    bad.push("the drawing has no background of its own and its ink is lost on the page");
  }
  const ratio = contrast(stats.ink, stats.background);
  if (ratio < 4.5) bad.push(`ink on background contrast ${ratio.toFixed(2)} < 4.5`);
  return bad;
}

async function checkCases(lab: JupyterLab, cases: Case[], prefix: string): Promise<string[]> {
  const failures: string[] = [];
  const outDir = new URL("./output/", import.meta.url);
  await Deno.mkdir(outDir, { recursive: true });
  await using browser = await launchChromium({ width: 1000, height: 900 });
  const shown = cases.map((c) => untrustedOutput(lab, c.bundle));
  const drawings = cases.map((c) => drawingsOf(c.bundle));
  for (const theme of ["light", "dark"] as const) {
    const tab = await browser.newPage();
    const body = shown.map((s, i) => `<section id="case-${i}">${s.html}</section>`).join("") +
      drawings.flatMap((list, i) =>
        list.map((svg, j) =>
          `<div id="fit-${i}-${j}" style="position:absolute;left:-30000px;top:0">${svg}</div>`
        )
      ).join("");
    await tab.setContent(notebookPage(lab, theme, body), { waitUntil: "load", timeout: 60_000 });
    const pageBackground = theme === "dark" ? [17, 17, 17] : [255, 255, 255];
    for (const [i, c] of cases.entries()) {
      const facts = await tab.evaluate(`(${OUTPUT_FACTS})("case-${i}")`) as OutputFacts;
      const bad = judge(c, facts, drawings[i], theme).map((b) => `${shown[i].mime}: ${b}`);
      const images = tab.locator(`#case-${i} img`);
      for (let j = 0; j < Math.min(await images.count(), drawings[i].length); j++) {
        const png = await images.nth(j).screenshot({ timeout: 30_000 });
        const stats = await tab.evaluate(
          `(${PIXEL_STATS})(${JSON.stringify(btoa(String.fromCharCode(...png)))})`,
        ) as PixelStats;
        const size = svgSize(drawings[i][j]) ?? { width: 0, height: 0 };
        bad.push(...judgePixels(stats, size.width, size.height, pageBackground));
        if (theme === "dark" && j === 0) {
          await Deno.writeFile(new URL(`${prefix}-${i}-dark.png`, outDir), png);
        }
      }
      for (let j = 0; j < drawings[i].length && theme === "light"; j++) {
        const fit = await tab.evaluate(`(${TEXT_OVERFLOW})("fit-${i}-${j}")`) as {
          outside: { text: string; over: number }[];
        };
        for (const t of fit.outside) {
          bad.push(`text "${t.text}" reaches ${t.over.toFixed(1)} px out`);
        }
        if (smallestFont(drawings[i][j]) < 10) {
          bad.push(`drawing ${j} has text of ${smallestFont(drawings[i][j])} px`);
        }
      }
      const more = bad.length > 4 ? [`... and ${bad.length - 4} more`] : [];
      failures.push(...[...bad.slice(0, 4), ...more].map((b) => `${c.name} (${theme}): ${b}`));
    }
    await tab.screenshot({
      path: new URL(`${prefix}-${theme}.png`, outDir).pathname,
      fullPage: true,
    });
    await tab.close();
  }
  return failures;
}

Deno.test({
  name: "untrusted JupyterLab: fresh figures of every kind are drawn, readable and aligned",
  async fn() {
    const lab = await loadJupyterLab();
    const cases = [...await liveCases(), ...builtCases()];
    // The forms: HTML with the drawing as an <img>, never inline SVG or image/svg+xml.
    for (const c of cases) {
      assertEquals(lab.preferredMimeType(c.bundle), "text/html", c.name);
      assert(!("image/svg+xml" in c.bundle), `${c.name}: image/svg+xml is not shown untrusted`);
      assert(
        !joined(c.bundle["text/html"]).includes("<svg"),
        `${c.name}: inline SVG is sanitized away`,
      );
      assert(joined(c.bundle["text/plain"]).length > 0, `${c.name}: a text/plain fallback`);
    }
    assertEquals(await checkCases(lab, cases, "sanitized-fresh"), []);
  },
});

Deno.test({
  name: "untrusted JupyterLab: every figure output of the committed notebooks is drawn",
  async fn() {
    const lab = await loadJupyterLab();
    const cases = await notebookCases(NOTEBOOKS);
    assert(cases.length >= 20, `${cases.length} figure outputs in ${NOTEBOOKS}`);
    assertEquals(
      await checkCases(lab, cases, "sanitized-notebooks"),
      [],
      `figure outputs of ${NOTEBOOKS} that an untrusted JupyterLab does not show as drawn; ` +
        "outputs made before the figures became images need the notebooks re-executed " +
        "(deno task notebooks)",
    );
  },
});
