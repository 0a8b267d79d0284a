import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import type { Address, TraceEvent } from "../lib/record/event.ts";
import { EventDraft } from "../lib/record/_event_draft.ts";
import { DEFAULT_MAX_EVENTS, EventLog } from "../lib/record/_event_log.ts";
import { preview } from "../lib/record/_preview.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const addr = (port: number, address = "127.0.0.1"): Address => ({ address, port, family: "IPv4" });

/** An event with the given fields; `time` follows from `seq` unless given. */
function event(seq: number, fields: Partial<TraceEvent> = {}): TraceEvent {
  return {
    seq,
    time: seq * 0.25,
    label: "client",
    kind: "tcp-socket",
    source: "event",
    name: "data",
    ...fields,
  };
}

/** Asserts the event has exactly the expected fields: none missing, none extra. */
function assertEvent(actual: TraceEvent | undefined, expected: TraceEvent, message = ""): void {
  assert(actual !== undefined, `event ${expected.seq} is kept ${message}`);
  assertEquals(Object.keys(actual).sort(), Object.keys(expected).sort(), `fields ${message}`);
  assertEquals(actual, expected, message);
}

/** The log's record of one draft appended as seq 1. */
function recorded(draft: EventDraft): TraceEvent {
  const log = new EventLog();
  log.append(draft, 1, 0);
  return log.get(1)!;
}

/** A draft for a `write` call with the given payload. */
function writeOf(payload: unknown): EventDraft {
  const draft = new EventDraft({ label: "client", kind: "tcp-socket" }).begin("call", "write");
  draft.payload = payload;
  return draft;
}

Deno.test("EventLog: maxEvents defaults to 100,000 and must be a positive integer", () => {
  assertEquals(DEFAULT_MAX_EVENTS, 100_000, "the README's bound");
  assertEquals(new EventLog().maxEvents, DEFAULT_MAX_EVENTS);
  assertEquals(new EventLog({}).maxEvents, DEFAULT_MAX_EVENTS);
  assertEquals(new EventLog({ maxEvents: 1 }).maxEvents, 1);
  assertEquals(new EventLog({ maxEvents: 7 }).maxEvents, 7);
  for (const bad of [0, -1, 1.5, NaN, Infinity]) {
    assertThrows(
      () => new EventLog({ maxEvents: bad }),
      RangeError,
      `maxEvents must be a positive integer, got ${bad}`,
    );
  }
  // Not a number at all: a TypeError that quotes it (one validator for every option).
  assertThrows(
    () => new EventLog({ maxEvents: "10" as unknown as number }),
    TypeError,
    'maxEvents must be a positive integer, got "10"',
  );
  const log = new EventLog();
  assertEquals(
    [log.toArray().length, log.dropped, log.toArray()],
    [0, 0, []],
    "a new log is empty",
  );
});

Deno.test("EventLog: every field of a pushed event comes back, as new objects", () => {
  const full: TraceEvent = {
    seq: 1,
    time: 12.625,
    label: "server#1",
    kind: "tcp-socket",
    source: "call",
    name: "write",
    bytes: 5,
    preview: "hello",
    returned: false,
    hadError: true,
    code: "EPIPE",
    message: "broken pipe",
    hint: "the peer closed",
    local: addr(8080),
    remote: addr(50000),
    counters: { bytesRead: 3, bytesWritten: 5, writableLength: 2 },
    args: '"hello"',
    parent: "server",
  };
  const bare = event(2, { label: "udp", kind: "udp-socket", name: "close" });
  const log = new EventLog();
  log.push(full);
  log.push(bare);
  assertEvent(log.get(1), full);
  assertEvent(log.get(2), bare);
  assertEquals(log.toArray(), [full, bare]);
  assert(log.get(1) !== log.get(1), "each read builds a new object");
  assertEquals([log.toArray().length, log.dropped], [2, 0]);
});

