import { describe, expect, it } from "vitest";
import { cookieSecretValue, nodeCookie, parseHocon } from "../../src/hocon/index.ts";

describe("Function: nodeCookie", () => {
  it.each([
    ["", undefined],
    ['node.cookie = ""', undefined],
    ["node.cookie = COOKIE", "COOKIE"],
    ['node.cookie = "sekrit-cookie"', "sekrit-cookie"],
    ["node.cookie = unquoted-cookie", "unquoted-cookie"],
    ['node.cookie = "COOKIE #!@#$"', "COOKIE #!@#$"],
    ['node { name = "emqx@127.0.0.1", cookie = "abc" }', "abc"],
    ['node.cookie = """~\n\t\t\tCOOKIE\n\t\t\tLONGER THAN\n\t\t\tNEEDED~"""', "COOKIE\nLONGER THAN\nNEEDED"],
    ["node.cookie = { nested = 1 }", undefined],
  ])("%j → %j", (text, cookie) => {
    expect(nodeCookie(parseHocon(text))).toBe(cookie);
    expect(nodeCookie(text)).toBe(cookie);
  });
});

describe("Function: cookieSecretValue", () => {
  it("wraps the cookie in double quotes, for quoted and unquoted config values alike", () => {
    expect(cookieSecretValue(nodeCookie('node.cookie = "sekrit-cookie"') ?? "")).toBe('"sekrit-cookie"');
    expect(cookieSecretValue(nodeCookie("node.cookie = unquoted-cookie") ?? "")).toBe('"unquoted-cookie"');
  });

  it("is a HOCON value that EMQX reads back as exactly the same cookie", () => {
    for (const cookie of ["sekrit-cookie", "COOKIE #!@#$", '"quoted" \\ back', "123abc", "multi\nline"]) {
      const env = cookieSecretValue(cookie);
      expect(nodeCookie(parseHocon(`node.cookie = ${env}`))).toBe(cookie);
    }
  });
});
