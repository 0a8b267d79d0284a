// What notebooks/05_udp_socket.ipynb says Node and Deno do (sections 2.1 to 2.3 of the notes),
// checked by running the same snippet under both runtimes (tests/fixtures/two_runtimes.ts).
// Every snippet talks to loopback only and closes what it opens.

import { assert, assertEquals } from "@std/assert";
import { claim, RUNTIMES } from "./fixtures/dgram_claims.ts";

Deno.test(`05 §2.1: "ipv4" is not a socket type; udp4 and udp6 are (${RUNTIMES})`, async () => {
  await claim<{ bad: string[]; types: string[] }>(
    `
    const out = {};
    try { dgram.createSocket("ipv4"); } catch (e) { out.bad = [e.name, e.code, e.message]; }
    const a = dgram.createSocket("udp4");
    const b = dgram.createSocket({ type: "udp6", ipv6Only: true });
    out.types = [a.type, b.type];
    a.close();
    b.close();
    console.log(JSON.stringify(out));
    `,
    (out, runtime) => {
      assertEquals(
        out.bad,
        [
          "TypeError",
          "ERR_SOCKET_BAD_TYPE",
          "Bad socket type specified. Valid types are: udp4, udp6",
        ],
        `${runtime}: createSocket("ipv4") throws ERR_SOCKET_BAD_TYPE naming the valid types`,
      );
      assertEquals(
        out.types,
        ["udp4", "udp6"],
        `${runtime}: both forms give a socket of that type`,
      );
    },
  );
});

Deno.test(`05 §2.1: bind()'s callback is a 'listening' listener; 'messsage' never fires; rinfo (${RUNTIMES})`, async () => {
  await claim<
    { order: string[]; messageListeners: number; typo: number; rinfo: unknown; port: number }
  >(
    `
    const order = [];
    const inbox = [];
    const receiver = dgram.createSocket("udp4", (msg, rinfo) => inbox.push(rinfo));
    let typo = 0;
    receiver.on("messsage", () => typo++);
    receiver.on("listening", () => order.push("listener"));
    receiver.bind(0, "127.0.0.1", () => order.push("bind callback"));
    await once(receiver, "listening");
    await sleep(0);
    const sender = await bound();
    sender.send("你好, UDP!", receiver.address().port, "127.0.0.1");
    await once(receiver, "message");
    await sleep(20);
    console.log(JSON.stringify({ order, messageListeners: receiver.listenerCount("message"), typo,
      rinfo: inbox[0], port: sender.address().port }));
    receiver.close();
    sender.close();
    `,
    (out, runtime) => {
      assertEquals(
        out.order,
        ["listener", "bind callback"],
        `${runtime}: the callback runs second`,
      );
      assertEquals(
        out.messageListeners,
        1,
        `${runtime}: createSocket's callback listens to 'message'`,
      );
      assertEquals(out.typo, 0, `${runtime}: a "messsage" listener is never called`);
      assertEquals(
        out.rinfo,
        { address: "127.0.0.1", family: "IPv4", port: out.port, size: 12 },
        `${runtime}: rinfo has the sender's address, "IPv4", its port and the size in bytes`,
      );
    },
  );
});

Deno.test(`05 §2.1–2.2: bind() without an address, and a send before bind(), take 0.0.0.0; the ephemeral port can receive (${RUNTIMES})`, async () => {
  await claim<{ events: string[]; address: string; port: number; seen: number; wildcard: string }>(
    `
    const receiver = await bound();
    const events = [];
    const lonely = dgram.createSocket("udp4");
    lonely.on("listening", () => events.push("listening"));
    lonely.on("message", (msg) => events.push("message " + msg));
    const arrived = once(receiver, "message");
    lonely.send("first", receiver.address().port, "127.0.0.1");
    events.push("send returned");
    const [, rinfo] = await arrived;
    const { address, port } = lonely.address();
    receiver.send("reply", rinfo.port, "127.0.0.1");
    await once(lonely, "message");
    const noAddress = dgram.createSocket("udp4");
    noAddress.bind(0);
    await once(noAddress, "listening");
    const wildcard = noAddress.address().address;
    noAddress.close();
    console.log(JSON.stringify({ events, address, port, seen: rinfo.port, wildcard }));
    receiver.close();
    lonely.close();
    `,
    (out, runtime) => {
      assertEquals(
        out.address,
        "0.0.0.0",
        `${runtime}: the implicit bind takes the wildcard address`,
      );
      assert(out.port >= 1024, `${runtime}: on an ephemeral port, got ${out.port}`);
      assertEquals(out.seen, out.port, `${runtime}: the receiver sees that port`);
      assertEquals(
        out.wildcard,
        "0.0.0.0",
        `${runtime}: bind() without an address is the wildcard`,
      );
      assertEquals(
        out.events,
        ["send returned", "listening", "message reply"],
        `${runtime}: 'listening' comes after send() returned, then the reply arrives`,
      );
    },
  );
});

