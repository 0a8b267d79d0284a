/**
 * Renders a TCP trace, a UDP multicast trace and a back-pressure chart into
 * one HTML page, opens it in headless Chromium and checks what a reader
 * would see: no console errors, every drawing has a size, and the page has
 * as many arrows and markers as the models say. Screenshots (light and dark
 * page) go to tests/output/ for a person to look at.
 *
 * Needs Debian's `chromium` at /usr/bin/chromium (`.ci/run` installs it).
 */
import { assert, assertEquals } from "@std/assert";
import fs from "node:fs";
import type { Address, TraceEvent } from "../lib/record/event.ts";
import { renderSequenceDiagram } from "../lib/render/sequence_diagram.ts";
import { sequenceModel } from "../lib/render/sequence_model.ts";
import { backpressureSeries, renderBackpressureChart } from "../lib/render/backpressure_chart.ts";
import { renderBarChart } from "../lib/render/bar_chart.ts";
import { renderSocketTableHtml } from "../lib/render/socket_table.ts";
import { parseProcNet } from "../lib/os/proc_net.ts";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Loads playwright-core. At import time it probes `/proc/sys/fs/binfmt_misc/WSLInterop`
 * with `fs.existsSync`; Deno refuses any access under `/proc` without `--allow-all` and its
 * `existsSync` throws `NotCapable` instead of returning false as Node's does. This restores
 * Node's contract (any error means "does not exist") for the duration of the import only.
 */
async function loadPlaywright(): Promise<typeof import("playwright-core")> {
  const existsSync = fs.existsSync;
  fs.existsSync = (path: fs.PathLike) => {
    try {
      return existsSync(path);
    } catch {
      return false;
    }
  };
  try {
    return await import("playwright-core");
  } finally {
    fs.existsSync = existsSync;
  }
}
const hasChromium = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    return false;
  }
})();

type Draft = Omit<TraceEvent, "seq" | "time">;
const numbered = (drafts: Draft[]): TraceEvent[] =>
  drafts.map((d, i) => ({ seq: i + 1, time: i * 0.7, ...d }));

function tcpTrace(): TraceEvent[] {
  const server: Address = { address: "127.0.0.1", port: 8080, family: "IPv4" };
  const client: Address = { address: "127.0.0.1", port: 50312, family: "IPv4" };
  const c = (d: Omit<Draft, "label" | "kind">): Draft => ({
    label: "client",
    kind: "tcp-socket",
    local: client,
    remote: server,
    ...d,
  });
  const s = (d: Omit<Draft, "label" | "kind">): Draft => ({
    label: "server#1",
    kind: "tcp-socket",
    parent: "server",
    local: server,
    remote: client,
    ...d,
  });
  const drafts: Draft[] = [
    { label: "server", kind: "tcp-server", source: "event", name: "listening", local: server },
    { label: "client", kind: "tcp-socket", source: "call", name: "connect", remote: server },
    {
      label: "server",
      kind: "tcp-server",
      source: "event",
      name: "connection",
      remote: client,
      preview: "server#1",
    },
    c({ source: "event", name: "connect" }),
    c({ source: "call", name: "write", bytes: 18, preview: "GET /?a=1&b=<2>", returned: true }),
    s({ source: "event", name: "data", bytes: 18, preview: "GET /?a=1&b=<2>" }),
  ];
  for (let i = 0; i < 37; i++) {
    drafts.push(s({ source: "call", name: "write", bytes: 65536, returned: i < 3 }));
  }
  for (let i = 0; i < 37; i++) drafts.push(c({ source: "event", name: "data", bytes: 65536 }));
  drafts.push(
    s({ source: "event", name: "drain" }),
    s({ source: "call", name: "end" }),
    c({ source: "event", name: "end" }),
    c({ source: "call", name: "pause" }),
    c({ source: "call", name: "resume" }),
    c({ source: "call", name: "end" }),
    s({ source: "event", name: "end" }),
    c({ source: "event", name: "close", hadError: false }),
    s({ source: "event", name: "close", hadError: false }),
    { label: "server", kind: "tcp-server", source: "call", name: "close" },
    { label: "server", kind: "tcp-server", source: "event", name: "close" },
  );
  return numbered(drafts);
}