Deno.test("EventLog: a full log drops the oldest and counts them", () => {
  const log = new EventLog({ maxEvents: 3 });
  for (let seq = 1; seq <= 10; seq++) {
    log.push(event(seq, { name: `e${seq}` }));
    assertEquals(log.toArray().length, Math.min(seq, 3), `size after ${seq}`);
    assertEquals(log.dropped, Math.max(0, seq - 3), `dropped after ${seq}`);
    // Oldest first, whatever slot the ring has reached.
    const kept = Array.from({ length: Math.min(seq, 3) }, (_, k) => seq - Math.min(seq, 3) + 1 + k);
    assertEquals(log.toArray().map((e) => e.seq), kept, `kept after ${seq}`);
    for (const s of kept) assertEvent(log.get(s), event(s, { name: `e${s}` }), `after ${seq}`);
  }
  for (const seq of [1, 6, 7]) assertEquals(log.get(seq), undefined, `seq ${seq} was dropped`);

  const one = new EventLog({ maxEvents: 1 });
  for (let seq = 1; seq <= 4; seq++) one.push(event(seq));
  assertEquals([one.toArray().length, one.dropped, one.toArray()], [1, 3, [event(4)]]);
  assertEquals(one.get(3), undefined);
});

Deno.test("EventLog: a reused slot keeps nothing of the record it held", () => {
  const rich: Partial<TraceEvent> = {
    source: "call",
    name: "send",
    bytes: 3,
    preview: "abc",
    args: '"abc", 4000',
    code: "EMSGSIZE",
    message: "too big",
    hint: "at most 65507 bytes",
    returned: "queued",
    hadError: true,
    local: addr(4000),
    remote: addr(4001),
    parent: "server",
    counters: { bytesRead: 1, bytesWritten: 2, writableLength: 3 },
  };
  const log = new EventLog({ maxEvents: 2 });
  log.push(event(1, rich));
  log.push(event(2, rich));
  // Plain events in both slots: nothing of the rich ones may show.
  log.push(event(3));
  assertEvent(log.get(3), event(3));
  // A record with only a code in the slot that had args, hint and a preview.
  log.push(event(4, { name: "error", code: "ECONNRESET" }));
  assertEvent(log.get(4), event(4, { name: "error", code: "ECONNRESET" }));
  log.push(event(5, rich)); // slot 0: a string preview and every extra
  const write = (seq: number, preview?: string): TraceEvent =>
    event(seq, {
      time: seq,
      source: "call",
      name: "write",
      ...(preview === undefined ? {} : { preview }),
    });
  log.append(writeOf(bytes("xy")), 6, 6); // slot 1, after a record with a code only
  assertEvent(log.get(6), write(6, "xy"));
  log.append(writeOf(bytes("zz")), 7, 7); // slot 0, after the string preview
  assertEvent(log.get(7), write(7, "zz"));
  log.append(writeOf("text"), 8, 8); // slot 1, after a byte preview
  assertEvent(log.get(8), write(8, "text"));
  log.append(writeOf(undefined), 9, 9); // slot 0, after a byte preview
  assertEvent(log.get(9), write(9));
  log.append(writeOf(undefined), 10, 10); // slot 1, after a string preview
  assertEvent(log.get(10), write(10));
  assertEquals(log.dropped, 8);
});

Deno.test("EventLog: amend completes a kept record, and only a kept one", () => {
  const log = new EventLog({ maxEvents: 2 });
  const draft = new EventDraft({ label: "client", kind: "tcp-socket" });
  log.append(draft.begin("call", "write"), 1, 1);
  log.append(draft.begin("call", "end"), 2, 2);
  draft.clearResult();
  draft.returned = false;
  draft.bytesWritten = 10;
  draft.writableLength = 4;
  draft.code = "EPIPE";
  assert(log.amend(1, draft), "record 1 is kept");
  assertEvent(
    log.get(1),
    event(1, {
      time: 1,
      source: "call",
      name: "write",
      returned: false,
      code: "EPIPE",
      counters: { bytesWritten: 10, writableLength: 4 },
    }),
  );
  assertEvent(log.get(2), event(2, { time: 2, source: "call", name: "end" }), "untouched");

  log.append(draft.begin("event", "close"), 3, 3); // drops record 1
  const before = log.toArray();
  draft.clearResult();
  draft.returned = true;
  draft.local = addr(1);
  assertFalse(log.amend(1, draft), "record 1 was dropped");
  assertFalse(log.amend(99, draft), "record 99 never was");
  assertEquals(log.toArray(), before, "a refused amend changes nothing");
  assertFalse(new EventLog().amend(1, draft), "an empty log keeps nothing");
});

