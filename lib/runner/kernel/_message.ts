/**
 * The Jupyter wire protocol (messaging spec v5.3): message headers, the
 * `<IDS|MSG>` delimiter and HMAC-SHA256 signing and verification.
 *
 * @module
 */

import { SignatureError } from "../errors.ts";

/** The messaging protocol version this runner speaks. */
export const PROTOCOL_VERSION = "5.3";

/** The frame that separates ZeroMQ routing identities from the message. */
export const DELIMITER = "<IDS|MSG>";

/**
 * The header of a Jupyter message.
 *
 * @example A header
 * ```ts
 * import type { MessageHeader } from "./_message.ts";
 *
 * const header: MessageHeader = {
 *   msg_id: "1",
 *   msg_type: "kernel_info_request",
 *   session: "s",
 *   username: "socketlab",
 *   date: new Date().toISOString(),
 *   version: "5.3",
 * };
 * console.log(header.msg_type);
 * ```
 */
export interface MessageHeader {
  /** Unique id of this message. */
  msg_id: string;
  /** Kind of message, e.g. `execute_request`. */
  msg_type: string;
  /** Id of the sending session. */
  session: string;
  /** User name of the sender. */
  username: string;
  /** ISO 8601 creation time. */
  date: string;
  /** Protocol version. */
  version: string;
}

/**
 * A decoded Jupyter message.
 *
 * @example Read a message's type and parent
 * ```ts
 * import { createMessage } from "./_message.ts";
 *
 * const message = createMessage("kernel_info_request", {}, { session: "s" });
 * console.log(message.header.msg_type, message.parent_header.msg_id); // "kernel_info_request" undefined
 * ```
 */
export interface JupyterMessage<Content = Record<string, unknown>> {
  /** ZeroMQ routing identities found before the delimiter. */
  identities: Uint8Array[];
  /** This message's header. */
  header: MessageHeader;
  /** The header of the request this message answers (empty for requests). */
  parent_header: Partial<MessageHeader>;
  /** Message metadata. */
  metadata: Record<string, unknown>;
  /** Message content; its shape depends on `header.msg_type`. */
  content: Content;
  /** Extra binary buffers. */
  buffers: Uint8Array[];
}

/**
 * Options for {@linkcode createMessage}.
 *
 * @example
 * ```ts
 * import type { CreateMessageOptions } from "./_message.ts";
 *
 * const options: CreateMessageOptions = { session: "abc", username: "me" };
 * console.log(options.session);
 * ```
 */
export interface CreateMessageOptions {
  /** Session id to put in the header. */
  session: string;
  /**
   * User name to put in the header.
   *
   * @default {"socketlab"}
   */
  username?: string;
  /** The message being answered, if any. */
  parent?: JupyterMessage<unknown>;
  /**
   * Message metadata.
   *
   * @default {{}}
   */
  metadata?: Record<string, unknown>;
}

/**
 * Creates a new message with a fresh `msg_id` and the current date.
 *
 * @example Create an execute request
 * ```ts
 * import { createMessage } from "./_message.ts";
 *
 * const request = createMessage("execute_request", { code: "1 + 1" }, { session: "s" });
 * console.log(request.header.version); // "5.3"
 * ```
 *
 * @param msgType The message type.
 * @param content The message content.
 * @param options Session id, user name, parent and metadata.
 * @returns The message, ready for {@linkcode encodeMessage}.
 */
