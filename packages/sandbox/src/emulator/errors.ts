/** The emulator's errors, part of the sandbox's one error family. */
import { SandboxError } from "../errors.ts";

/** Any failure the emulator reports on purpose (bad arguments, unreachable admin API). */
export class EmulatorError extends SandboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmulatorError";
  }
}
