// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HOCON substitutions like ${a} are what these tests feed the parser
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPath, HoconError, parseHocon, readConfig } from "../../src/hocon/index.ts";
import { plain } from "./helpers.ts";

/** Everything a parse produced, as text, to search for a canary. */
function everything(text: string): string {
  const result = readConfig(text);
  if (result.ok) return JSON.stringify(plain(result.conf));
  const { message, reason, line, column, stack } = result.error;
  return JSON.stringify({ message, reason, line, column, stack, cause: String(result.error.cause) });
}

describe("HOCON safety: nothing outside the text is ever read", () => {
  const FILE_CANARY = "canary-file-7f3a9c-secret";
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "hocon-canary-"));
    file = join(dir, "secret.conf");
    writeFileSync(file, `stolen = "${FILE_CANARY}"\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    (p: string) => `include "${p}"`,
    (p: string) => `include file("${p}")`,
    (p: string) => `include required(file("${p}"))`,
    (p: string) => `include required("${p}")`,
    (p: string) => `include classpath("${p}")`,
    (p: string) => `a = 1\nnested {\n  include file("${p}")\n}`,
  ])("R41 rejects include (%#) with a typed error and never yields the file", (make) => {
    const text = make(file);
    expect(() => parseHocon(text)).toThrow(HoconError);
    const result = readConfig(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.reason).toMatch(/^include is not allowed/);
    expect(everything(text)).not.toContain(FILE_CANARY);
    expect(everything(text)).not.toContain(file);
  });

  it("reports the include's line and column", () => {
    const result = readConfig(`a = 1\nb {\n  include file("${file}")\n}`);
    expect(!result.ok && { line: result.error.line, column: result.error.column }).toEqual({
      line: 3,
      column: 3,
    });
  });

  it("still accepts a key named include when it has a separator", () => {
    expect(plain(parseHocon('include = 1\n"include" { a = 2 }'))).toEqual({ include: { a: "2" } });
  });

  describe("environment", () => {
    const ENV_CANARY = "canary-env-41d2e8-secret";
    beforeAll(() => {
      process.env.CANARY_X = ENV_CANARY;
    });
    afterAll(() => {
      delete process.env.CANARY_X;
    });

    it("does not resolve ${CANARY_X} from the environment: a required one is an error", () => {
      const result = readConfig("node.cookie = ${CANARY_X}");
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error.reason).toMatch(/cannot resolve \$\{CANARY_X\}/);
      expect(everything("node.cookie = ${CANARY_X}")).not.toContain(ENV_CANARY);
    });

    it("R41 does not resolve ${?CANARY_X} from the environment: the field is left out", () => {
      const conf = parseHocon(
        'a = ${?CANARY_X}\nb = "x" ${?CANARY_X}\nc = [${?CANARY_X}]\nd = default\nd = ${?CANARY_X}',
      );
      expect(getPath(conf, "a")).toBeUndefined();
      expect(plain(conf)).toEqual({ b: "x", c: [], d: "default" });
      expect(JSON.stringify(plain(conf))).not.toContain(ENV_CANARY);
    });

    it("resolves the same name when the document itself defines it", () => {
      expect(plain(parseHocon("CANARY_X = mine\na = ${CANARY_X}\nb = ${?CANARY_X}"))).toMatchObject({
        a: "mine",
        b: "mine",
      });
    });
  });

  describe("network", () => {
    let server: Server;
    let port = 0;
    let connections = 0;

    beforeAll(async () => {
      server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const address = server.address();
      port = typeof address === "object" && address !== null ? address.port : 0;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("R41 rejects include url(...) and makes no connection", async () => {
      const url = `http://127.0.0.1:${port}/x`;
      for (const text of [`include url("${url}")`, `include required(url("${url}"))`, `include "${url}"`]) {
        expect(readConfig(text).ok).toBe(false);
      }
      const asValue = parseHocon(`a = "${url}"\nb = \${?a}`);
      expect(getPath(asValue, "b")).toMatchObject({ text: url });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(port).toBeGreaterThan(0);
      expect(connections).toBe(0);
    });
  });
});

describe("HOCON safety: hostile input is bounded", () => {
  it("rejects nesting deeper than the limit with a clear error", () => {
    expect(() => parseHocon(`${"a { ".repeat(100)}${"} ".repeat(100)}`)).toThrow(
      /objects nest deeper than 64 levels/,
    );
    expect(() => parseHocon(`a = ${"[".repeat(100_000)}`)).toThrow(/arrays nest deeper than 64 levels/);
    expect(() => parseHocon(`${Array.from({ length: 100 }, (_, i) => `k${i}`).join(".")} = 1`)).toThrow(
      /objects nest deeper than 64 levels/,
    );
    expect(() => parseHocon(`${"a { ".repeat(60)}${"} ".repeat(60)}`)).not.toThrow();
  });

  it("rejects text over the size limit before parsing", () => {
    const error = readConfig(`a = "${"x".repeat(3 * 1024 * 1024)}"`);
    expect(!error.ok && error.error.reason).toMatch(
      /^the text is \d+ characters long; the limit is 2097152$/,
    );
    expect(readConfig("a = 1", { limits: { maxChars: 3 } }).ok).toBe(false);
  });

  it("stops exponential expansion (billion laughs) at the work limit", () => {
    const lines = ['l0 = "ha"'];
    for (let i = 1; i <= 40; i++) lines.push(`l${i} = \${l${i - 1}}\${l${i - 1}}`);
    expect(() => parseHocon(lines.join("\n"))).toThrow(/expands beyond the work limit/);
    const arrays = [
      "a0 = [1, 1]",
      ...Array.from({ length: 40 }, (_, i) => `a${i + 1} = \${a${i}} \${a${i}}`),
    ];
    expect(() => parseHocon(arrays.join("\n"))).toThrow(/expands beyond the work limit/);
  });

  it("stops quadratic self-reference copying at the work limit", () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `a.k${i} = \${?a}`);
    expect(() => parseHocon(lines.join("\n"))).toThrow(/work limit|nest deeper/);
  });

  it("reports long substitution chains instead of overflowing the stack", () => {
    const lines = [...Array.from({ length: 5_000 }, (_, i) => `v${i} = \${v${i + 1}}`), "v5000 = 1"];
    expect(() => parseHocon(lines.join("\n"))).toThrow(/substitutions nest deeper than 500 levels/);
    const inOrder = ["v0 = 1", ...Array.from({ length: 5_000 }, (_, i) => `v${i + 1} = \${v${i}}`)];
    expect(getPath(parseHocon(inOrder.join("\n")), "v5000")).toMatchObject({ text: "1" });
  });

  it("reports long chains of overriding assignments instead of overflowing the stack", () => {
    const text = `b = \${a.c}\n${"a = ${?x}\n".repeat(100_000)}`;
    expect(() => parseHocon(text)).toThrow(/substitutions nest deeper than 500 levels/);
  });

  it("parses a large flat config of the size the api allows", () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `zone_${i}.mqtt.max_packet_size = "${i} MB"`);
    const conf = parseHocon(lines.join("\n"));
    expect(getPath(conf, "zone_19999.mqtt.max_packet_size")).toMatchObject({ text: "19999 MB" });
  });
});
