/**
 * Mutation testing for one module: makes one-line mutants of its code, runs
 * the given tests against each one in a copy of the repository, and reports
 * how many the tests caught.
 *
 * ```sh
 * deno run -A tests/tools/mutants.ts --module lib/guard.ts --tests tests/guard_test.ts \
 *   [--sample 30] [--seed 1] [--lines 120-260] [--timeout 90] [--list]
 * ```
 *
 * Mutations (one per mutant): comparison flips (`<`↔`<=`, `>`↔`>=`,
 * `===`↔`!==`, `==`↔`!=`), `&&`↔`||`, dropping one operand of `&&`/`||`,
 * negating an `if`/`while`/ternary condition, integer literal ±1,
 * `true`↔`false`, removing a unary `!`, and `return x` → `return undefined`.
 * Comments, strings, template text and regular expressions are never mutated.
 *
 * A mutant that does not type-check is "invalid" and not counted; one whose
 * tests fail (or time out) is "caught". The real tree is never written to:
 * everything happens in a temporary copy, removed at the end. Each command
 * runs in its own process group, which is killed when it times out and swept
 * when it ends, so nothing is left running. The exit code is 0 whatever the
 * score (it is a measurement); 2 for bad arguments, 1 when the tests fail
 * before any mutation.
 *
 * @module
 */

/** What the command line asked for. */
interface Options {
  module: string;
  tests: string[];
  sample: number;
  seed: number;
  lines: [number, number] | undefined;
  timeoutMs: number;
  list: boolean;
}

/** One change to one line: replace `[start, end)` of the line with `text`. */
interface Edit {
  start: number;
  end: number;
  text: string;
  operator: string;
}

/** One mutant: a line of the module and what it becomes. */
interface Mutant {
  line: number;
  column: number;
  operator: string;
  original: string;
  mutated: string;
}

type Verdict = "caught" | "survived" | "invalid" | "timeout";

/** Stands for a character that is not code (comment, string, regex) in a masked source. */
const MASK = "\u00a7";
const USAGE = "usage: deno run -A tests/tools/mutants.ts --module FILE --tests FILE[,FILE...] " +
  "[--sample N] [--seed N] [--lines FROM-TO] [--timeout SECONDS] [--list]";

// ---------------------------------------------------------------------------
// Command line

