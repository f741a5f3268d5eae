import { RecentMemo } from "@emqx-reconciler/api";
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
 * The result is shared (its types are read-only): the same text parses once and then comes from a small memo.
 *
 * @throws {HoconError} naming the line, column and rule; never echoing a value from the text.
 * @example parseHocon('dashboard.listeners.http.bind = 18083')
 */
export function parseHocon(text: string, options: ParseHoconOptions = {}): HoconObject {
  if (options.limits !== undefined || text.length > MEMO_MAX_CHARS) return parseUncached(text, options);
  const key = `${options.source ?? ""}\u0000${text}`;
  const outcome = recentParses.get(key, () => {
    try {
      return parseUncached(text, options);
    } catch (error) {
      if (error instanceof HoconError) return error;
      throw error;
    }
  });
  if (outcome instanceof HoconError) throw outcome;
  return outcome;
}

/**
 * The outcomes of recent parses with the default limits, by source and text: one pass parses the same
 * `spec.config.data` (and the live config) several times, and so does every pass after it. Results are shared:
 * their types are read-only throughout. Texts over 64 KiB (real configs are a few KiB) are parsed each time,
 * which bounds what the memo holds.
 */
const recentParses = new RecentMemo<HoconObject | HoconError>(32);
const MEMO_MAX_CHARS = 64 * 1024;

function parseUncached(text: string, options: ParseHoconOptions): HoconObject {
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