function udpTrace(): TraceEvent[] {
  const any: Address = { address: "0.0.0.0", port: 41234, family: "IPv4" };
  const group: Address = { address: "239.7.7.7", port: 41234, family: "IPv4" };
  const from = { address: "127.0.0.1", port: 40000, family: "IPv4" };
  const u = (label: string, d: Omit<Draft, "label" | "kind">): Draft => ({
    label,
    kind: "udp-socket",
    ...d,
  });
  const drafts: Draft[] = [];
  for (const rx of ["rx1", "rx2", "rx3"]) {
    drafts.push(
      u(rx, { source: "event", name: "listening", local: any }),
      u(rx, { source: "call", name: "addMembership", args: "239.7.7.7" }),
    );
  }
  drafts.push(
    u("tx", { source: "event", name: "listening", local: { ...from, address: "0.0.0.0" } }),
  );
  for (const text of ["tick 1", "tick 2"]) {
    drafts.push(u("tx", { source: "call", name: "send", bytes: 6, preview: text, remote: group }));
    for (const rx of ["rx1", "rx2", "rx3"]) {
      drafts.push(
        u(rx, { source: "event", name: "message", bytes: 6, preview: text, remote: from }),
      );
    }
  }
  drafts.push(
    u("rx2", {
      source: "call",
      name: "send",
      bytes: 3,
      preview: "ack",
      remote: { address: "127.0.0.1", port: 40000 },
    }),
    u("tx", {
      source: "event",
      name: "message",
      bytes: 3,
      preview: "ack",
      remote: { address: "127.0.0.1", port: 41234 },
    }),
    u("tx", { source: "event", name: "close" }),
  );
  return numbered(drafts);
}

function backpressureTrace(): TraceEvent[] {
  const drafts: Draft[] = [];
  let written = 0;
  let queued = 0;
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 6; i++) {
      queued += 16384;
      drafts.push({
        label: "server#1",
        kind: "tcp-socket",
        source: "call",
        name: "write",
        bytes: 16384,
        returned: queued < 16384 * 3,
        counters: { bytesWritten: written, writableLength: queued },
      });
      written += 8192;
      queued -= 8192;
    }
    written += queued;
    queued = 0;
    drafts.push({
      label: "server#1",
      kind: "tcp-socket",
      source: "event",
      name: "drain",
      counters: { bytesWritten: written, writableLength: 0 },
    });
  }
  return numbered(drafts);
}

function page(body: string, dark: boolean): string {
  const colours = dark ? "background:#111;color:#eee" : "background:#fff;color:#111";
  return `<!doctype html><html><head><meta charset="utf-8"><title>socketlab renderers</title>` +
    `</head><body style="font-family:sans-serif;margin:16px;${colours}">${body}</body></html>`;
}

