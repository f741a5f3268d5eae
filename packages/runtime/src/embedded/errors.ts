/**
 * Base of every error the embedded runtime throws, so callers can tell "the embedded bus or queue refused this"
 * from failures of the workflows they plug in.
 */
export class EmbeddedRuntimeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmbeddedRuntimeError";
  }
}

/**
 * An event pattern that EventBridge would refuse too. Raised when a rule is added (never while matching), so a
 * pattern shared with the infra fails fast on the developer's machine instead of at deploy time.
 */
export class InvalidEventPatternError extends EmbeddedRuntimeError {
  /** Dotted path of the offending node inside the pattern, e.g. `detail.cause[1]`. */
  readonly path: string;

  constructor(path: string, rule: string, options?: ErrorOptions) {
    super(`Invalid event pattern at ${path || "<root>"}: ${rule}`, options);
    this.name = "InvalidEventPatternError";
    this.path = path;
  }
}

/** A whole PutEvents request was malformed (EventBridge answers these with a `ValidationException`). */
export class PutEventsValidationError extends EmbeddedRuntimeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PutEventsValidationError";
  }
}

/** Work was offered to a queue, bus or runtime that is shutting down or was never started. */
export class NotRunningError extends EmbeddedRuntimeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotRunningError";
  }
}
