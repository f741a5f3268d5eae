import { describe, expect, it } from "vitest";
import {
  asString,
  DEFAULT_LISTENERS_HEADER,
  getPath,
  mergedConfig,
  parseHocon,
} from "../../src/hocon/index.ts";

describe("Constant: DEFAULT_LISTENERS_HEADER", () => {
  it("is the operator's four lines, byte for byte (two spaces in the ws line)", () => {
    expect(DEFAULT_LISTENERS_HEADER).toBe(
      "listeners.tcp.default.bind = 1883\n" +
        "listeners.ssl.default.bind = 8883\n" +
        "listeners.ws.default.bind  = 8083\n" +
        "listeners.wss.default.bind = 8084",
    );
  });
});

describe("Function: mergedConfig", () => {
  it("is header, newline, data — unchanged, even when the data is empty or has no final newline", () => {
    expect(mergedConfig("")).toBe(`${DEFAULT_LISTENERS_HEADER}\n`);
    const data = 'license { key = "..." }';
    expect(mergedConfig(data)).toBe(`${DEFAULT_LISTENERS_HEADER}\n${data}`);
  });

  it("lets the user's settings win over the header when EMQX reads it", () => {
    const conf = parseHocon(mergedConfig('listeners.tcp.default.bind = "0.0.0.0:11883"'));
    expect(asString(getPath(conf, "listeners.tcp.default.bind"))).toBe("0.0.0.0:11883");
    expect(asString(getPath(conf, "listeners.ws.default.bind"))).toBe("8083");
  });
});