Deno.test(`05 §2.2: send() slices, joins arrays, defaults the address and refuses a missing port (${RUNTIMES})`, async () => {
  await claim<{ arrived: string[]; bytes: number[]; refused: string[][] }>(
    `
    const receiver = await bound();
    const port = receiver.address().port;
    const sender = await bound();
    const arrived = [];
    receiver.on("message", (msg) => arrived.push(msg.toString()));
    const bytes = [];
    const alphabet = Buffer.from("0123456789abcdef");
    sender.send(alphabet, 4, 6, port, "127.0.0.1", (e, n) => bytes.push(n));
    sender.send(["ab", "cd", Buffer.from("ef")], port, "127.0.0.1", (e, n) => bytes.push(n));
    sender.send("no address", port);
    const connected = dgram.createSocket("udp4");
    connected.connect(port, "127.0.0.1");
    await once(connected, "connect");
    connected.send("connected, no port");
    while (arrived.length < 4) await sleep(10);
    connected.close();
    const refused = [];
    for (const call of [() => sender.send("no port"), () => sender.send(alphabet, 10, 20, port)]) {
      try { call(); refused.push(["no throw"]); } catch (e) { refused.push([e.name, e.code]); }
    }
    console.log(JSON.stringify({ arrived: arrived.sort(), bytes, refused }));
    receiver.close();
    sender.close();
    `,
    (out, runtime) => {
      assertEquals(
        out.arrived,
        ["456789", "abcdef", "connected, no port", "no address"],
        `${runtime}: the slice, the array as one datagram, and the sends without address or port`,
      );
      assertEquals(out.bytes, [6, 6], `${runtime}: each callback reports 6 bytes`);
      assertEquals(
        out.refused,
        [["RangeError", "ERR_SOCKET_BAD_PORT"], ["RangeError", "ERR_BUFFER_OUT_OF_BOUNDS"]],
        `${runtime}: no port, or a slice beyond the buffer, throws at once`,
      );
    },
  );
});

Deno.test(`05 §2.2: datagrams arrive whole, up to 65,507 bytes; 65,508 is EMSGSIZE in the callback (${RUNTIMES})`, async () => {
  await claim<
    {
      sizes: number[];
      args: number;
      code: string;
      message: string;
      bytes: unknown;
      port: number;
      errors: number;
    }
  >(
    `
    const receiver = await bound();
    const port = receiver.address().port;
    const sizes = [];
    receiver.on("message", (msg, rinfo) => sizes.push(msg.length === rinfo.size ? rinfo.size : -1));
    const big = await bound("udp4", "127.0.0.1", { sendBufferSize: 128 * 1024 });
    let errors = 0;
    big.on("error", () => errors++);
    for (const n of [1, 1000, 10000, 65507]) big.send(Buffer.alloc(n, 7), port, "127.0.0.1");
    while (sizes.length < 4) await sleep(10);
    const args = await new Promise((resolve) =>
      big.send(Buffer.alloc(65508), port, "127.0.0.1", (...a) => resolve(a)));
    await sleep(50);
    console.log(JSON.stringify({ sizes: sizes.sort((a, b) => a - b), args: args.length,
      code: args[0]?.code, message: args[0]?.message, bytes: args[1] ?? null, port, errors }));
    receiver.close();
    big.close();
    `,
    (out, runtime) => {
      assertEquals(out.sizes, [1, 1000, 10000, 65507], `${runtime}: every datagram whole, once`);
      assertEquals(out.code, "EMSGSIZE", `${runtime}: 65,508 bytes fail with EMSGSIZE`);
      assertEquals(
        out.message,
        `send EMSGSIZE 127.0.0.1:${out.port}`,
        `${runtime}: naming the target`,
      );
      assertEquals(out.errors, 0, `${runtime}: the failure is not an 'error' event`);
      if (runtime === "deno") {
        assertEquals([out.args, out.bytes], [2, 0], "deno: callback(error, 0)");
      } else {
        assertEquals([out.args, out.bytes], [1, null], "node: callback(error), no second argument");
      }
    },
  );
});

