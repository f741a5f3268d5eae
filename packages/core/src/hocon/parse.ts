import { HoconError } from "./errors.ts";
import { DEFAULT_HOCON_LIMITS, type HoconLimits, WorkBudget } from "./limits.ts";
import { Parser } from "./parser.ts";
import { Resolver } from "./resolve.ts";
import type { ConfigInput, HoconObject } from "./values.ts";

/** Options of {@link parseHocon}. */
export interface ParseHoconOptions {
  /**
   * Names the text in error messages.
   * @default "config.data"
   */
  readonly source?: string;
  /** Overrides of {@link DEFAULT_HOCON_LIMITS}. */
  readonly limits?: Partial<HoconLimits>;
}

/**
 * Parses untrusted HOCON into a resolved object, as a pure function of the text.
 *
 * Covers what EMQX configs use: objects with `=`, `:` or no separator before `{`; dotted and quoted keys; deep
 * merging of repeated keys; arrays; quoted, triple-quoted and unquoted strings (unquoted parts joined by their
 * whitespace, so `1 MB` is one string); comments; `+=`; and substitutions resolved within the document.
 *
 * It never reads anything else: `include` in any form is rejected, and `${X}` / `${?X}` are looked up only in
 * the document, never in the environment (a required one that is missing is an error, an optional one leaves its
 * field out). Size, nesting and resolution work are bounded by {@link HoconLimits}.
 *
 * @throws {HoconError} naming the line, column and rule; never echoing a value from the text.
 * @example parseHocon('dashboard.listeners.http.bind = 18083')
 */
export function parseHocon(text: string, options: ParseHoconOptions = {}): HoconObject {
  const source = options.source ?? "config.data";
  const limits: HoconLimits = { ...DEFAULT_HOCON_LIMITS, ...options.limits };
  if (text.length > limits.maxChars) {
    throw new HoconError(
      source,
      1,
      1,
      `the text is ${text.length} characters long; the limit is ${limits.maxChars}`,
    );
  }
  const budget = new WorkBudget(limits.maxWork, source);
  const tree = new Parser(text, source, limits, budget).parseDocument();
  return new Resolver(tree, source, limits, budget).resolveRoot();
}

/** The outcome of {@link readConfig}: the parsed config, or the error to report as `InvalidConfig`. */
export type ReadConfigResult = { ok: true; conf: HoconObject } | { ok: false; error: HoconError };

/**
 * {@link parseHocon} that returns its error instead of throwing, for the reconcile step that turns an invalid
 * `spec.config.data` into the `InvalidConfig` condition and Warning event.
 */
export function readConfig(data: string, options: ParseHoconOptions = {}): ReadConfigResult {
  try {
    return { ok: true, conf: parseHocon(data, options) };
  } catch (error) {
    if (error instanceof HoconError) return { ok: false, error };
    throw error;
  }
}

/** A parsed config from a {@link ConfigInput}: objects pass through, text is parsed (and may throw). */
export function toConf(input: ConfigInput): HoconObject {
  return typeof input === "string" ? parseHocon(input) : input;
}
