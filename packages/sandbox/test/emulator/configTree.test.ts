import { HoconError } from "@emqx-reconciler/core";
import { describe, expect, it } from "vitest";
import { mergeTrees, parseConfigText, printHocon } from "../../src/emulator/configTree.ts";

describe("parseConfigText", () => {
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
      log.file.level = null
      size = 1 MB
      path = \${log.console.level}/x
    `;
    expect(parseConfigText(text, "emqx.conf")).toEqual({
      listeners: {
        tcp: { default: { bind: 1883 } },
        ssl: { default: { bind: "0.0.0.0:8883", enable: false } },
      },
      dashboard: { listeners: { http: { bind: "0.0.0.0:18083" } } },
      sysmon: { os: { cpu_high_watermark: "80%" } },
      node: { cookie: "multi\nline" },
      authentication: [{ mechanism: "password_based" }, { mechanism: "jwt" }],
      log: { console: { level: "debug" }, file: { level: null } },
      size: "1 MB",
      path: "debug/x",
    });
  });

  it("merges repeated objects and lets later scalars win, as HOCON does", () => {
    expect(parseConfigText("a.b = 1\na { c = 2 }\na.b = 3", "t")).toEqual({ a: { b: 3, c: 2 } });
  });

  it("reads a braced root document and keeps keys such as __proto__ as plain keys", () => {
    const tree = parseConfigText('{ "quoted.key" = 1, "__proto__" { x = 1 } }', "t");
    expect(Object.keys(tree)).toEqual(["quoted.key", "__proto__"]);
    expect(Object.getPrototypeOf(tree)).toBe(Object.prototype);
  });

  it("throws core's HoconError naming the source and line", () => {
    expect(() => parseConfigText("a = 1\nb = {\n", "emqx.conf")).toThrow(HoconError);
    expect(() => parseConfigText("a = 1\nb c", "emqx.conf")).toThrow(/^emqx\.conf line 2/);
    expect(() => parseConfigText('include "other.conf"', "t")).toThrow(/include/);
  });
});

describe("printHocon", () => {
  it("prints nested blocks that parse back to the same tree", () => {
    const tree = parseConfigText(
      'dashboard.listeners.http.bind = 18083\nlisteners.ws.default.bind = "0.0.0.0:8083"\nx = [1, "a b"]',
      "t",
    );
    const printed = printHocon(tree);
    expect(printed).toContain("dashboard {\n  listeners {\n    http {\n      bind = 18083");
    expect(parseConfigText(printed, "t")).toEqual(tree);
  });
});

describe("mergeTrees", () => {
  it("merges trees deeply and replaces everything else", () => {
    expect(mergeTrees({ a: { b: 1, c: [1] } }, { a: { c: [2], d: true } })).toEqual({
      a: { b: 1, c: [2], d: true },
    });
  });

  it("keeps a __proto__ key as data instead of changing the prototype", () => {
    const over = parseConfigText('"__proto__" { polluted = true }', "t");
    const merged = mergeTrees({ a: 1 }, over);
    expect(Object.keys(merged)).toEqual(["a", "__proto__"]);
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
