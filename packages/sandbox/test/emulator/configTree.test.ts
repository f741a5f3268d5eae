import { describe, expect, it } from "vitest";
import { HoconParseError, mergeHocon, parseHocon, printHocon } from "../../src/emulator/hocon.ts";

describe("parseHocon", () => {
  it("reads dotted keys, blocks, separators, strings, numbers, booleans, arrays and comments", () => {
    const text = `
      # operator header
      listeners.tcp.default.bind = 1883
      listeners.ssl.default { bind: "0.0.0.0:8883", enable = false }
      dashboard { listeners.http.bind = "0.0.0.0:18083" } // trailing comment
      sysmon.os.cpu_high_watermark = 80%
      node.cookie = """multi
line"""
      authentication = [{mechanism = password_based}, {mechanism = jwt}]
      log.console.level = debug
      path = \${HOME}/x
    `;
    expect(parseHocon(text)).toEqual({
      listeners: {
        tcp: { default: { bind: 1883 } },
        ssl: { default: { bind: "0.0.0.0:8883", enable: false } },
      },
      dashboard: { listeners: { http: { bind: "0.0.0.0:18083" } } },
      sysmon: { os: { cpu_high_watermark: "80%" } },
      node: { cookie: "multi\nline" },
      authentication: [{ mechanism: "password_based" }, { mechanism: "jwt" }],
      log: { console: { level: "debug" } },
      path: ["$", "{HOME}/x"].join(""),
    });
  });

  it("merges repeated objects and lets later scalars win, as HOCON does", () => {
    expect(parseHocon("a.b = 1\na { c = 2 }\na.b = 3")).toEqual({ a: { b: 3, c: 2 } });
  });

  it("reads a braced root document", () => {
    expect(parseHocon('{ "quoted.key" = 1 }')).toEqual({ "quoted.key": 1 });
  });

  it("names the line of a syntax error", () => {
    expect(() => parseHocon("a = 1\nb = {\n")).toThrow(HoconParseError);
    expect(() => parseHocon("a = 1\nb c")).toThrow(/line 2/);
    expect(() => parseHocon('include "other.conf"')).toThrow(/include is not supported/);
  });
});

describe("printHocon", () => {
  it("prints nested blocks that parse back to the same tree", () => {
    const tree = parseHocon(
      'dashboard.listeners.http.bind = 18083\nlisteners.ws.default.bind = "0.0.0.0:8083"\nx = [1, "a b"]',
    );
    const printed = printHocon(tree);
    expect(printed).toContain("dashboard {\n  listeners {\n    http {\n      bind = 18083");
    expect(parseHocon(printed)).toEqual(tree);
  });
});

describe("mergeHocon", () => {
  it("merges objects deeply and replaces everything else", () => {
    expect(mergeHocon({ a: { b: 1, c: [1] } }, { a: { c: [2], d: true } })).toEqual({
      a: { b: 1, c: [2], d: true },
    });
  });
});