Deno.test(`05 §2.2: without a callback a failed send is silent, a failed lookup is an 'error' event (${RUNTIMES})`, async () => {
  await claim<
    {
      thrown: string | null;
      silentErrors: number;
      marker: number;
      callback: string;
      events: string[];
    }
  >(
    `
    const receiver = await bound();
    const port = receiver.address().port;
    const sizes = [];
    receiver.on("message", (msg) => sizes.push(msg.length));
    const quiet = await bound("udp4", "127.0.0.1", { sendBufferSize: 128 * 1024 });
    let silentErrors = 0;
    quiet.on("error", () => silentErrors++);
    let thrown = null;
    try { quiet.send(Buffer.alloc(65508), port, "127.0.0.1"); } catch (e) { thrown = e.code; }
    quiet.send("marker", port, "127.0.0.1");
    while (sizes.length < 1) await sleep(10);
    await sleep(100);
    const lookup = (host, options, callback) => {
      const family = net.isIP(host);
      const error = Object.assign(new Error("getaddrinfo ENOTFOUND " + host), { code: "ENOTFOUND" });
      queueMicrotask(() => family ? callback(null, host, family) : callback(error));
    };
    const named = await bound("udp4", "127.0.0.1", { lookup });
    const events = [];
    named.on("error", (e) => events.push(e.code));
    const callback = await new Promise((resolve) => named.send("x", port, "localhost", (e) => resolve(e?.code)));
    named.send("x", port, "localhost");
    while (events.length < 1) await sleep(10);
    console.log(JSON.stringify({ thrown, silentErrors, marker: sizes.length, callback, events }));
    receiver.close();
    quiet.close();
    named.close();
    `,
    (out, runtime) => {
      assertEquals(out.thrown, null, `${runtime}: a failed send without a callback throws nothing`);
      assertEquals(out.silentErrors, 0, `${runtime}: and emits no 'error' event`);
      assertEquals(out.marker, 1, `${runtime}: only the marker arrived`);
      assertEquals(out.callback, "ENOTFOUND", `${runtime}: a lookup error goes to the callback`);
      assertEquals(out.events, ["ENOTFOUND"], `${runtime}: or, without one, to 'error'`);
    },
  );
});

Deno.test(`05 §2.2: over IPv6 the largest datagram is 65,527 bytes (${RUNTIMES}, where ::1 exists)`, async () => {
  await claim<{ skipped?: string; outcomes?: Record<string, string> }>(
    `
    const six = dgram.createSocket("udp6");
    const problem = await new Promise((resolve) => {
      six.once("listening", () => resolve(null));
      six.once("error", (e) => resolve(e.code));
      six.bind(0, "::1");
    });
    if (problem) {
      console.log(JSON.stringify({ skipped: problem }));
    } else {
      const sender = await bound("udp6", "::1", { sendBufferSize: 128 * 1024 });
      const outcomes = {};
      for (const n of [65527, 65528]) {
        outcomes[n] = await new Promise((resolve) => sender.send(Buffer.alloc(n), six.address().port,
          "::1", (e, bytes) => resolve(e ? e.code : bytes + " bytes")));
      }
      console.log(JSON.stringify({ outcomes }));
      sender.close();
    }
    six.close();
    `,
    (out, runtime) => {
      if (out.skipped !== undefined) {
        assert(
          /EADDRNOTAVAIL|EAFNOSUPPORT/.test(out.skipped),
          `${runtime}: no ::1 here: ${out.skipped}`,
        );
        return;
      }
      assertEquals(
        out.outcomes,
        { 65527: "65527 bytes", 65528: "EMSGSIZE" },
        `${runtime}: 65,527 bytes go, one more is EMSGSIZE`,
      );
    },
  );
});

Deno.test(`05 §2.3: address() before bind is EBADF; address() and send() after close are NOT_RUNNING (${RUNTIMES})`, async () => {
  await claim<{ before: string[]; after: string[]; send: string[] }>(
    `
    const probe = dgram.createSocket("udp4");
    const codes = (call) => { try { call(); return ["no throw"]; } catch (e) { return [e.code, e.syscall ?? "", e.message]; } };
    const before = codes(() => probe.address());
    probe.bind(0, "127.0.0.1");
    await once(probe, "listening");
    probe.close();
    await once(probe, "close");
    console.log(JSON.stringify({ before, after: codes(() => probe.address()),
      send: codes(() => probe.send("late", 9, "127.0.0.1")) }));
    `,
    (out, runtime) => {
      assertEquals(
        out.before,
        ["EBADF", "getsockname", "getsockname EBADF"],
        `${runtime}: before bind`,
      );
      const notRunning = ["ERR_SOCKET_DGRAM_NOT_RUNNING", "", "Not running"];
      assertEquals(out.after, notRunning, `${runtime}: address() after close`);
      assertEquals(out.send, notRunning, `${runtime}: send() after close`);
    },
  );
});
