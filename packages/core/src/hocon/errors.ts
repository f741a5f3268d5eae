/**
 * The one error family of the HOCON reader.
 *
 * `config.data` is untrusted and may hold the license key or the node cookie, so an error names the place
 * (source, line, column) and the rule that failed, never the text found there. The reconciler turns it into the
 * operator's `InvalidConfig` condition and Warning event, where the line number is what the user needs.
 */
export class HoconError extends Error {
  /** 1-based line of the offending text. */
  readonly line: number;
  /** 1-based column (UTF-16 code units) of the offending text. */
  readonly column: number;
  /** The rule that failed, without any value from the input. */
  readonly reason: string;

  constructor(source: string, line: number, column: number, reason: string, options?: { cause?: unknown }) {
    super(`${source} line ${line}, column ${column}: ${reason}`, options);
    this.name = "HoconError";
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** A place in the input, for error messages. */
export interface Position {
  readonly line: number;
  readonly column: number;
}
