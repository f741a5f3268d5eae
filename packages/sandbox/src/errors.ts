/** The sandbox's one error family. */

/**
 * Any failure of the sandbox (build, start, stop, lookup). The message is one readable line meant for a person;
 * the cause keeps the underlying error for `--debug`.
 */
export class SandboxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = "SandboxError";
  }
}