Deno.test("EventLog: amend adds the address a record lacked and keeps the other", () => {
  const log = new EventLog();
  const draft = new EventDraft({ label: "udp", kind: "udp-socket", parent: "p" });
  draft.begin("call", "send").remote = addr(9000);
  log.append(draft, 1, 0);
  log.append(draft, 2, 0); // same context as record 1
  draft.begin("call", "bind").local = addr(9001);
  log.append(draft, 3, 0);

  const amend = new EventDraft({ label: "udp", kind: "udp-socket", parent: "p" }).begin(
    "call",
    "x",
  );
  amend.local = addr(5555);
  assert(log.amend(1, amend));
  const one = log.get(1)!;
  assertEquals([one.local, one.remote, one.parent], [addr(5555), addr(9000), "p"], "local added");
  assertEquals([one.label, one.kind, one.name], ["udp", "udp-socket", "send"], "context kept");
  assertEquals(log.get(2)!.local, undefined, "the record sharing the old context is unchanged");

  amend.begin("call", "x").remote = addr(7777);
  assert(log.amend(3, amend));
  assertEquals([log.get(3)!.local, log.get(3)!.remote], [addr(9001), addr(7777)], "remote added");

  // Both at once, and a new address replaces the one the record had.
  amend.local = addr(1);
  amend.remote = addr(2);
  assert(log.amend(2, amend));
  assertEquals([log.get(2)!.local, log.get(2)!.remote], [addr(1), addr(2)]);
  // Neither: the addresses stay.
  assert(log.amend(2, amend.begin("call", "x")));
  assertEquals([log.get(2)!.local, log.get(2)!.remote], [addr(1), addr(2)]);
});

Deno.test("EventLog: seq and time stay right as the log grows past its first 4096 slots", () => {
  const log = new EventLog({ maxEvents: 100_000 });
  const draft = new EventDraft({ label: "bulk", kind: "tcp-socket" });
  const names = ["data", "write", "drain"];
  for (let k = 0; k < 10_000; k++) {
    draft.begin(k % 2 === 0 ? "event" : "call", names[k % 3]).bytes = k;
    log.append(draft, k + 1, k * 0.5);
  }
  assertEquals([log.toArray().length, log.dropped], [10_000, 0]);
  for (const seq of [1, 2, 4095, 4096, 4097, 5000, 8192, 8193, 9999, 10_000]) {
    const k = seq - 1;
    const e = log.get(seq)!;
    assertEquals(
      [e.seq, e.time, e.name, e.source, e.bytes],
      [seq, k * 0.5, names[k % 3], k % 2 === 0 ? "event" : "call", k],
      `seq ${seq}`,
    );
  }
  const all = log.toArray();
  assertEquals(all.length, 10_000);
  assert(all.every((e, k) => e.seq === k + 1 && e.time === k * 0.5), "in order");
  assertEquals(log.get(10_001), undefined);
  assertEquals(log.get(0), undefined);
});

Deno.test("EventLog: a log that grew and then wrapped keeps the newest maxEvents", () => {
  const log = new EventLog({ maxEvents: 5000 });
  const draft = new EventDraft({ label: "bulk", kind: "tcp-socket" });
  for (let seq = 1; seq <= 12_000; seq++) log.append(draft.begin("event", "data"), seq, seq * 2);
  assertEquals([log.toArray().length, log.dropped], [5000, 7000]);
  assertEquals(log.get(7000), undefined, "dropped");
  for (const seq of [7001, 9000, 10_001, 12_000]) {
    assertEquals([log.get(seq)?.seq, log.get(seq)?.time], [seq, seq * 2], `seq ${seq}`);
  }
  const all = log.toArray();
  assertEquals([all[0].seq, all.at(-1)!.seq, all.length], [7001, 12_000, 5000]);
});

