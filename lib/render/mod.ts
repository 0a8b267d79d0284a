/**
 * socketlab's pure renderers: plain data in, SVG, HTML or text out. They
 * know nothing of sockets or Jupyter: a lab's views are built from them,
 * and they draw any trace you build yourself. Drawings bring their own
 * background, so they read on dark pages and inside an `<img>`
 * ({@linkcode renderSvgImageHtml}, the form every notebook viewer shows);
 * tables align text left and numbers right; every view can be focused
 * ({@linkcode FocusOptions}).
 *
 * ```ts
 * import { renderBarChart } from "socketlab/render";
 *
 * const svg = renderBarChart({
 *   title: "Round trips per second",
 *   unit: "/s",
 *   bars: [{ label: "node:net", value: 39_340 }, { label: "Deno.connect", value: 44_196 }],
 * });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 *
 * @module
 */

export {
  type ArrowKind,
  type ElidedSteps,
  type LaneKind,
  type MarkTone,
  type SequenceArrow,
  type SequenceLane,
  type SequenceMark,
  type SequenceModel,
  sequenceModel,
  type SequenceOptions,
  type SequenceStep,
} from "./sequence_model.ts";
export { renderSequenceDiagram, renderSequenceText } from "./sequence_diagram.ts";
export {
  type BackpressureChartOptions,
  type BackpressureSeries,
  backpressureSeries,
  renderBackpressureChart,
} from "./backpressure_chart.ts";
export { type Bar, type BarChart, renderBarChart } from "./bar_chart.ts";
export { renderTraceHtml, renderTraceText, type TraceTableOptions } from "./trace_table.ts";
export { renderSocketTableHtml, renderSocketTableText } from "./socket_table.ts";
export { renderDatagramHtml, renderDatagramText } from "./datagram_table.ts";
export { type EndpointSummary, renderSummaryHtml, renderSummaryText } from "./summary.ts";
export { describeCounters, describeEvent, formatBytes } from "./event_text.ts";
export {
  checkLabels,
  checkWindow,
  describeWindow,
  focusEvents,
  type FocusOptions,
  hasLabel,
  inWindow,
  narrowWindow,
  type TimeWindow,
} from "./focus.ts";
export { isSvgDocument, renderSvgImageHtml, svgSize } from "./svg_image.ts";