function parseOptions(args: string[]): Options {
  const options: Options = {
    module: "",
    tests: [],
    sample: 30,
    seed: 1,
    lines: undefined,
    timeoutMs: 90_000,
    list: false,
  };
  for (let k = 0; k < args.length; k++) {
    const flag = args[k];
    if (flag === "--list") {
      options.list = true;
      continue;
    }
    const value = args[++k];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--module") options.module = value;
    else if (flag === "--tests") options.tests.push(...value.split(",").filter((t) => t !== ""));
    else if (flag === "--sample") options.sample = integerAtLeast(flag, value);
    else if (flag === "--seed") options.seed = integerAtLeast(flag, value, 0);
    else if (flag === "--timeout") options.timeoutMs = integerAtLeast(flag, value) * 1000;
    else if (flag === "--lines") options.lines = lineRange(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (options.module === "") throw new Error("--module is required");
  if (options.tests.length === 0 && !options.list) throw new Error("--tests is required");
  return options;
}

function integerAtLeast(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}`);
  return n;
}

function lineRange(value: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(value);
  if (!match || Number(match[1]) > Number(match[2])) {
    throw new Error(`--lines must look like 120-260, got ${value}`);
  }
  return [Number(match[1]), Number(match[2])];
}

// ---------------------------------------------------------------------------
// Masking: which characters are code

/**
 * The source with every character that is not code (comments, string and
 * template text, regular expressions, quotes) replaced by {@linkcode MASK}.
 * Line breaks are kept, so masked lines line up with the source's.
 */
function maskNonCode(source: string): string {
  const masker = new Masker(source);
  masker.code(0, false);
  return masker.out.join("").slice(0, source.length);
}

/** Walks a source, copying its code characters and masking the others. */
class Masker {
  readonly out: string[] = [];
  constructor(readonly source: string) {}

  /** Masks `[from, to)` and returns `to`. */
  hide(from: number, to: number): number {
    for (let k = from; k < to; k++) this.out.push(this.source[k] === "\n" ? "\n" : MASK);
    return to;
  }

  /** Copies code from `from` to the end, or to the `}` that closes a `${` when `inTemplate`. */
  code(from: number, inTemplate: boolean): number {
    let depth = 0;
    let i = from;
    while (i < this.source.length) {
      const end = this.nonCodeEnd(i);
      if (end !== undefined) {
        i = end;
        continue;
      }
      const c = this.source[i];
      if (c === "{") depth++;
      if (c === "}") {
        if (depth === 0 && inTemplate) return i;
        depth--;
      }
      this.out.push(c);
      i++;
    }
    return i;
  }

  /** When a comment, string, template or regex starts at `i`: masks it and returns its end. */
  nonCodeEnd(i: number): number | undefined {
    const s = this.source;
    if (s.startsWith("//", i)) return this.hide(i, lineEnd(s, i));
    if (s.startsWith("/*", i)) return this.hide(i, blockCommentEnd(s, i));
    if (s[i] === '"' || s[i] === "'") return this.hide(i, quotedEnd(s, i));
    if (s[i] === "`") return this.template(i);
    if (s[i] === "/" && regexCanStart(this.out)) return this.hide(i, regexEnd(s, i));
    return undefined;
  }

  /** Masks a template literal but the code of its `${...}`; returns its end. */
  template(from: number): number {
    const s = this.source;
    let i = this.hide(from, from + 1);
    while (i < s.length) {
      if (s[i] === "\\") i = this.hide(i, i + 2);
      else if (s[i] === "`") return this.hide(i, i + 1);
      else if (s.startsWith("${", i)) {
        this.hide(i, i + 1);
        this.out.push("{");
        i = this.code(i + 2, true);
        if (i < s.length) this.out.push("}");
        i++;
      } else i = this.hide(i, i + 1);
    }
    return i;
  }
}

function lineEnd(source: string, from: number): number {
  const end = source.indexOf("\n", from);
  return end === -1 ? source.length : end;
}

function blockCommentEnd(source: string, from: number): number {
  const end = source.indexOf("*/", from + 2);
  return end === -1 ? source.length : end + 2;
}

function quotedEnd(source: string, from: number): number {
  const quote = source[from];
  let i = from + 1;
  while (i < source.length && source[i] !== quote && source[i] !== "\n") {
    i += source[i] === "\\" ? 2 : 1;
  }
  return Math.min(i + 1, source.length);
}

/** Whether a `/` after the code in `out` starts a regular expression (not a division). */
function regexCanStart(out: string[]): boolean {
  const before = out.slice(-12).join("").replace(/\s+$/, "");
  if (before === "") return true;
  if (
    /(^|[^\w$])(return|typeof|case|in|of|delete|void|throw|new|else|do|yield|await)$/.test(before)
  ) {
    return true;
  }
  return "(,=:[!&|?{};+-*%<>~^".includes(before[before.length - 1]);
}

function regexEnd(source: string, from: number): number {
  let i = from + 1;
  let inClass = false;
  while (i < source.length && source[i] !== "\n") {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    else if (c === "/" && !inClass) break;
    i++;
  }
  i++;
  while (i < source.length && /[a-z]/.test(source[i])) i++;
  return i;
}

// ---------------------------------------------------------------------------
// Mutation operators. Each reads the masked line (code) and edits the source line.

/** A line of the module as the operators see it. */
interface Line {
  source: string;
  code: string;
  /** The masked previous and next lines that hold code ("" when none). */
  previousCode: string;
  nextCode: string;
}

