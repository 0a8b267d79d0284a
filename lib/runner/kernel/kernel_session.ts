/**
 * A session with a Deno Jupyter kernel process: spawn, ZeroMQ sockets,
 * signed requests, verified replies, shutdown and clean-up.
 *
 * @module
 */

import * as zmq from "npm:zeromq@^6.5.0";
import { deadline, delay, isTimeoutError } from "../../_async.ts";
import {
  channelUrl,
  type ConnectionInfo,
  createConnectionInfo,
  releaseConnectionPorts,
  writeConnectionFile,
} from "./_connection_file.ts";
import { KernelError } from "../errors.ts";
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from "./_message.ts";
import { execFailed, killGroup, killProcessGroup, spawnGrouped } from "./_process_group.ts";
import { WATCHDOG } from "./_watchdog.ts";

/**
 * A message from the kernel that failed verification and was dropped.
 */
export interface RejectedMessage {
  /** The channel it arrived on. */
  channel: "shell" | "control" | "iopub";
  /** Why it was rejected. */
  reason: string;
}

/**
 * Options for {@linkcode KernelSession.start}.
 */
export interface KernelSessionOptions {
  /**
   * Working directory of the kernel (the notebook's folder).
   *
   * @default {Deno.cwd()}
   */
  cwd?: string;
  /**
   * Milliseconds to wait for `kernel_info_reply`.
   *
   * @default {30_000}
   */
  startupTimeout?: number;
  /**
   * Milliseconds to wait for the process to exit after `shutdown_request`.
   *
   * @default {3_000}
   */
  shutdownTimeout?: number;
  /**
   * The `deno` executable.
   *
   * @default {Deno.execPath()}
   */
  execPath?: string;
  /**
   * HMAC key written to the connection file.
   *
   * @default {a random key}
   */
  key?: string;
  /**
   * HMAC key used to verify messages received from the kernel. Set it to
   * another key only to check that wrongly signed messages are rejected
   * (requests are always signed with `key`).
   *
   * @default {key}
   */
  verifyKey?: string;
  /** Aborting kills the kernel; pending calls reject with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the kernel's process id as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
  /** Called for every message that fails verification. */
  onRejected?: (rejected: RejectedMessage) => void;
}

/**
 * Options for {@linkcode KernelSession.execute}.
 */
export interface ExecuteOptions {
  /**
   * Milliseconds before the kernel is killed and the outcome is `"timeout"`.
   *
   * @default {60_000}
   */
  timeout?: number;
  /**
   * Milliseconds to wait, once the kernel has replied on shell (or gone idle
   * on iopub), for the other half before the outcome is `"stalled"`: the
   * kernel answers but its iopub messages stopped arriving, so output was
   * lost (the Deno kernel drops a message of about 8 MB or more and may
   * break the iopub connection doing so). The kernel is then killed.
   *
   * @default {10_000}
   */
  stallTimeout?: number;
  /**
   * Run without a history entry or an execution count (`silent: true`,
   * `store_history: false`), e.g. for set-up code that is not a cell.
   *
   * @default {false}
   */
  silent?: boolean;
  /**
   * Called with each iopub message of this request as it arrives, including
   * output the kernel publishes after it went idle, until the session ends
   * (see {@linkcode KernelSession.settle}).
   */
  onMessage?: (message: JupyterMessage) => void;
}

/**
 * What happened to one `execute_request`.
 */
export interface ExecuteResult {
  /**
   * `"done"`: the kernel went idle and replied; `"timeout"`: it did not finish
   * in time and was killed; `"exited"`: the kernel process ended mid-request;
   * `"stalled"`: it replied, but its iopub messages stopped arriving (output
   * was lost), and it was killed.
   */
  outcome: "done" | "timeout" | "exited" | "stalled";
  /** The request that was sent. */
  request: JupyterMessage;
  /** The `execute_reply`, when one arrived. */
  reply?: JupyterMessage;
  /** Verified iopub messages whose parent is the request, in arrival order. */
  messages: JupyterMessage[];
  /** Messages rejected while the request ran. */
  rejected: RejectedMessage[];
  /** Exit code of the kernel when `outcome` is `"exited"` or `"timeout"`. */
  exitCode?: number;
  /** Signal that ended the kernel, if any. */
  exitSignal?: string | null;
}