Deno.test("EventLog: get() of a seq that is not kept is undefined", () => {
  const log = new EventLog();
  assertEquals(log.get(1), undefined, "empty log");
  for (let seq = 1; seq <= 5; seq++) log.push(event(seq));
  for (const seq of [0, -1, 6, 100, 2.5, NaN]) assertEquals(log.get(seq), undefined, `seq ${seq}`);
  assertEquals(log.get(5)?.seq, 5);
});

Deno.test("EventLog: pushed events with gaps in seq are all found", () => {
  const seqs = [2, 3, 7, 8, 20, 21, 40];
  const log = new EventLog();
  for (const seq of seqs) log.push(event(seq, { name: `n${seq}` }));
  for (const seq of seqs) assertEvent(log.get(seq), event(seq, { name: `n${seq}` }));
  for (const seq of [1, 4, 9, 19, 22, 39, 41]) assertEquals(log.get(seq), undefined, `seq ${seq}`);

  const ring = new EventLog({ maxEvents: 3 });
  for (const seq of seqs) ring.push(event(seq));
  assertEquals(ring.toArray().map((e) => e.seq), [20, 21, 40]);
  for (const seq of [20, 21, 40]) assertEquals(ring.get(seq)?.seq, seq, `seq ${seq}`);
  for (const seq of [2, 8]) assertEquals(ring.get(seq), undefined, `seq ${seq} was dropped`);
});

Deno.test("EventLog: bytes NaN means no bytes; 0 is a size", () => {
  const draft = new EventDraft({ label: "c", kind: "tcp-socket" }).begin("event", "end");
  assertEquals("bytes" in recorded(draft), false, "NaN: absent");
  draft.bytes = 0;
  assertEquals(recorded(draft).bytes, 0);
  draft.bytes = 65_536;
  assertEquals(recorded(draft).bytes, 65_536);
  assertEquals("bytes" in recorded(EventDraft.from(event(1))), false, "absent stays absent");
});

Deno.test("EventLog: previews of byte payloads, at most 40 bytes", () => {
  const text = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
  for (const length of [0, 1, 2, 7, 39, 40, 41, 46]) {
    const payload = bytes(text.slice(0, length));
    const expected = text.slice(0, Math.min(length, 40)) + (length > 40 ? "…" : "");
    const shown = recorded(writeOf(payload)).preview;
    assertEquals(shown, expected, `${length} bytes`);
    assertEquals(shown, preview(payload), `${length} bytes: same as preview()`);
  }
  assertEquals(recorded(writeOf(bytes("a\nb\x00"))).preview, "a↵b·", "line breaks and controls");
  // A character cut at the 40-byte limit shows as · per byte kept, then …
  assertEquals(recorded(writeOf(bytes("a".repeat(39) + "é"))).preview, "a".repeat(39) + "·…");
  assertEquals(recorded(writeOf(bytes("a".repeat(38) + "😀"))).preview, "a".repeat(38) + "··…");
  assertEquals(recorded(writeOf(bytes("a".repeat(36) + "😀"))).preview, "a".repeat(36) + "😀");
  assertEquals(recorded(writeOf(bytes("你好"))).preview, "你好");
  // A view into a larger buffer previews its own bytes.
  const view = bytes("xxhello worldxx").subarray(2, 13);
  assertEquals(recorded(writeOf(view)).preview, "hello world");
  // Previews of records in other slots do not mix.
  const log = new EventLog();
  log.append(writeOf(bytes("first")), 1, 0);
  log.append(writeOf(bytes("2nd")), 2, 0);
  assertEquals([log.get(1)!.preview, log.get(2)!.preview], ["first", "2nd"]);
});