export function createMessage<Content>(
  msgType: string,
  content: Content,
  options: CreateMessageOptions,
): JupyterMessage<Content> {
  return {
    identities: [],
    header: {
      msg_id: crypto.randomUUID(),
      msg_type: msgType,
      session: options.session,
      username: options.username ?? "socketlab",
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: options.parent?.header ?? {},
    metadata: options.metadata ?? {},
    content,
    buffers: [],
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(key: string): Promise<CryptoKey> {
  let cryptoKey = keyCache.get(key);
  if (cryptoKey === undefined) {
    cryptoKey = crypto.subtle.importKey(
      "raw",
      encoder.encode(key),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keyCache.set(key, cryptoKey);
  }
  return cryptoKey;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Computes the hex HMAC-SHA256 signature of the four signed frames
 * (header, parent header, metadata, content). An empty key means "no
 * signing" and gives an empty signature, as in the Jupyter spec.
 *
 * @example Sign four frames
 * ```ts
 * import { signFrames } from "./_message.ts";
 *
 * const frames = ["{}", "{}", "{}", "{}"].map((s) => new TextEncoder().encode(s));
 * console.log((await signFrames(frames, "secret")).length); // 64
 * ```
 *
 * @param frames The serialized header, parent header, metadata and content.
 * @param key The connection file's `key`.
 * @returns The lowercase hex signature.
 */
export async function signFrames(frames: Uint8Array[], key: string): Promise<string> {
  if (key === "") return "";
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(key), concat(frames));
  return toHex(new Uint8Array(signature));
}

/**
 * Serializes and signs a message into ZeroMQ frames:
 * identities, `<IDS|MSG>`, signature, header, parent header, metadata, content, buffers.
 *
 * @example Encode a message
 * ```ts
 * import { createMessage, encodeMessage } from "./_message.ts";
 *
 * const frames = await encodeMessage(createMessage("kernel_info_request", {}, { session: "s" }), "k");
 * console.log(new TextDecoder().decode(frames[0])); // "<IDS|MSG>"
 * ```
 *
 * @param message The message to send.
 * @param key The HMAC key (the connection file's `key`).
 * @returns The frames to send on a socket.
 */
export async function encodeMessage(
  message: JupyterMessage<unknown>,
  key: string,
): Promise<Uint8Array[]> {
  const signed = [message.header, message.parent_header, message.metadata, message.content].map(
    (part) => encoder.encode(JSON.stringify(part)),
  );
  const signature = await signFrames(signed, key);
  return [
    ...message.identities,
    encoder.encode(DELIMITER),
    encoder.encode(signature),
    ...signed,
    ...message.buffers,
  ];
}

function parseJsonFrame(frame: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(frame));
  } catch (error) {
    throw new SignatureError(`the ${what} frame is not valid JSON`, { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SignatureError(
      `the ${what} frame must be a JSON object, got ${JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Decodes ZeroMQ frames into a message after verifying its HMAC signature.
 * Throws a {@linkcode SignatureError} when the signature does not match the
 * key or the frames are not a Jupyter message; such a message must not be used.
 *
 * @example Round-trip a message, then reject a tampered one
 * ```ts
 * import { createMessage, decodeMessage, encodeMessage } from "./_message.ts";
 * import { SignatureError } from "../errors.ts";
 *
 * const frames = await encodeMessage(createMessage("status", { execution_state: "idle" }, { session: "s" }), "k");
 * console.log((await decodeMessage(frames, "k")).content); // { execution_state: "idle" }
 * try {
 *   await decodeMessage(frames, "another key");
 * } catch (error) {
 *   console.log(error instanceof SignatureError); // true
 * }
 * ```
 *
 * @param frames The frames received from a socket.
 * @param key The HMAC key (the connection file's `key`).
 * @returns The verified message.
 */
export async function decodeMessage(
  frames: readonly Uint8Array[],
  key: string,
): Promise<JupyterMessage> {
  const at = frames.findIndex((frame) => decoder.decode(frame) === DELIMITER);
  if (at < 0) throw new SignatureError(`no "${DELIMITER}" delimiter among ${frames.length} frames`);
  if (frames.length < at + 6) {
    throw new SignatureError(
      `expected at least 5 frames after "${DELIMITER}", got ${frames.length - at - 1}`,
    );
  }
  const signature = decoder.decode(frames[at + 1]);
  const signed = frames.slice(at + 2, at + 6).map((frame) => new Uint8Array(frame));
  if (key !== "") {
    const bytes = fromHex(signature);
    const ok = bytes !== undefined && bytes.length === 32 &&
      await crypto.subtle.verify("HMAC", await hmacKey(key), bytes, concat(signed));
    if (!ok) {
      throw new SignatureError(
        `bad HMAC signature ${JSON.stringify(signature.slice(0, 16))}...: ` +
          "the message was not signed with this session's key",
      );
    }
  }
  const header = parseJsonFrame(signed[0], "header") as unknown as MessageHeader;
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") {
    throw new SignatureError(`the header has no msg_type or msg_id: ${JSON.stringify(header)}`);
  }
  return {
    identities: frames.slice(0, at).map((frame) => new Uint8Array(frame)),
    header,
    parent_header: parseJsonFrame(signed[1], "parent header") as Partial<MessageHeader>,
    metadata: parseJsonFrame(signed[2], "metadata"),
    content: parseJsonFrame(signed[3], "content"),
    buffers: frames.slice(at + 6).map((frame) => new Uint8Array(frame)),
  };
}
