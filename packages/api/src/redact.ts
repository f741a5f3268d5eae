/**
 * The one redaction layer of every output the reconciler writes for people: log lines (the CLI logger and the
 * Lambda functions' Powertools logger), Kubernetes Event messages and condition messages. A field named like a
 * secret never shows its value, credential-shaped text inside any string is replaced, and messages are bounded.
 */

/** Stands in for anything that looks secret. */
export const REDACTED = "[REDACTED]";

/** Longest Event or condition message written (Kubernetes caps an Event message at 1 KiB as well). */
export const MAX_MESSAGE_CHARS = 1024;

/**
 * Field names whose values are never printed: passwords, secrets, tokens, cookies, credentials, API keys,
 * licenses, `Authorization`, `config.data`. Bare `key` stays visible: in our logs it is the work-queue key
 * (`cluster/namespace/name`).
 */
export const SECRET_FIELD =
  /pass(word|wd)?|secret|token|cookie|credential|authori[sz]ation|api[-_]?key|license|config[-_.]?data/i;

/** Credential-shaped text inside any value (an error message quoting a header, a bootstrap key line, HOCON). */
const SECRET_TEXT: ReadonlyArray<[RegExp, string]> = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/g, `$1 ${REDACTED}`],
  [
    /(emqx-operator-controller|api[-_]?key|password|secret|token|cookie|license(?:\.key)?)("?\s*[:=]\s*)("?)[^\s",;}]+\3/gi,
    `$1$2$3${REDACTED}$3`,
  ],
  // A quoted HOCON `key = "…"` (a license block); an unquoted `key=…` is the work-queue key and stays.
  [/(\bkey\s*[:=]\s*)"[^"]*"/gi, `$1"${REDACTED}"`],
];

/**
 * Removes credential-shaped text from a string.
 *
 * @example scrubText("Authorization: Basic abc=") // "Authorization: Basic [REDACTED]"
 */
export function scrubText(text: string): string {
  return SECRET_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * A message fit for an Event or a condition: scrubbed, then cut to `max` characters with an ellipsis.
 *
 * @example safeMessage(hoconError.message) // at most 1024 characters, no credential-shaped text
 */
export function safeMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  const scrubbed = scrubText(text);
  return scrubbed.length <= max ? scrubbed : `${scrubbed.slice(0, max - 1)}…`;
}

/**
 * A `JSON.stringify` replacer that redacts at any depth: values of secret-named keys become {@link REDACTED},
 * strings are scrubbed, errors keep their name and a scrubbed message. Powertools' `jsonReplacerFn` takes it as is.
 *
 * @example JSON.stringify({ password: "x", msg: "Basic abc" }, redactingReplacer)
 */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== "" && SECRET_FIELD.test(key) && value !== undefined && value !== null) return REDACTED;
  if (typeof value === "string") return scrubText(value);
  if (value instanceof Error) return { name: value.name, message: scrubText(value.message) };
  return value;
}
