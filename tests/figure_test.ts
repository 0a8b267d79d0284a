/**
 * The MIME forms of a figure: a drawing becomes HTML holding an `<img>` of
 * it (see lib/jupyter/figure.ts for why), whichever way it was given.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { Figure } from "../lib/mod.ts";
import { renderBarChart } from "../lib/render/bar_chart.ts";

const SVG = renderBarChart({ title: "Throughput “fast” & <slow>", unit: "MB/s", bars: [] });
const decode = (html: string) => {
  const b64 = /src="data:image\/svg\+xml;base64,([^"]+)"/.exec(html)![1];
  return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
};

Deno.test("Figure: a drawing in any form is shown as an <img> of it inside HTML, with its text", () => {
  const forms = [
    Figure.fromSvg(SVG, "no measurements"),
    new Figure({ "image/svg+xml": SVG, "text/plain": "no measurements" }),
    new Figure({ "text/html": SVG, "text/plain": "no measurements" }),
  ];
  for (const figure of forms) {
    assertEquals(Object.keys(figure.bundle).sort(), ["text/html", "text/plain"]);
    const html = figure.html!;
    assert(!html.includes("<svg"), "no inline SVG: JupyterLab's sanitizer removes it");
    assertEquals(decode(html), SVG, "the image is the drawing, byte for byte (UTF-8)");
    assertMatch(
      html,
      /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" width="\d+" height="\d+"/,
    );
    assertMatch(html, /alt="Throughput “fast” &amp; &lt;slow&gt;"/);
    assertMatch(html, /^<div class="sl-figure" style="overflow-x:auto;/);
    assertMatch(html, /style="max-width:none;/);
    assertEquals(figure.svg, SVG);
    assertEquals(figure.text, "no measurements");
  }
});

Deno.test("Figure: other HTML is shown as given", () => {
  const figure = new Figure({ "text/html": "<p>2 events</p>", "text/plain": "2 events" });
  assertEquals(figure.bundle, { "text/html": "<p>2 events</p>", "text/plain": "2 events" });
  assertEquals(figure.svg, undefined);
  const both = new Figure({ "text/html": "<p>x</p>", "image/svg+xml": SVG, "text/plain": "x" });
  assertEquals(both.html, "<p>x</p>", "explicit HTML wins");
});
