/**
 * The CLI's structured logger: one JSON object per line (`time`, `level`, `msg`, then the fields), or the same as
 * a short text line. It satisfies the runtime's `Logger` port. Whatever the workflows pass in, a field named like a
 * secret and a credential-shaped value never reach the output.
 */

import { isoTime, REDACTED, SECRET_FIELD, scrubText } from "@emqx-reconciler/api";
import type { LogFields, Logger } from "@emqx-reconciler/runtime";

/** Severity of a line. `debug` lines are printed only when the logger is `verbose`. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured fields of a line (the runtime's `LogFields`). */
export type Fields = LogFields;

/** How log lines look: JSON objects (machines, `kubectl logs`-style pipelines) or `time level msg k=v` text. */
export type LogFormat = "json" | "text";

/** The runtime's `Logger` port, with `debug` always there, plus fields every line carries (the cluster, the CR). */
export interface CliLogger extends Logger {
  debug(message: string, fields?: Fields): void;
  /** A logger whose lines carry `fields` too. */
  child(fields: Fields): CliLogger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  format: LogFormat;
  /** Receives each finished line, without the newline. */
  write: (line: string) => void;
  /** Fields never printed (a live view shows the cluster in its title, not on every line). */
  omit?: readonly string[];
  /** Print `debug` lines. @default false */
  verbose?: boolean;
  /** @default () => new Date() */
  now?: () => Date;
}

/** The shared redaction layer (`@emqx-reconciler/api`), re-exported for the CLI's callers. */
export { REDACTED, scrubText };

function printable(value: unknown): string | number | boolean {
  if (typeof value === "string") return scrubText(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  if (value instanceof Error) return scrubText(value.message);
  const json = JSON.stringify(value, (name, inner: unknown) =>
    name !== "" && SECRET_FIELD.test(name) ? REDACTED : inner,
  );
  return scrubText(json ?? String(value));
}

/** The fields as printed: secret-named ones replaced (at any depth), text scrubbed, `undefined` dropped. */
export function redactFields(fields: Fields): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[name] = SECRET_FIELD.test(name) ? REDACTED : printable(value);
  }
  return out;
}

function textValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** One line in the chosen format. Reserved names (`time`, `level`, `msg`) cannot be overwritten by fields. */
export function formatLine(
  format: LogFormat,
  time: Date,
  level: LogLevel,
  msg: string,
  fields: Fields,
): string {
  const { time: _t, level: _l, msg: _m, ...rest } = redactFields(fields);
  if (format === "json") return JSON.stringify({ time: isoTime(time), level, msg: scrubText(msg), ...rest });
  const pairs = Object.entries(rest).map(([k, v]) => ` ${k}=${textValue(v)}`);
  return `${isoTime(time)} ${level.toUpperCase().padEnd(5)} ${scrubText(msg)}${pairs.join("")}`;
}

/**
 * Builds the logger.
 *
 * @example const log = createLogger({ format: "json", write: (l) => process.stdout.write(`${l}\n`) });
 * log.child({ cluster: "local" }).info("Applied StatefulSet", { namespace: "default", name: "emqx-core-x" });
 */
export function createLogger(options: LoggerOptions, base: Fields = {}): CliLogger {
  const now = options.now ?? (() => new Date());
  const emit =
    (level: LogLevel) =>
    (msg: string, fields: Fields = {}) => {
      if (level === "debug" && !options.verbose) return;
      const all: Fields = { ...base, ...fields };
      for (const name of options.omit ?? []) delete all[name];
      options.write(formatLine(options.format, now(), level, msg, all));
    };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}
