/**
 * Draws a sequence diagram ({@linkcode sequenceModel}) as SVG and as plain
 * text.
 *
 * @module
 */

import type { TraceEvent } from "../record/event.ts";
import {
  ACCENT,
  escapeXml,
  fitText,
  formatCoordinate as c,
  formatMs,
  svgDocument,
  textWidth,
  truncate,
} from "./_svg.ts";
import {
  type SequenceArrow,
  type SequenceMark,
  type SequenceModel,
  sequenceModel,
  type SequenceOptions,
} from "./sequence_model.ts";

/** The model to draw: the one given, or one built from the events. */
function modelOf(
  events: readonly TraceEvent[] | SequenceModel,
  options: SequenceOptions,
): SequenceModel {
  return Array.isArray(events)
    ? sequenceModel(events as readonly TraceEvent[], options)
    : events as SequenceModel;
}

const LANE_WIDTH = 170;
const GUTTER = 62;
const HEADER = 52;
const ROW = 22;
/** Font sizes in px: nothing is drawn smaller than 10 px. */
const FONT = { lane: 12, detail: 10, time: 10, step: 11, elided: 12 } as const;

const STYLE = `.sl-seq text{fill:currentColor;stroke:none}` +
  `.sl-seq .lane rect{fill:none;stroke:currentColor}` +
  `.sl-seq .lane.peer rect{stroke-dasharray:4 3}` +
  `.sl-seq .lane.multicast rect,.sl-seq .lane.broadcast rect{stroke:${ACCENT.purple}}` +
  `.sl-seq .life{stroke:currentColor;stroke-opacity:.35;stroke-dasharray:3 4}` +
  `.sl-seq .d{font-size:${FONT.detail}px;opacity:.8}` +
  `.sl-seq .t{font-size:${FONT.time}px;opacity:.8}` +
  `.sl-seq .arrow path{stroke-width:1.5}` +
  `.sl-seq .data{stroke:${ACCENT.blue};fill:${ACCENT.blue}}` +
  `.sl-seq .datagram{stroke:${ACCENT.blue};fill:${ACCENT.blue};stroke-dasharray:6 3}` +
  `.sl-seq .connect{stroke:${ACCENT.green};fill:${ACCENT.green}}` +
  `.sl-seq .fin{stroke:${ACCENT.orange};fill:${ACCENT.orange}}` +
  `.sl-seq .reset{stroke:${ACCENT.red};fill:${ACCENT.red}}` +
  `.sl-seq .mark{stroke:currentColor;fill:currentColor}` +
  `.sl-seq .mark.good{stroke:${ACCENT.green};fill:${ACCENT.green}}` +
  `.sl-seq .mark.warn{stroke:${ACCENT.orange};fill:${ACCENT.orange}}` +
  `.sl-seq .mark.bad{stroke:${ACCENT.red};fill:${ACCENT.red}}` +
  `.sl-seq .arrow text,.sl-seq .mark text{font-size:${FONT.step}px}` +
  `.sl-seq .elided text{font-style:italic}`;

/** Where each lane's centre is, and how far the drawing must reach to hold its text. */
interface Layout {
  readonly x: ReadonlyMap<string, number>;
  readonly width: number;
  readonly height: number;
}

/** The text of the row standing for the elided steps. */
function elidedText(e: NonNullable<SequenceModel["elided"]>): string {
  return `⋯ ${e.steps.toLocaleString("en-US")} more rows (${e.arrows} arrows, ${e.marks} marks) ` +
    `from ${formatMs(e.startTime)} to ${formatMs(e.endTime)} not drawn ⋯`;
}

/** The text drawn beside a mark. */
const markText = (label: string) => truncate(label, 30);

/**
 * Lanes side by side; the drawing is wide enough for the text that starts
 * at a lane and runs right (marks, arrows to the same lane) and for the
 * elided-rows line.
 */
function layout(model: SequenceModel): Layout {
  const x = new Map<string, number>();
  model.lanes.forEach((l, i) => x.set(l.id, GUTTER + LANE_WIDTH * i + LANE_WIDTH / 2));
  let right = GUTTER + LANE_WIDTH * Math.max(1, model.lanes.length) + 10;
  for (const step of model.steps) {
    const end = step.type === "mark"
      ? x.get(step.lane)! + 9 + textWidth(markText(step.label), FONT.step)
      : step.from === step.to
      ? x.get(step.from)! + 36 + textWidth(step.label, FONT.step)
      : 0;
    right = Math.max(right, end + 8);
  }
  if (model.elided) right = Math.max(right, textWidth(elidedText(model.elided), FONT.elided) + 16);
  if (model.steps.length === 0) right = Math.max(right, GUTTER + 200);
  const rows = model.steps.length + (model.elided ? 1 : 0);
  return { x, width: right, height: HEADER + ROW * Math.max(1, rows) + 16 };
}

function laneParts(model: SequenceModel, { x, height }: Layout): string[] {
  return model.lanes.map((l) => {
    const lx = x.get(l.id)!;
    const name = escapeXml(fitText(l.label, 146, FONT.lane, true));
    const detail = l.detail
      ? `<text class="d" x="${c(lx)}" y="33" text-anchor="middle">${
        escapeXml(fitText(l.detail, 146, FONT.detail))
      }</text>`
      : "";
    return `<g class="lane ${l.kind}"><rect x="${
      c(lx - 76)
    }" y="4" width="152" height="36" rx="4"/>` +
      `<text x="${c(lx)}" y="19" text-anchor="middle" font-weight="bold">${name}</text>` +
      `${detail}</g><path class="life" d="M${c(lx)} 40V${height - 8}"/>`;
  });
}

