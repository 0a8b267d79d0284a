// UDP burst: 20,000 datagrams of mixed sizes between watched sockets on loopback.
// Every datagram that arrives must be intact; what does not arrive is counted by the
// lab (lab.datagrams()), never hidden. Sends are paced in windows: Deno's node:dgram may
// reorder a burst, and an unpaced burst overflows the receive buffer.

import dgram from "node:dgram";
import { Buffer } from "node:buffer";
import { assert, assertEquals } from "@std/assert";
import { Lab } from "socketlab";

const HOST = "127.0.0.1";
const COUNT = 20_000;
/** Datagrams in flight at once: together well under the default receive buffer (~208 KiB). */
const WINDOW = 8;
/** How long the receiver may stay silent before the missing datagrams of a window count as lost. */
const QUIET_MS = 100;
/** Sizes cycle through these: tiny, typical, around the Ethernet MTU, jumbo, large, the IPv4 maximum. */
const SIZES = [12, 64, 512, 1_472, 1_500, 4_096, 9_000, 16_384, 32_768, 65_507];
const HEADER = 12; // seq (u32), length (u32), FNV-1a of the body (u32)

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.byteLength; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function datagramOf(seq: number): Buffer {
  const size = SIZES[seq % SIZES.length];
  const data = Buffer.alloc(size);
  for (let i = HEADER; i < size; i++) data[i] = (seq * 13 + i * 101) & 0xff;
  data.writeUInt32BE(seq, 0);
  data.writeUInt32BE(size, 4);
  data.writeUInt32BE(fnv1a(data.subarray(HEADER)), 8);
  return data;
}

/** Whether a received datagram is exactly what was sent: its length and checksum hold. */
function intact(data: Buffer): boolean {
  if (data.byteLength < HEADER) return false;
  const seq = data.readUInt32BE(0);
  return seq < COUNT && data.readUInt32BE(4) === data.byteLength &&
    data.byteLength === SIZES[seq % SIZES.length] &&
    data.readUInt32BE(8) === fnv1a(data.subarray(HEADER));
}

Deno.test("udp burst: 20,000 mixed-size datagrams arrive intact, and the lab counts any loss", async () => {
  // A small trace bound: the datagram ledger counts beyond it.
  await using lab = await Lab.open("udp burst", { maxEvents: 5_000 });
  const receiver = lab.watch(dgram.createSocket("udp4"), "receiver");
  const sender = lab.watch(dgram.createSocket("udp4"), "sender");
  receiver.bind(lab.port(41234, { transport: "udp" }), HOST);
  sender.bind(0, HOST);
  const port = (await lab.until("receiver", "listening")).local!.port;
  await lab.until("sender", "listening");

  const seen = new Uint8Array(COUNT);
  let received = 0;
  let damaged = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let last = -1;
  let arrival = Promise.withResolvers<void>();
  receiver.on("message", (data: Buffer) => {
    received++;
    if (!intact(data)) {
      damaged++;
    } else {
      const seq = data.readUInt32BE(0);
      if (seen[seq]) duplicates++;
      seen[seq] = 1;
      if (seq < last) outOfOrder++;
      last = seq;
    }
    arrival.resolve();
  });

  let sent = 0;
  let failed = 0;
  let silences = 0;
  for (let first = 0; first < COUNT; first += WINDOW) {
    const callbacks: Promise<void>[] = [];
    for (let seq = first; seq < Math.min(first + WINDOW, COUNT); seq++) {
      callbacks.push(
        new Promise((resolve) =>
          sender.send(datagramOf(seq), port, HOST, (error) => {
            if (error) failed++;
            else sent++;
            resolve();
          })
        ),
      );
    }
    await Promise.all(callbacks);
    // Let the receiver catch up with this window; give up on it after QUIET_MS of silence.
    while (received < sent) {
      arrival = Promise.withResolvers<void>();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = await Promise.race([
        arrival.promise.then(() => false),
        new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), QUIET_MS)),
      ]);
      clearTimeout(timer);
      if (quiet) {
        silences++;
        break;
      }
    }
  }

  assert(silences <= 50, `the receiver fell silent ${silences} times: loopback lost too much`);
  assertEquals(failed, 0, "no send failed");
  assertEquals(sent, COUNT);
  assertEquals(damaged, 0, "every received datagram is intact");
  assertEquals(duplicates, 0);
  const lost = COUNT - seen.reduce((n, x) => n + x, 0);
  // The lab's own accounting equals ours, even though the trace kept only 5,000 events.
  const flow = lab.datagrams().flows.find((f) => f.from === "sender" && f.to === "receiver");
  assertEquals(flow, { from: "sender", to: "receiver", sent, received, lost });
  assert(lab.trace.dropped > 0, "the trace bound was exceeded, yet the counts hold");
  console.log(
    `udp burst: ${sent} sent, ${received} received, ${lost} lost, ${outOfOrder} out of order`,
  );
});