const OPERATORS: readonly ((line: Line) => Edit[])[] = [
  comparisonFlips,
  logicalSwaps,
  operandDrops,
  conditionNegations,
  integerShifts,
  booleanFlips,
  bangRemovals,
  returnUndefined,
];

const FLIPS: Record<string, string> = {
  "<": "<=",
  "<=": "<",
  ">": ">=",
  ">=": ">",
  "===": "!==",
  "!==": "===",
  "==": "!=",
  "!=": "==",
};

function comparisonFlips(line: Line): Edit[] {
  return [...line.code.matchAll(/(?<=\s)(===|!==|==|!=|<=|>=|<|>)(?=\s)/g)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    text: FLIPS[m[0]],
    operator: "comparison",
  }));
}

const LOGICAL = /(?<=\s)(&&|\|\|)(?=\s|$)/g;

function logicalSwaps(line: Line): Edit[] {
  return [...line.code.matchAll(LOGICAL)].map((m) => ({
    start: m.index,
    end: m.index + 2,
    text: m[0] === "&&" ? "||" : "&&",
    operator: "logical",
  }));
}

function operandDrops(line: Line): Edit[] {
  const edits: Edit[] = [];
  for (const m of line.code.matchAll(LOGICAL)) {
    const op = m[0];
    const stops = op === "&&" ? ["&&", "||", "??"] : ["||", "??"];
    const start = operandStart(line, m.index, stops);
    const end = operandEnd(line, m.index + 2, stops);
    if (start === undefined || end === undefined) continue;
    const left = line.source.slice(start, m.index).trim();
    const right = line.source.slice(m.index + 2, end).trim();
    if (left === "" || right === "") continue;
    const from = start + line.source.slice(start, m.index).search(/\S/);
    const to = from + line.source.slice(from, end).trimEnd().length;
    edits.push({ start: from, end: to, text: left, operator: `drop ${op} right` });
    edits.push({ start: from, end: to, text: right, operator: `drop ${op} left` });
  }
  return edits;
}

function conditionNegations(line: Line): Edit[] {
  const edits: Edit[] = [];
  for (const m of line.code.matchAll(/(?<![\w$])(if|while)\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const close = matchingClose(line.code, open);
    if (close === undefined) continue;
    const condition = line.source.slice(open + 1, close);
    edits.push({ start: open + 1, end: close, text: `!(${condition})`, operator: "negate" });
  }
  for (const m of line.code.matchAll(/(?<=\s)\?(?=\s)/g)) {
    const start = operandStart(line, m.index, []);
    if (start === undefined) continue;
    const from = start + line.source.slice(start, m.index).search(/\S/);
    const condition = line.source.slice(from, m.index).trimEnd();
    if (condition === "" || from < start) continue;
    edits.push({
      start: from,
      end: from + condition.length,
      text: `!(${condition})`,
      operator: "negate",
    });
  }
  return edits;
}

function integerShifts(line: Line): Edit[] {
  const edits: Edit[] = [];
  const pattern = /(?<![\w$.\u00a7])(0[xX][0-9a-fA-F_]+|\d[\d_]*)(?![\w$.\u00a7])/g;
  for (const m of line.code.matchAll(pattern)) {
    const hex = /^0x/i.test(m[0]);
    const value = Number(m[0].replaceAll("_", ""));
    for (const shifted of [value + 1, value - 1]) {
      const text = hex
        ? `${shifted < 0 ? "-" : ""}0x${Math.abs(shifted).toString(16)}`
        : String(shifted);
      edits.push({ start: m.index, end: m.index + m[0].length, text, operator: "integer" });
    }
  }
  return edits;
}

function booleanFlips(line: Line): Edit[] {
  return [...line.code.matchAll(/(?<![\w$.])(true|false)(?![\w$])/g)].map((m) => ({
    start: m.index,
    end: m.index + m[0].length,
    text: m[0] === "true" ? "false" : "true",
    operator: "boolean",
  }));
}

function bangRemovals(line: Line): Edit[] {
  return [...line.code.matchAll(/(?<![\w$)\]!])!(?!=)/g)].map((m) => ({
    start: m.index,
    end: m.index + 1,
    text: "",
    operator: "remove !",
  }));
}