function arrowPart(step: SequenceArrow, x: ReadonlyMap<string, number>, y: number): string {
  const x1 = x.get(step.from)!;
  const x2 = x.get(step.to)!;
  const label = escapeXml(step.label);
  if (x1 === x2) {
    return `<g class="arrow ${step.kind}"><path fill="none" d="M${c(x1)} ${y - 6}h30v10h-26"/>` +
      `<path d="M${c(x1 + 1)} ${y + 4}l7 -4v8z"/>` +
      `<text x="${c(x1 + 36)}" y="${y + 3}">${label}</text></g>`;
  }
  const dir = x2 > x1 ? 1 : -1;
  const tip = x2 - dir * 2;
  return `<g class="arrow ${step.kind}"><path d="M${c(x1)} ${y}H${c(tip - dir * 7)}M${
    c(tip)
  } ${y}` +
    `l${-dir * 8} -4v8z"/><text x="${c((x1 + x2) / 2)}" y="${y - 4}" text-anchor="middle">` +
    `${label}</text></g>`;
}

function markPart(step: SequenceMark, x: ReadonlyMap<string, number>, y: number): string {
  const mx = x.get(step.lane)!;
  return `<g class="mark ${step.tone}"><rect x="${c(mx - 4)}" y="${y - 4}" width="8" height="8" ` +
    `transform="rotate(45 ${c(mx)} ${y})"/><text x="${c(mx + 9)}" y="${y + 4}">${
      escapeXml(markText(step.label))
    }</text></g>`;
}

/** The rows: the time in the margin when it changes, the arrow or mark, the elided line. */
function stepParts(model: SequenceModel, { x, width }: Layout): string[] {
  const parts: string[] = [];
  let row = 0;
  let lastTime = "";
  const rowY = () => HEADER + ROW * row + 15;
  model.steps.forEach((step, i) => {
    if (model.elided && i === model.elided.at) {
      parts.push(
        `<g class="elided"><text x="${c(width / 2)}" y="${rowY()}" text-anchor="middle">` +
          `${escapeXml(elidedText(model.elided))}</text></g>`,
      );
      row++;
    }
    const y = rowY();
    const time = formatMs(step.startTime);
    if (time !== lastTime) {
      parts.push(`<text class="t" x="4" y="${y}">${time}</text>`);
      lastTime = time;
    }
    parts.push(step.type === "arrow" ? arrowPart(step, x, y) : markPart(step, x, y));
    row++;
  });
  return parts;
}

/**
 * Draws a sequence diagram of recorded events as an SVG string: lanes with
 * their names and addresses, one row per arrow or mark, the time of each
 * row in the left margin. Every arrow is a `<g class="arrow KIND">` and
 * every mark a `<g class="mark TONE">`, so a page can count them. The
 * drawing brings its own background and is as wide as its text needs; no
 * text is smaller than 10 px. Focus it with `labels`, `after`, `fromMs`
 * and `toMs` (see {@linkcode SequenceOptions}).
 *
 * @example Usage
 * ```ts
 * import { renderSequenceDiagram } from "socketlab/render";
 * import { assert } from "@std/assert";
 * const svg = renderSequenceDiagram([
 *   { seq: 1, time: 0, label: "server", kind: "tcp-server", source: "event", name: "listening",
 *     local: { address: "127.0.0.1", port: 8080 } },
 * ]);
 * assert(svg.includes('class="mark good"'));
 * ```
 *
 * @param events The recorded events, or a model from {@linkcode sequenceModel}.
 * @param options Focus, row limit, preview length, title.
 * @returns The SVG document.
 */
export function renderSequenceDiagram(
  events: readonly TraceEvent[] | SequenceModel,
  options: SequenceOptions = {},
): string {
  const model = modelOf(events, options);
  const at = layout(model);
  const parts = laneParts(model, at);
  if (model.steps.length === 0) {
    parts.push(
      `<text x="${GUTTER}" y="${HEADER + 14}">${
        model.events === 0 ? "no events recorded yet" : "no arrows or marks to draw"
      }</text>`,
    );
  }
  parts.push(...stepParts(model, at));
  return svgDocument({
    width: at.width,
    height: at.height,
    title: options.title ?? "Sequence diagram",
    className: "sl-seq",
    style: STYLE,
    body: parts.join(""),
  });
}

/**
 * Writes a sequence diagram as plain text, one line per arrow or mark,
 * for `text/plain` output.
 *
 * @example Usage
 * ```ts
 * import { renderSequenceText } from "socketlab/render";
 * import { assertStringIncludes } from "@std/assert";
 * const text = renderSequenceText([
 *   { seq: 1, time: 0, label: "server", kind: "tcp-server", source: "event", name: "listening",
 *     local: { address: "127.0.0.1", port: 8080 } },
 * ]);
 * assertStringIncludes(text, "server: listening :8080");
 * ```
 *
 * @param events The recorded events, or a model from {@linkcode sequenceModel}.
 * @param options Row limit, preview length, endpoints.
 * @returns The text.
 */
export function renderSequenceText(
  events: readonly TraceEvent[] | SequenceModel,
  options: SequenceOptions = {},
): string {
  const model = modelOf(events, options);
  if (model.steps.length === 0) {
    return model.events === 0 ? "(no events recorded yet)" : "(no arrows or marks to draw)";
  }
  const lines: string[] = [];
  model.steps.forEach((step, i) => {
    if (model.elided && i === model.elided.at) {
      lines.push(`  ⋯ ${model.elided.steps} more rows not shown ⋯`);
    }
    const time = formatMs(step.startTime).padStart(9);
    lines.push(
      step.type === "arrow"
        ? `${time}  ${step.from} → ${step.to}: ${step.label}`
        : `${time}  ${step.lane}: ${step.label}`,
    );
  });
  return lines.join("\n");
}
