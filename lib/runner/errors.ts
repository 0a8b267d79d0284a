/**
 * Error classes thrown by the notebook runner.
 *
 * @module
 */

/**
 * A notebook file that cannot be read, parsed or validated as nbformat v4.
 *
 * @example Recognise a notebook error
 * ```ts
 * import { NotebookError } from "socketlab/runner";
 *
 * const error = new NotebookError("x.ipynb: nbformat 3 is not supported; expected nbformat 4");
 * console.log(error instanceof NotebookError, error.name); // true "NotebookError"
 * ```
 */
export class NotebookError extends Error {
  /**
   * Creates a notebook error.
   *
   * @param message What is wrong, naming the file and the value.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotebookError";
  }
}

/**
 * A kernel that could not be started, did not answer, or died.
 *
 * @example Recognise a kernel error
 * ```ts
 * import { KernelError } from "socketlab/runner";
 *
 * const error = new KernelError("the kernel exited with code 1 before it answered");
 * console.log(error.name); // "KernelError"
 * ```
 */
export class KernelError extends Error {
  /**
   * Creates a kernel error.
   *
   * @param message What happened to the kernel.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KernelError";
  }
}

/**
 * A message received from the kernel that failed HMAC signature verification
 * or was not a well-formed Jupyter wire message.
 *
 * @example Recognise a rejected message
 * ```ts
 * import { SignatureError } from "./errors.ts";
 *
 * const error = new SignatureError("bad signature");
 * console.log(error.name); // "SignatureError"
 * ```
 */
export class SignatureError extends Error {
  /**
   * Creates a signature error.
   *
   * @param message Why the message was rejected.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SignatureError";
  }
}