interface Waiter {
  onIopub(message: JupyterMessage): void;
  onReply(message: JupyterMessage): void;
}

const TAIL = 4000;
const START_ATTEMPTS = 3;
/** What the Deno kernel prints when it cannot bind a port of its connection file. */
const PORT_CLASH = /Address already in use|os error 98|new \w+Socket \(ext:cli\/jupyter_kernel/;

/** The kernel could not bind a port of its connection file: another process took it. */
class PortClashError extends KernelError {}
const MAX_POLL_MS = 16;

function isAgain(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "EAGAIN";
}

/**
 * A running Deno Jupyter kernel (`deno jupyter --kernel --conn FILE`) and the
 * ZeroMQ sockets talking to it: a DEALER on shell and control, a SUB on iopub.
 * Every message sent is signed and every message received is verified;
 * rejected messages are reported, never used. Dispose it (or call
 * {@linkcode KernelSession.shutdown}) to stop the kernel; the process is
 * killed if it does not exit in time.
 *
 * @example Run one cell
 * ```ts ignore
 * import { KernelSession } from "socketlab/runner";
 *
 * await using session = await KernelSession.start({ cwd: "notebooks" });
 * const result = await session.execute("1 + 1");
 * console.log(result.outcome); // "done"
 * ```
 */
export class KernelSession implements AsyncDisposable {
  /** The connection info written for the kernel. */
  readonly connection: ConnectionInfo;
  /** The kernel's `kernel_info_reply` content. */
  kernelInfo: Record<string, unknown> = {};
  /** Every message rejected so far. */
  readonly rejected: RejectedMessage[] = [];

  #child: Deno.ChildProcess;
  #grouped: boolean;
  #dir: string;
  #verifyKey: string;
  #sessionId = crypto.randomUUID();
  // The sockets never wait inside the addon (time-outs of 0, polled from JS):
  // under Deno, a socket closed while the addon polls it for readiness can
  // crash the process (use-after-free in the zeromq addon's poll callback).
  #shell = new zmq.Dealer({ linger: 0, receiveTimeout: 0, sendTimeout: 0 });
  #control = new zmq.Dealer({ linger: 0, receiveTimeout: 0, sendTimeout: 0 });
  #iopub = new zmq.Subscriber({ linger: 0, receiveTimeout: 0 });
  #stopping = false;
  #waiters = new Map<string, Waiter>();
  #exitWatchers = new Set<() => void>();
  #rejectWatchers = new Set<(rejected: RejectedMessage) => void>();
  #status: Deno.CommandStatus | undefined;
  #statusPromise: Promise<Deno.CommandStatus>;
  #loops: Promise<void>[] = [];
  #drains: Promise<void>[] = [];
  #stderr = "";
  #iopubSeen = false;
  #closed = false;
  #lastIopub = 0;
  #options: KernelSessionOptions;
  #abort = () => this.kill();

  private constructor(
    { child, grouped }: { child: Deno.ChildProcess; grouped: boolean },
    dir: string,
    connection: ConnectionInfo,
    options: KernelSessionOptions,
  ) {
    this.#child = child;
    this.#grouped = grouped;
    this.#dir = dir;
    this.connection = connection;
    this.#options = options;
    this.#verifyKey = options.verifyKey ?? connection.key;
    this.#statusPromise = child.status.then((status) => {
      this.#status = status;
      for (const watcher of this.#exitWatchers) watcher();
      return status;
    });
    this.#drains.push(this.#drain(child.stdout, false), this.#drain(child.stderr, true));
    options.signal?.addEventListener("abort", this.#abort, { once: true });
  }

  /**
   * Starts a kernel and waits until it answers `kernel_info_request` on shell
   * and its iopub messages arrive.
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * await using session = await KernelSession.start({ cwd: ".", startupTimeout: 30_000 });
   * console.log(session.pid > 0); // true
   * ```
   *
   * @param options Working directory, time-outs, executable, keys, abort signal.
   * @returns A ready session.
   */
  static async start(options: KernelSessionOptions = {}): Promise<KernelSession> {
    for (let attempt = 1;; attempt++) {
      try {
        return await KernelSession.#startOnce(options);
      } catch (error) {
        // Another process bound one of the kernel's ports between the check and the
        // kernel's bind: try again with other ports.
        if (!(error instanceof PortClashError) || attempt >= START_ATTEMPTS) throw error;
      }
    }
  }

  static async #startOnce(options: KernelSessionOptions): Promise<KernelSession> {
    options.signal?.throwIfAborted();
    const connection = createConnectionInfo({ key: options.key });
    const dir = await Deno.makeTempDir({ prefix: "socketlab-kernel-" });
    const file = `${dir}/kernel.json`;
    await writeConnectionFile(file, connection);
    const execPath = options.execPath ?? Deno.execPath();
    const cannotStart = (reason: string, cause?: unknown) =>
      new KernelError(
        `could not start the kernel "${execPath} jupyter --kernel" in ${
          options.cwd ?? Deno.cwd()
        }: ${reason}`,
        { cause },
      );
    let spawned;
    try {
      spawned = spawnGrouped(execPath, ["jupyter", "--kernel", "--conn", file], {
        cwd: options.cwd,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      });
    } catch (error) {
      releaseConnectionPorts(connection);
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      throw cannotStart(error instanceof Error ? error.message : String(error), error);
    }
    const session = new KernelSession(spawned, dir, connection, options);
    options.onSpawn?.(spawned.child.pid);
    try {
      await session.#connect();
      await session.#handshake(options.startupTimeout ?? 30_000);
      // In its own process group the kernel no longer dies with this process: it
      // watches for that itself.
      if (spawned.grouped) await session.execute(WATCHDOG, { silent: true });
      return session;
    } catch (error) {
      await session.kill();
      await session.shutdown();
      const status = session.exitStatus;
      if (spawned.grouped && status !== undefined && execFailed(status, session.stderr)) {
        throw cannotStart(session.stderr.trim().split("\n").at(-1) ?? "", error);
      }
      if (status !== undefined && PORT_CLASH.test(session.stderr)) {
        throw new PortClashError((error as Error).message, { cause: error });
      }
      throw error;
    }
  }

  /** The kernel's process id. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The kernel's exit status once it has exited, else `undefined`. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#status;
  }

  /** The last few thousand characters the kernel wrote to stderr. */
  get stderr(): string {
    return this.#stderr;
  }

  async #drain(stream: ReadableStream<Uint8Array>, keep: boolean): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of stream) {
        if (keep) {
          this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-TAIL);
        }
      }
    } catch {
      // The stream ends with the process; nothing to report.
    }
  }

  #connect(): void {
    this.#shell.connect(channelUrl(this.connection, "shell"));
    this.#control.connect(channelUrl(this.connection, "control"));
    this.#iopub.connect(channelUrl(this.connection, "iopub"));
    this.#iopub.subscribe();
    this.#loops.push(
      this.#receive(this.#shell, "shell"),
      this.#receive(this.#control, "control"),
      this.#receive(this.#iopub, "iopub"),
    );
  }

  async #receive(
    socket: zmq.Dealer | zmq.Subscriber,
    channel: RejectedMessage["channel"],
  ): Promise<void> {
    let pause = 0;
    while (!this.#stopping) {
      let frames: Uint8Array[];
      try {
        frames = await socket.receive();
        pause = 0;
      } catch (error) {
        if (isAgain(error)) {
          pause = Math.min(MAX_POLL_MS, pause * 2 || 1);
          await delay(pause);
          continue;
        }
        if (!this.#stopping) {
          const rejected = { channel, reason: `receiving failed: ${String(error)}` };
          this.rejected.push(rejected);
          this.#options.onRejected?.(rejected);
          for (const watcher of this.#rejectWatchers) watcher(rejected);
        }
        return;
      }
      let message: JupyterMessage;
      try {
        message = await decodeMessage(frames, this.#verifyKey);
      } catch (error) {
        const rejected = {
          channel,
          reason: error instanceof Error ? error.message : String(error),
        };
        this.rejected.push(rejected);
        this.#options.onRejected?.(rejected);
        for (const watcher of this.#rejectWatchers) watcher(rejected);
        continue;
      }
      const parent = message.parent_header.msg_id;
      if (channel === "iopub") {
        this.#iopubSeen = true;
        this.#lastIopub = performance.now();
      }
      const waiter = parent === undefined ? undefined : this.#waiters.get(parent);
      if (waiter === undefined) continue;
      if (channel === "iopub") waiter.onIopub(message);
      else waiter.onReply(message);
    }
  }

  async #handshake(timeout: number): Promise<void> {
    const deadline = Date.now() + timeout;
    let failure: string | undefined;
    const onReject = (rejected: RejectedMessage) => {
      failure ??=
        `a message from the kernel on ${rejected.channel} was rejected (${rejected.reason}); ` +
        "the kernel and this session do not share the connection key";
    };
    this.#rejectWatchers.add(onReject);
    try {
      while (true) {
        if (failure !== undefined) throw new KernelError(failure);
        this.#checkAlive("before it answered kernel_info_request");
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new KernelError(
            `the kernel did not answer kernel_info_request within ${timeout / 1000} s` +
              this.#stderrHint(),
          );
        }
        const request = createMessage("kernel_info_request", {}, { session: this.#sessionId });
        const reply = await this.#request(
          this.#shell,
          request,
          Math.min(remaining, 1000),
          () => failure !== undefined,
        );
        if (reply !== undefined) {
          this.kernelInfo = reply.content;
          if (this.#iopubSeen) return;
        }
        // No reply yet or iopub not yet subscribed: wait a little and ask again.
        await delay(100);
      }
    } finally {
      this.#rejectWatchers.delete(onReject);
    }
  }

  /** Sends a request and waits up to `wait` ms for its reply on the same socket. */
  async #request(
    socket: zmq.Dealer,
    request: JupyterMessage,
    wait: number,
    stop: () => boolean = () => false,
  ): Promise<JupyterMessage | undefined> {
    const { promise, resolve } = Promise.withResolvers<JupyterMessage | undefined>();
    const id = request.header.msg_id;
    this.#waiters.set(id, { onIopub: () => {}, onReply: resolve });
    const onExit = () => resolve(undefined);
    const onReject = () => stop() && resolve(undefined);
    this.#exitWatchers.add(onExit);
    this.#rejectWatchers.add(onReject);
    try {
      await this.#sendTo(socket, request, `before it answered ${request.header.msg_type}`);
      return await deadline(promise, wait).catch((error) => {
        if (isTimeoutError(error)) return undefined;
        throw error;
      });
    } finally {
      this.#waiters.delete(id);
      this.#exitWatchers.delete(onExit);
      this.#rejectWatchers.delete(onReject);
    }
  }

  #stderrHint(): string {
    const lines = this.#stderr
      // deno-lint-ignore no-control-regex
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.includes("is unstable and might change"));
    return lines.length === 0 ? "" : `; its stderr ends with: ${lines.slice(-3).join(" | ")}`;
  }

  #checkAlive(when: string): void {
    this.#options.signal?.throwIfAborted();
    if (this.#status !== undefined) {
      throw new KernelError(
        `the kernel exited with code ${this.#status.code}${
          this.#status.signal ? ` (signal ${this.#status.signal})` : ""
        } ${when}${this.#stderrHint()}`,
      );
    }
  }

  /**
   * Sends `execute_request` for `code` and collects the iopub messages whose
   * parent is that request until the kernel reports `status: idle` and the
   * `execute_reply` has arrived. On timeout the kernel is killed (the Deno
   * kernel ignores `interrupt_request`).
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * await using session = await KernelSession.start();
   * const { messages } = await session.execute("console.log('hi')", { timeout: 10_000 });
   * console.log(messages.map((m) => m.header.msg_type));
   * ```
   *
   * @param code The source to run.
   * @param options Time-out and a per-message callback.
   * @returns The outcome, the reply and the collected messages.
   */
  async execute(code: string, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    this.#checkAlive("before the request was sent");
    const timeout = options.timeout ?? 60_000;
    const silent = options.silent ?? false;
    const request = createMessage("execute_request", {
      code,
      silent,
      store_history: !silent,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    }, { session: this.#sessionId });
    const result: ExecuteResult = { outcome: "done", request, messages: [], rejected: [] };
    const { done, halfDone } = this.#track(result, options);
    const stop = new AbortController();
    const stalled = halfDone
      .then(() => delay(options.stallTimeout ?? 10_000, { signal: stop.signal }))
      .then(() => "stalled" as const);
    stalled.catch(() => {});
    const onExit = () => done.resolve("exited");
    const onReject = (rejected: RejectedMessage) => result.rejected.push(rejected);
    this.#exitWatchers.add(onExit);
    this.#rejectWatchers.add(onReject);
    try {
      await this.#sendTo(this.#shell, request, "before the request was sent");
      result.outcome = await deadline(Promise.race([done.promise, stalled]), timeout).catch(
        (error) => {
          if (isTimeoutError(error)) return "timeout" as const;
          throw error;
        },
      );
      if (result.outcome === "timeout" || result.outcome === "stalled") await this.kill();
      this.#options.signal?.throwIfAborted();
      if (result.outcome !== "done") {
        const status = await this.#statusPromise;
        result.exitCode = status.code;
        result.exitSignal = status.signal;
      }
      return result;
    } finally {
      stop.abort();
      this.#exitWatchers.delete(onExit);
      this.#rejectWatchers.delete(onReject);
    }
  }

  /**
   * Routes the messages of one request into `result`: `done` resolves once
   * the kernel has both replied and gone idle, `halfDone` once it has done
   * either. Messages published after that (the Deno kernel forwards stdout
   * asynchronously) still reach `onMessage` until the session ends.
   */
  #track(result: ExecuteResult, options: ExecuteOptions) {
    const done = Promise.withResolvers<ExecuteResult["outcome"]>();
    const half = Promise.withResolvers<void>();
    let idle = false;
    this.#waiters.set(result.request.header.msg_id, {
      onIopub: (message) => {
        result.messages.push(message);
        options.onMessage?.(message);
        if (
          message.header.msg_type === "status" && message.content.execution_state === "idle"
        ) {
          idle = true;
          half.resolve();
          if (result.reply !== undefined) done.resolve("done");
        }
      },
      onReply: (message) => {
        result.reply ??= message;
        half.resolve();
        if (idle) done.resolve("done");
      },
    });
    return { done, halfDone: half.promise };
  }

  /**
   * Whether the kernel's iopub channel still delivers: sends
   * `kernel_info_request` and waits up to `wait` ms for the `status: idle`
   * the kernel publishes for it. False when the kernel has exited or its
   * iopub connection broke (output published since was lost).
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * await using session = await KernelSession.start();
   * console.log(await session.iopubAlive()); // true
   * ```
   *
   * @param wait Longest wait in ms; default 10 000.
   * @returns True when the idle status arrived.
   */
  async iopubAlive(wait = 10_000): Promise<boolean> {
    if (this.#status !== undefined) return false;
    const request = createMessage("kernel_info_request", {}, { session: this.#sessionId });
    const result: ExecuteResult = { outcome: "done", request, messages: [], rejected: [] };
    const { done } = this.#track(result, {});
    const onExit = () => done.resolve("exited");
    this.#exitWatchers.add(onExit);
    try {
      await this.#sendTo(this.#shell, request, "before it answered");
      return await deadline(done.promise, wait).then((outcome) => outcome === "done", () => false);
    } finally {
      this.#waiters.delete(request.header.msg_id);
      this.#exitWatchers.delete(onExit);
    }
  }

  /**
   * Waits until no iopub message has arrived for `quietMs` (at most `maxMs`),
   * so that output the kernel publishes after `status: idle` has been routed
   * to the `onMessage` callbacks of earlier {@linkcode KernelSession.execute} calls.
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * await using session = await KernelSession.start();
   * const { messages } = await session.execute("console.log('late?')");
   * await session.settle();
   * console.log(messages.length);
   * ```
   *
   * @param quietMs Quiet time to wait for; default 100.
   * @param maxMs Longest wait; default 2 000.
   */
  async settle(quietMs = 100, maxMs = 2_000): Promise<void> {
    const started = performance.now();
    while (this.#status === undefined) {
      const now = performance.now();
      if (now - Math.max(started, this.#lastIopub) >= quietMs || now - started >= maxMs) return;
      await delay(Math.max(1, quietMs / 4));
    }
  }

  /**
   * Kills the kernel process at once (SIGKILL), with every process of its
   * process group (what its cells started) where it leads one, and waits
   * for it to end.
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * const session = await KernelSession.start();
   * await session.kill();
   * await session.shutdown();
   * ```
   */
  async kill(): Promise<void> {
    if (this.#status === undefined) killGroup(this.#child, this.#grouped);
    await this.#statusPromise;
    // Processes the cells started may outlive the kernel: end the rest of its group.
    if (this.#grouped) killProcessGroup(this.#child.pid);
  }

  /**
   * Asks the kernel to shut down (`shutdown_request` on control), kills it if
   * it has not exited within the shutdown time-out, then closes the sockets
   * and removes the connection file. Safe to call more than once.
   *
   * @example
   * ```ts ignore
   * import { KernelSession } from "socketlab/runner";
   *
   * const session = await KernelSession.start();
   * await session.shutdown();
   * console.log(session.exitStatus !== undefined); // true
   * ```
   */
  async shutdown(): Promise<void> {
    try {
      if (this.#status === undefined && !this.#closed) {
        const wait = this.#options.shutdownTimeout ?? 3_000;
        const request = createMessage("shutdown_request", { restart: false }, {
          session: this.#sessionId,
        });
        const exited = this.#request(this.#control, request, wait).then(() => this.#statusPromise);
        await deadline(exited, wait).catch(() => {
          // Not gone in time (or the request failed): killed below.
        });
      }
    } finally {
      await this.kill();
      this.#options.signal?.removeEventListener("abort", this.#abort);
      if (!this.#closed) {
        this.#closed = true;
        this.#stopping = true;
        this.#shell.close();
        this.#control.close();
        this.#iopub.close();
        await Promise.allSettled(this.#loops);
        await Promise.allSettled(this.#drains);
        await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
        releaseConnectionPorts(this.connection);
      }
    }
  }

  /** Signs and sends a request on `socket`. */
  async #sendTo(socket: zmq.Dealer, request: JupyterMessage, when: string): Promise<void> {
    await this.#send(socket, await encodeMessage(request, this.connection.key), when);
  }

  /** Sends frames without ever blocking inside the addon, retrying while the queue is full. */
  async #send(socket: zmq.Dealer, frames: Uint8Array[], when: string): Promise<void> {
    for (let pause = 1;; pause = Math.min(MAX_POLL_MS, pause * 2)) {
      this.#checkAlive(when);
      try {
        await socket.send(frames);
        return;
      } catch (error) {
        if (!isAgain(error)) throw error;
        await delay(pause);
      }
    }
  }

  /** Same as {@linkcode KernelSession.shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