Deno.test("EventLog: the previews of neighbouring slots stay apart as the ring turns", () => {
  const log = new EventLog({ maxEvents: 3 });
  const letters = "abcdefgh";
  const payloadOf = (seq: number) => {
    const letter = letters[seq % letters.length];
    return `${letter.toUpperCase()}${
      letter.repeat(seq % 2 === 0 ? 38 : 45)
    }${letter.toUpperCase()}`;
  };
  const expected = (seq: number) => {
    const text = payloadOf(seq);
    return text.length > 40 ? `${text.slice(0, 40)}…` : text;
  };
  for (let seq = 1; seq <= 8; seq++) {
    log.append(writeOf(bytes(payloadOf(seq))), seq, seq);
    for (const e of log.toArray()) {
      assertEquals(e.preview, expected(e.seq), `${e.seq} after ${seq}`);
    }
  }
});

Deno.test("EventLog: string and array payloads; a given preview wins", () => {
  assertEquals(recorded(writeOf("hello\nworld")).preview, "hello↵world");
  const long = "s".repeat(50);
  assertEquals(recorded(writeOf(long)).preview, "s".repeat(40) + "…");
  // An array of chunks (writev) previews its first chunk.
  assertEquals(recorded(writeOf([bytes("first"), bytes("second")])).preview, "first");
  assertEquals(recorded(writeOf(["one", "two"])).preview, "one");
  assertEquals(recorded(writeOf([bytes("x".repeat(41))])).preview, "x".repeat(40) + "…");
  for (const nothing of [[], 42, { length: 3 }, new Uint16Array(2), undefined]) {
    assertEquals("preview" in recorded(writeOf(nothing)), false, `${Deno.inspect(nothing)}`);
  }
  const draft = writeOf(bytes("payload"));
  draft.preview = "server#1";
  assertEquals(recorded(draft).preview, "server#1", "preview text wins over the payload");
  draft.preview = "";
  assertEquals(recorded(draft).preview, "", "even when empty");
  draft.payload = "string payload";
  draft.preview = "given";
  assertEquals(recorded(draft).preview, "given");
});

Deno.test("EventLog: returned values and hadError, alone and together", () => {
  const returns = [true, false, null, 0, 42, -1.5, "", "ok"] as const;
  for (const returned of [...returns, undefined]) {
    for (const hadError of [true, false, undefined]) {
      for (const payload of [undefined, bytes("pl")]) {
        const draft = writeOf(payload);
        draft.returned = returned;
        draft.hadError = hadError;
        draft.args = "a";
        const e = recorded(draft);
        const label = `returned ${returned}, hadError ${hadError}, payload ${
          payload !== undefined
        }`;
        assertEquals("returned" in e, returned !== undefined, label);
        assertEquals(e.returned, returned, label);
        assertEquals("hadError" in e, hadError !== undefined, label);
        assertEquals(e.hadError, hadError, label);
        assertEquals(e.preview, payload && "pl", label);
        assertEquals(e.args, "a", label);
        assertEquals("counters" in e, false, label);
      }
    }
  }
});

Deno.test("EventLog: code, message and hint, each on its own", () => {
  const only: Partial<TraceEvent>[] = [
    { code: "ECONNREFUSED" },
    { message: "connect ECONNREFUSED 127.0.0.1:1" },
    { hint: "nothing listens on port 1" },
    { code: "E1", message: "m", hint: "h" },
    { message: "" },
  ];
  const log = new EventLog();
  for (const [k, fields] of only.entries()) log.push(event(k + 1, { name: "error", ...fields }));
  for (const [k, fields] of only.entries()) {
    assertEvent(log.get(k + 1), event(k + 1, { name: "error", ...fields }), JSON.stringify(fields));
  }
  // From a thrown value, as the recorder sets them.
  const draft = new EventDraft({ label: "c", kind: "tcp-socket" }).begin("event", "error");
  assertEquals(recorded(draft.setError("plain string")).message, "plain string");
  assertEquals("code" in recorded(draft), false);
});