Deno.test({
  name: hasChromium
    ? "browser: diagrams and charts render in headless Chromium"
    : `browser: diagrams and charts render in headless Chromium (ignored: ${CHROMIUM} not found; CI installs it)`,
  ignore: !hasChromium,
  async fn() {
    const tcp = tcpTrace();
    const udp = udpTrace();
    const bp = backpressureTrace();
    const tcpModel = sequenceModel(tcp);
    const udpModel = sequenceModel(udp);
    const series = backpressureSeries(bp, "server#1");
    // The merged arrow the issue asks for is in the model (and must reach the page).
    assert(tcpModel.arrows.some((a) => a.count === 37 && a.label.startsWith("37 chunks")));
    const table = parseProcNet(
      Deno.readTextFileSync(new URL("./fixtures/proc_net/tcp", import.meta.url)),
      "tcp",
    ).slice(0, 6);
    const body =
      `<h2>TCP</h2><div id="tcp">${renderSequenceDiagram(tcp, { title: "TCP trace" })}</div>` +
      `<h2>UDP multicast</h2><div id="udp">${
        renderSequenceDiagram(udp, { title: "UDP multicast" })
      }</div>` +
      `<h2>Back-pressure</h2><div id="bp">${
        renderBackpressureChart(bp, { label: "server#1" })
      }</div>` +
      `<div id="bars">${
        renderBarChart({
          title: "Throughput",
          unit: "MB/s",
          bars: [{ label: "TCP", value: 812 }, { label: "UDP", value: 406, note: "2% lost" }],
        })
      }</div>` +
      `<div id="table">${renderSocketTableHtml({ rows: table })}</div>`;

    const outDir = new URL("./output/", import.meta.url);
    await Deno.mkdir(outDir, { recursive: true });
    const userDataDir = await Deno.makeTempDir({ prefix: "socketlab-chromium-" });
    const { chromium } = await loadPlaywright();
    const browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      viewport: { width: 1000, height: 800 },
      timeout: 60_000,
    });
    try {
      for (const dark of [false, true]) {
        const tab = await browser.newPage();
        const problems: string[] = [];
        tab.on("console", (m) => {
          if (m.type() === "error") problems.push(`console: ${m.text()}`);
        });
        tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        await tab.setContent(page(body, dark), { waitUntil: "load", timeout: 60_000 });

        for (const id of ["tcp", "udp", "bp", "bars"]) {
          const box = await tab.locator(`#${id} > svg`).boundingBox();
          assert(box && box.width > 50 && box.height > 50, `#${id} svg box ${JSON.stringify(box)}`);
        }
        assertEquals(await tab.locator("#tcp g.arrow").count(), tcpModel.arrows.length);
        assertEquals(await tab.locator("#tcp g.mark").count(), tcpModel.marks.length);
        assertEquals(await tab.locator("#tcp g.lane").count(), tcpModel.lanes.length);
        assertEquals(await tab.locator("#udp g.arrow").count(), udpModel.arrows.length);
        assertEquals(await tab.locator("#udp g.lane.multicast").count(), 1);
        assertEquals(
          await tab.locator("#bp .marker.write-false").count(),
          series.writeFalse.length,
        );
        assertEquals(await tab.locator("#bp .marker.drain").count(), series.drain.length);
        assertEquals(await tab.locator("#bars g.bar").count(), 2);
        assertEquals(await tab.locator("#table tbody tr").count(), table.length);
        // Escaped previews come out as the original text.
        const texts = await tab.locator("#tcp g.arrow text").allTextContents();
        assert(texts.includes("18 B “GET /?a=1&b=<2>”"), texts.join(" | "));
        assert(texts.some((t) => t.startsWith("37 chunks, ")), texts.join(" | "));
        // Text follows the page colour (currentColor), so it reads on dark pages too.
        // (Browser-side code is passed as text: this file is type-checked without the DOM lib.)
        const fill = await tab.evaluate(
          `getComputedStyle(document.querySelector("#tcp g.lane text")).fill`,
        );
        assertEquals(fill, dark ? "rgb(238, 238, 238)" : "rgb(17, 17, 17)");
        // Every arrow is drawn with a visible size (no NaN coordinates).
        const empty = await tab.evaluate(
          `[...document.querySelectorAll("#tcp g.arrow, #udp g.arrow")]
            .filter((el) => { const b = el.getBBox(); return !(b.width > 0 && b.height > 0); })
            .length`,
        );
        assertEquals(empty, 0);
        assertEquals(problems, []);
        await tab.screenshot({
          path: new URL(dark ? "browser-dark.png" : "browser.png", outDir).pathname,
          fullPage: true,
        });
        await tab.close();
      }
    } finally {
      await browser.close();
      await Deno.remove(userDataDir, { recursive: true });
    }
  },
});
