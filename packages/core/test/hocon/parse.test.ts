// biome-ignore-all lint/suspicious/noTemplateCurlyInString: HOCON substitutions like ${a} are what these tests feed the parser
import { describe, expect, it } from "vitest";
import { asString, getPath, HoconError, parseHocon, readConfig } from "../../src/hocon/index.ts";
import { plain } from "./helpers.ts";

const parse = (text: string) => plain(parseHocon(text));

describe("Function: parseHocon", () => {
  describe("objects and keys", () => {
    it("accepts '=', ':' and no separator before '{'", () => {
      expect(parse("a = 1\nb : 2\nc { d = 3 }\ne = { f = 4 }\ng : { h = 5 }")).toEqual({
        a: "1",
        b: "2",
        c: { d: "3" },
        e: { f: "4" },
        g: { h: "5" },
      });
    });

    it("expands dotted keys and keeps quoted segments whole", () => {
      expect(parse('a.b.c = 1\n"x.y".z = 2\nm."n.o" = 3')).toEqual({
        a: { b: { c: "1" } },
        "x.y": { z: "2" },
        m: { "n.o": "3" },
      });
    });

    it("merges repeated object keys deeply, later scalars winning", () => {
      const text =
        "a { x = 1, y { p = 1 } }\na { y { q = 2 } }\na.x = 9\nb = 1\nb { c = 2 }\nd { e = 1 }\nd = 5";
      expect(parse(text)).toEqual({ a: { x: "9", y: { p: "1", q: "2" } }, b: { c: "2" }, d: "5" });
    });

    it("accepts a root wrapped in braces, commas and trailing commas", () => {
      expect(parse("{ a = 1, b = [1, 2,], c { d = 1, }, }")).toEqual({
        a: "1",
        b: ["1", "2"],
        c: { d: "1" },
      });
    });

    it("accepts CRLF line endings, tabs and a byte-order mark", () => {
      expect(parse("\ufeffa = 1\r\nb {\r\n\tc = x y\r\n}\r\n")).toEqual({ a: "1", b: { c: "x y" } });
    });

    it("keeps keys like __proto__ as ordinary keys", () => {
      const conf = parseHocon('__proto__ { polluted = 1 }\nconstructor = 2\n"toString" = 3');
      expect(plain(conf)).toEqual({ ["__proto__"]: { polluted: "1" }, constructor: "2", toString: "3" });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  describe("values", () => {
    it("reads arrays separated by commas or newlines, nested and holding objects", () => {
      expect(parse("a = [1, 2, 3]\nb = [\n  x\n  y, z\n]\nc = [[1], [{ d = 1 }]]\ne = []")).toEqual({
        a: ["1", "2", "3"],
        b: ["x", "y", "z"],
        c: [["1"], [{ d: "1" }]],
        e: [],
      });
    });

    it("decodes quoted strings and their escapes", () => {
      const conf = parseHocon('a = "x\\ty\\n\\"q\\" \\\\ \\u00e9 \\/"\nb = "# not a comment // either"');
      expect(asString(getPath(conf, "a"))).toBe('x\ty\n"q" \\ é /');
      expect(asString(getPath(conf, "b"))).toBe("# not a comment // either");
    });

    it("reads triple-quoted strings raw, across lines, with extra closing quotes kept", () => {
      const conf = parseHocon('a = """line 1\n  "line" 2\\n"""\nb = """x""""\nc = 1');
      expect(asString(getPath(conf, "a"))).toBe('line 1\n  "line" 2\\n');
      expect(asString(getPath(conf, "b"))).toBe('x"');
      expect(asString(getPath(conf, "c"))).toBe("1");
    });

    it("joins unquoted words with their whitespace into one string", () => {
      const conf = parseHocon('size = 1 MB\ninterval = 15s\nmixed = foo "bar"  baz\nhost = emqx@127.0.0.1');
      expect(plain(conf)).toEqual({
        size: "1 MB",
        interval: "15s",
        mixed: "foo bar  baz",
        host: "emqx@127.0.0.1",
      });
      expect(getPath(conf, "size")).toMatchObject({ kind: "string", quoted: false });
      expect(getPath(conf, "mixed")).toMatchObject({ kind: "string", quoted: true });
    });

    it("types lone numbers, booleans and null, and keeps the text as written", () => {
      const conf = parseHocon('n = 1883\nf = -1.5e3\nt = true\nq = "false"\no = off\nz = null\np = 01883');
      expect(getPath(conf, "n")).toEqual({ kind: "number", text: "1883", quoted: false });
      expect(getPath(conf, "f")).toEqual({ kind: "number", text: "-1.5e3", quoted: false });
      expect(getPath(conf, "t")).toEqual({ kind: "boolean", text: "true", quoted: false });
      expect(getPath(conf, "q")).toEqual({ kind: "string", text: "false", quoted: true });
      expect(getPath(conf, "o")).toEqual({ kind: "string", text: "off", quoted: false });
      expect(getPath(conf, "z")).toEqual({ kind: "null", text: "null", quoted: false });
      expect(getPath(conf, "p")).toEqual({ kind: "string", text: "01883", quoted: false });
    });

    it("ignores # and // comments, but not a single slash", () => {
      const text = "# head\na = 1 # tail\n// line\nb = /opt/emqx/data // tail\nc = 2";
      expect(parse(text)).toEqual({ a: "1", b: "/opt/emqx/data", c: "2" });
    });
  });

  describe("substitutions within the document", () => {
    it("resolves references to scalars, objects and later definitions", () => {
      const text =
        "port = 1883\nbind = ${port}\nbase { a = 1 }\ncopy = ${base}\nearly = ${late}\nlate = x\nlate = y";
      expect(parse(text)).toEqual({
        port: "1883",
        bind: "1883",
        base: { a: "1" },
        copy: { a: "1" },
        early: "y",
        late: "y",
      });
    });

    it("concatenates substitutions with strings, objects and arrays", () => {
      const text = 'h = "host"\nurl = ${h}":"8080\no { a = 1 }\nm = ${o} { b = 2 }\nl = [1]\nk = ${l} [2]';
      expect(parse(text)).toMatchObject({ url: "host:8080", m: { a: "1", b: "2" }, k: ["1", "2"] });
    });

    it("resolves self-references to the earlier value, and += appends", () => {
      const text =
        'path = "a"\npath = ${path}":b"\nlist = [1]\nlist += 2\nlist += 3\nfresh += x\no { a = 1 }\no = ${o} { b = 2 }';
      expect(parse(text)).toEqual({
        path: "a:b",
        list: ["1", "2", "3"],
        fresh: ["x"],
        o: { a: "1", b: "2" },
      });
    });

    it("merges an object-valued substitution with the earlier object", () => {
      expect(parse("b { y = 2 }\na { x = 1 }\na = ${b}\nc = 1\nc = ${b}")).toMatchObject({
        a: { x: "1", y: "2" },
        c: { y: "2" },
      });
    });

    it("resolves a sibling inside the same object", () => {
      expect(parse("a { x = 1, y = ${a.x} }\nb = ${?a.y}")).toEqual({ a: { x: "1", y: "1" }, b: "1" });
    });

    it("leaves out a field whose optional substitution finds nothing", () => {
      const conf = parseHocon(
        "a = ${?missing}\nb = [1, ${?missing}]\nc = x ${?missing}\nd = 1\nd = ${?missing}",
      );
      expect(plain(conf)).toEqual({ b: ["1"], c: "x", d: "1" });
      expect(getPath(conf, "a")).toBeUndefined();
    });

    it("reports a required substitution that finds nothing, at its line and column", () => {
      const error = catchError("a = 1\nb {\n  c = ${nope.here}\n}");
      expect(error).toMatchObject({ line: 3, column: 7 });
      expect(error.message).toBe(
        "config.data line 3, column 7: cannot resolve ${nope.here}: no such key in the configuration (the environment is never read)",
      );
    });

    it("reports cycles", () => {
      expect(catchError("a = ${b}\nb = ${a}").reason).toBe("substitutions form a cycle");
      expect(catchError("a = ${a}").reason).toMatch(/refers to itself and has no earlier value/);
    });
  });

  describe("errors", () => {
    it.each([
      ["listeners {\n  tcp.default {\n    bind 1883\n  }\n}", 3, 14, `expected '=' or ':' after key "bind"`],
      [
        "a = 1\nb = 0.0.0.0:1883",
        2,
        12,
        "':' is not allowed in an unquoted value; put the value in double quotes",
      ],
      ["a {\n  b = 1\n", 3, 1, "missing '}' for the '{' at line 1, column 3"],
      ["a = [1, 2 }", 1, 11, "expected ',' or ']' after an array element"],
      ['a = "never closed\nb = 1', 1, 5, "unterminated quoted string"],
      ["a = 1 }", 1, 7, "unexpected '}' with no object open"],
      ["a = \n}", 2, 1, `expected a value for key "a"`],
      ["a..b = 1", 1, 1, "a key has an empty segment ('.' at its start or end, or '..')"],
      ['a = "bad \\q escape"', 1, 10, "invalid escape sequence in quoted string"],
      ["a = 1 b = 2", 1, 9, "'=' is not allowed in an unquoted value; put the value in double quotes"],
      ["a = [1] ]", 1, 9, `expected a newline or ',' after the value of key "a"`],
      ["[1, 2]", 1, 1, "the configuration must be an object, not an array"],
    ])("%j fails at %i:%i", (text, line, column, reason) => {
      const error = catchError(text);
      expect(error).toBeInstanceOf(HoconError);
      expect({ line: error.line, column: error.column, reason: error.reason }).toEqual({
        line,
        column,
        reason,
      });
      expect(error.message).toBe(`config.data line ${line}, column ${column}: ${reason}`);
    });

    it("never echoes values, even when a value was written without '='", () => {
      const error = catchError("node {\n  cookie sekrit-cookie-value\n}");
      expect(error.reason).toBe(`expected '=' or ':' after key "cookie"`);
      expect(error.message).not.toContain("sekrit");
      expect(catchError('license.key = "lic-123" lic-456 : x').message).not.toContain("lic-");
    });

    it("names another source when asked", () => {
      expect(() => parseHocon("a = ", { source: "live config" })).toThrow(/^live config line 1, column 5: /);
    });
  });
});

describe("Function: readConfig", () => {
  it("returns the config or the error instead of throwing", () => {
    const good = readConfig("a = 1");
    expect(good.ok && asString(getPath(good.conf, "a"))).toBe("1");
    const bad = readConfig("a = {");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toBeInstanceOf(HoconError);
  });
});

function catchError(text: string): HoconError {
  try {
    parseHocon(text);
  } catch (error) {
    if (error instanceof HoconError) return error;
    throw error;
  }
  throw new Error("expected a HoconError");
}