Deno.test("EventLog: counters, and a server's connections", () => {
  const cases: TraceEvent["counters"][] = [
    { bytesRead: 1, bytesWritten: 2, writableLength: 3 },
    { bytesRead: 0 },
    { bytesWritten: 5 },
    { writableLength: 0 },
    { bytesRead: 7, writableLength: 9 },
    { connections: 0 },
    { connections: 3 },
  ];
  const log = new EventLog();
  for (const [k, counters] of cases.entries()) log.push(event(k + 1, { counters, hadError: true }));
  log.push(event(cases.length + 1));
  for (const [k, counters] of cases.entries()) {
    assertEvent(
      log.get(k + 1),
      event(k + 1, { counters, hadError: true }),
      JSON.stringify(counters),
    );
  }
  assertEquals("counters" in log.get(cases.length + 1)!, false, "no counters");
  // An amend replaces the counters with the draft's.
  const draft = EventDraft.from(event(1));
  draft.connections = 4;
  log.amend(1, draft);
  assertEquals(log.get(1)!.counters, { connections: 4 });
  draft.clearResult().bytesRead = 8;
  log.amend(1, draft);
  assertEquals(log.get(1)!.counters, { bytesRead: 8 });
});

Deno.test("EventLog: endpoints and their addresses survive, each record with its own", () => {
  const client = new EventDraft({ label: "client", kind: "tcp-socket" });
  const accepted = new EventDraft({ label: "server#1", kind: "tcp-socket", parent: "server" });
  const server = new EventDraft({ label: "server", kind: "tcp-server" });
  const udp = new EventDraft({ label: "client", kind: "udp-socket" }); // same label, other kind
  const log = new EventLog();
  log.append(server.begin("event", "listening"), 1, 0);
  server.local = addr(8080);
  log.append(server, 2, 0);
  log.append(client.begin("call", "connect"), 3, 0);
  client.local = addr(50000);
  client.remote = addr(8080);
  log.append(client, 4, 0);
  accepted.begin("event", "data").local = addr(8080);
  accepted.remote = addr(50000);
  log.append(accepted, 5, 0);
  log.append(udp.begin("event", "message"), 6, 0);
  client.remote = addr(8081, "::1"); // a new address object on the same draft
  log.append(client, 7, 0);
  const got = log.toArray().map((e) => [e.label, e.kind, e.parent, e.local, e.remote]);
  assertEquals(got, [
    ["server", "tcp-server", undefined, undefined, undefined],
    ["server", "tcp-server", undefined, addr(8080), undefined],
    ["client", "tcp-socket", undefined, undefined, undefined],
    ["client", "tcp-socket", undefined, addr(50000), addr(8080)],
    ["server#1", "tcp-socket", "server", addr(8080), addr(50000)],
    ["client", "udp-socket", undefined, undefined, undefined],
    ["client", "tcp-socket", undefined, addr(50000), addr(8081, "::1")],
  ]);
  assertEquals(Object.keys(log.get(1)!).includes("parent"), false, "no parent key when none");

  // The same draft, appended to two logs that met its endpoint in different orders.
  const other = new EventLog();
  other.append(udp.begin("event", "close"), 1, 0);
  client.begin("event", "end");
  other.append(client, 2, 0);
  log.append(client, 8, 0);
  other.append(client, 3, 0);
  for (const e of [other.get(2)!, log.get(8)!, other.get(3)!]) {
    assertEquals([e.label, e.kind, e.local, e.remote], [
      "client",
      "tcp-socket",
      undefined,
      undefined,
    ]);
  }
  assertEquals(other.get(1)!.kind, "udp-socket");
});

Deno.test("EventLog: names and sources", () => {
  const log = new EventLog();
  const draft = new EventDraft({ label: "c", kind: "tcp-socket" });
  const names = ["connect", "data", "write", "end", "close", "setNoDelay", "data", "write"];
  for (const [k, name] of names.entries()) {
    log.append(draft.begin(k % 3 === 0 ? "call" : "event", name), k + 1, k);
  }
  assertEquals(
    log.toArray().map((e) => `${e.source}:${e.name}`),
    names.map((name, k) => `${k % 3 === 0 ? "call" : "event"}:${name}`),
  );
});