function returnUndefined(line: Line): Edit[] {
  const m = /(?<![\w$])return\s+(?!undefined\s*;)(\S.*?)\s*;\s*$/d.exec(line.code);
  if (!m?.indices?.[1]) return [];
  const [start, end] = m.indices[1];
  return [{ start, end, text: "undefined", operator: "return undefined" }];
}

// ---------------------------------------------------------------------------
// Operand scanning for `&&`/`||` and ternary conditions

const KEYWORDS_BEFORE_EXPRESSION = new Set(["return", "case", "throw", "else", "yield", "do"]);

/** Length of the stop token that ends at `i` scanning left, or 0. */
function stopEndingAt(code: string, i: number, stops: readonly string[]): number {
  const c = code[i];
  for (const s of stops) if (code.slice(i - s.length + 1, i + 1) === s) return s.length;
  if (c === "," || c === ";" || c === ":") return 1;
  if (c === "?" && !"?.".includes(code[i + 1]) && code[i - 1] !== "?") return 1;
  if (c === ">" && code[i - 1] === "=") return 2;
  if (c === "=" && !"=!<>".includes(code[i - 1]) && !"=>".includes(code[i + 1])) return 1;
  if (/[\w$]/.test(c) && !/[\w$]/.test(code[i - 1] ?? "")) {
    const word = /^[\w$]+/.exec(code.slice(i))![0];
    if (KEYWORDS_BEFORE_EXPRESSION.has(word)) return -word.length; // the operand starts after it
  }
  return 0;
}

/** Where the operand that ends at `from` begins, or `undefined` when it is not on this line. */
function operandStart(line: Line, from: number, stops: readonly string[]): number | undefined {
  const code = line.code;
  let depth = 0;
  for (let i = from - 1; i >= 0; i--) {
    const c = code[i];
    if (")]}".includes(c)) depth++;
    else if ("([{".includes(c)) {
      if (depth === 0) return i + 1;
      depth--;
    } else if (depth === 0) {
      const stop = stopEndingAt(code, i, stops);
      if (stop > 0) return i + 1;
      if (stop < 0) return i - stop;
    }
  }
  if (depth !== 0) return undefined;
  return startsExpression(line.previousCode, stops) ? 0 : undefined;
}

/** Whether a line ending as `previous` does leaves the next line's start an operand start. */
function startsExpression(previous: string, stops: readonly string[]): boolean {
  const end = previous.trimEnd();
  if (end === "" || /[([{,;}?:]$|[^=!<>]=$|=>$/.test(end)) return true;
  return stops.some((s) => end.endsWith(s));
}

/** Where the operand that starts at `from` ends, or `undefined` when it is not on this line. */
function operandEnd(line: Line, from: number, stops: readonly string[]): number | undefined {
  const code = line.code;
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      if (depth === 0) return i;
      depth--;
    } else if (depth === 0) {
      if (stops.some((s) => code.startsWith(s, i))) return i;
      if (c === "," || c === ";" || c === ":") return i;
      if (c === "?" && !"?.".includes(code[i + 1])) return i;
    }
  }
  if (depth !== 0) return undefined;
  return /^\s*[)\]}?:]/.test(line.nextCode) ? code.length : undefined;
}

