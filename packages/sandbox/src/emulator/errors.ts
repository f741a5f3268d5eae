/** The emulator's one error family: every error it throws on purpose is an {@link EmulatorError}. */
export class EmulatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EmulatorError";
  }
}
