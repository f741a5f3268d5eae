import { toConf } from "./parse.ts";
import { asString, type ConfigInput, getPath } from "./values.ts";

/**
 * The Erlang node cookie set in the config (`node.cookie`), or undefined when it is absent or empty, in which case
 * the caller generates one (the operator's `generateNodeCookieSecret`).
 */
export function nodeCookie(input: ConfigInput): string | undefined {
  const cookie = asString(getPath(toConf(input), ["node", "cookie"]));
  return cookie === undefined || cookie === "" ? undefined : cookie;
}

/**
 * The `node_cookie` value of the `<name>-node-cookie` Secret for a cookie taken from the config: the cookie as a
 * HOCON quoted string. The operator always stored it in double quotes (for quoted and unquoted
 * config values alike), and that is also what makes it correct: the Secret reaches EMQX as `EMQX_NODE__COOKIE`,
 * and EMQX parses environment overrides as HOCON values, so `"sekrit-cookie"` gives EMQX exactly the cookie that
 * `config.data` holds, while an unquoted cookie that starts with a digit or holds a `#` would be read differently.
 * JSON string escaping is valid HOCON quoting, and for ordinary cookies it is byte-exact with the operator.
 *
 * @example cookieSecretValue("sekrit-cookie") // "\"sekrit-cookie\""
 */
export function cookieSecretValue(cookie: string): string {
  return JSON.stringify(cookie);
}