function matchingClose(code: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if ("([{".includes(code[i])) depth++;
    else if (")]}".includes(code[i]) && --depth === 0) return i;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Mutants of a module

function mutantsOf(source: string, range: [number, number] | undefined): Mutant[] {
  const sourceLines = source.split("\n");
  const codeLines = maskNonCode(source).split("\n");
  const hasCode = (code: string) => code.replaceAll(MASK, "").trim() !== "";
  const mutants: Mutant[] = [];
  for (let n = 0; n < sourceLines.length; n++) {
    if (range && (n + 1 < range[0] || n + 1 > range[1])) continue;
    if (!hasCode(codeLines[n]) || /^\s*(import|export \{|export \*)\b/.test(codeLines[n])) continue;
    const line: Line = {
      source: sourceLines[n],
      code: codeLines[n],
      previousCode: codeLines.slice(0, n).findLast(hasCode) ?? "",
      nextCode: codeLines.slice(n + 1).find(hasCode) ?? "",
    };
    mutants.push(...lineMutants(line, n + 1));
  }
  return mutants;
}

function lineMutants(line: Line, lineNumber: number): Mutant[] {
  const seen = new Set<string>();
  const mutants: Mutant[] = [];
  const edits = OPERATORS.flatMap((operator) => operator(line));
  edits.sort((a, b) => a.start - b.start); // stable: operator order within a column
  for (const edit of edits) {
    const mutated = line.source.slice(0, edit.start) + edit.text + line.source.slice(edit.end);
    if (mutated === line.source || seen.has(mutated)) continue;
    seen.add(mutated);
    mutants.push({
      line: lineNumber,
      column: edit.start + 1,
      operator: edit.operator,
      original: line.source,
      mutated,
    });
  }
  return mutants;
}

/** `size` items spread evenly over `items`, offset by the seed; all of them when fewer. */
function sampleEvenly<T>(items: readonly T[], size: number, seed: number): T[] {
  if (items.length <= size) return [...items];
  const offset = mulberry32(seed)();
  return Array.from(
    { length: size },
    (_, k) => items[Math.floor((k + offset) * items.length / size)],
  );
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// The copy of the repository

const SKIPPED = new Set([".git", "node_modules", "notebooks", "tests/output"]);

async function copyTree(from: string, to: string, relative = ""): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (SKIPPED.has(rel)) continue;
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    const info = await Deno.stat(source);
    if (info.isDirectory) await copyTree(source, target, rel);
    else if (info.isFile) await Deno.copyFile(source, target);
  }
}

// ---------------------------------------------------------------------------
// Running commands, each in its own process group

interface RunResult {
  success: boolean;
  timedOut: boolean;
  output: string;
}

let running: Deno.ChildProcess | undefined;
const hasSetsid = Deno.build.os === "linux" && canRun("setsid");

function canRun(program: string): boolean {
  try {
    return new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Runs `deno ARGS` in `cwd`; on timeout kills its whole process group. */
async function runDeno(args: string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  const deno = Deno.execPath();
  const child = new Deno.Command(hasSetsid ? "setsid" : deno, {
    args: hasSetsid ? [deno, ...args] : args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  running = child;
  const stdout = new Response(child.stdout).text();
  const stderr = new Response(child.stderr).text();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, timeoutMs);
  const status = await child.status;
  clearTimeout(timer);
  killGroup(child); // whatever the run left behind in its group
  running = undefined;
  const output = (await stdout) + (await stderr);
  return { success: status.success && !timedOut, timedOut, output };
}

function killGroup(child: Deno.ChildProcess): void {
  try {
    if (hasSetsid) Deno.kill(-child.pid, "SIGKILL");
    else child.kill("SIGKILL");
  } catch {
    // Already gone.
  }
}

// ---------------------------------------------------------------------------
// Measuring

/** Paths and timeouts of one measurement in the copy. */
interface Workspace {
  dir: string;
  module: string;
  original: string;
  tests: string[];
  timeoutMs: number;
}

function typeCheck(ws: Workspace): Promise<RunResult> {
  return runDeno(["check", "--config", `${ws.dir}/deno.json`, ws.module], ws.dir, ws.timeoutMs);
}

function runTests(ws: Workspace): Promise<RunResult> {
  const args = ["test", "--no-check", "-A", "--config", `${ws.dir}/deno.json`, ...ws.tests];
  return runDeno(args, ws.dir, ws.timeoutMs);
}

async function judge(ws: Workspace, mutant: Mutant): Promise<Verdict> {
  const lines = ws.original.split("\n");
  lines[mutant.line - 1] = mutant.mutated;
  await Deno.writeTextFile(`${ws.dir}/${ws.module}`, lines.join("\n"));
  try {
    if (!(await typeCheck(ws)).success) return "invalid";
    const result = await runTests(ws);
    if (result.timedOut) return "timeout";
    return result.success ? "survived" : "caught";
  } finally {
    await Deno.writeTextFile(`${ws.dir}/${ws.module}`, ws.original);
  }
}

function describe(module: string, mutant: Mutant): string {
  return `${module}:${mutant.line}  ${mutant.original.trim()}  →  ${mutant.mutated.trim()}`;
}

async function measure(options: Options, ws: Workspace, sample: Mutant[]): Promise<void> {
  const baseline = (await typeCheck(ws)).success ? await runTests(ws) : undefined;
  if (!baseline?.success) {
    const why = baseline
      ? `the tests fail:\n${baseline.output}`
      : `${ws.module} does not type-check`;
    console.error(`before any mutation ${why}\nnothing measured`);
    Deno.exitCode = 1;
    return;
  }
  const counts: Record<Verdict, number> = { caught: 0, survived: 0, invalid: 0, timeout: 0 };
  const survivors: Mutant[] = [];
  const width = String(sample.length).length;
  for (const [k, mutant] of sample.entries()) {
    const started = performance.now();
    const verdict = await judge(ws, mutant);
    counts[verdict]++;
    if (verdict === "survived") survivors.push(mutant);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const position = `[${String(k + 1).padStart(width)}/${sample.length}]`;
    console.log(`${position} ${verdict.padEnd(8)} ${seconds.padStart(5)} s  ${mutant.operator}`);
    console.log(`    ${describe(options.module, mutant)}`);
  }
  report(options, counts, survivors);
}

function report(options: Options, counts: Record<Verdict, number>, survivors: Mutant[]): void {
  const caught = counts.caught + counts.timeout;
  const total = caught + counts.survived;
  const percent = total === 0 ? 0 : Math.round((caught / total) * 100);
  console.log("");
  console.log(`caught ${caught} / ${total} (${percent}%)`);
  console.log(
    `  ${counts.invalid} invalid (did not type-check), ${counts.timeout} timed out (caught)`,
  );
  if (survivors.length === 0) return;
  console.log("survivors:");
  for (const mutant of survivors) console.log(`  ${describe(options.module, mutant)}`);
}

async function main(args: string[]): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(args);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exitCode = 2;
    return;
  }
  const root = Deno.cwd();
  let original: string;
  try {
    original = await Deno.readTextFile(`${root}/${options.module}`);
  } catch (error) {
    console.error(`cannot read ${options.module}: ${(error as Error).message}\n${USAGE}`);
    Deno.exitCode = 2;
    return;
  }
  const all = mutantsOf(original, options.lines);
  const sample = sampleEvenly(all, options.sample, options.seed);
  console.log(
    `${options.module}: ${all.length} mutants; testing ${sample.length} ` +
      `(seed ${options.seed}) against ${options.tests.join(", ")}`,
  );
  if (options.list) {
    for (const mutant of sample) {
      console.log(`${mutant.operator.padEnd(18)} ${describe(options.module, mutant)}`);
    }
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "mutants-" });
  const cleanUp = () => {
    if (running) killGroup(running);
    Deno.removeSync(dir, { recursive: true });
  };
  const onInterrupt = () => {
    cleanUp();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    await copyTree(root, dir);
    const ws = {
      dir,
      module: options.module,
      original,
      tests: options.tests,
      timeoutMs: options.timeoutMs,
    };
    await measure(options, ws, sample);
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    cleanUp();
  }
}

if (import.meta.main) await main(Deno.args);
