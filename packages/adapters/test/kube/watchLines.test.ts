import { describe, expect, it } from "vitest";
import { parseWatchLine, splitLines } from "../../src/kube/watchLines.ts";

const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", resourceVersion: "42" } };

describe("parseWatchLine", () => {
  it("reads an event as it came", () => {
    // Act
    const line = parseWatchLine(JSON.stringify({ type: "MODIFIED", object: configMap }));
    // Assess
    expect(line).toEqual({ kind: "event", event: { type: "MODIFIED", object: configMap } });
  });

  it("reads a bookmark as an event carrying only the position", () => {
    const bookmark = { type: "BOOKMARK", object: { kind: "ConfigMap", metadata: { resourceVersion: "77" } } };
    expect(parseWatchLine(JSON.stringify(bookmark))).toEqual({ kind: "event", event: bookmark });
  });

  it("treats whitespace-only lines as keep-alives", () => {
    expect(parseWatchLine("")).toEqual({ kind: "blank" });
    expect(parseWatchLine("  \r")).toEqual({ kind: "blank" });
  });

  it("reads an ERROR with code 410 as gone, so the caller relists", () => {
    const expired = { kind: "Status", status: "Failure", reason: "Expired", code: 410 };
    expect(parseWatchLine(JSON.stringify({ type: "ERROR", object: expired }))).toEqual({ kind: "gone" });
  });

  it("reads any other ERROR as failed, with its code and status body", () => {
    const status = { kind: "Status", status: "Failure", reason: "InternalError", message: "boom", code: 503 };
    expect(parseWatchLine(JSON.stringify({ type: "ERROR", object: status }))).toEqual({
      kind: "failed",
      code: 503,
      status,
    });
  });

  it("gives an ERROR without a code the code 500", () => {
    const line = parseWatchLine(JSON.stringify({ type: "ERROR", object: { message: "no code" } }));
    expect(line).toMatchObject({ kind: "failed", code: 500 });
  });

  it("reports a line that is not JSON as malformed, keeping the parser's error as the cause", () => {
    const line = parseWatchLine('{"type":"ADDED","object":');
    expect(line.kind).toBe("malformed");
    if (line.kind !== "malformed") return;
    expect(line.error.message).toBe("Malformed watch event");
    expect(line.error.cause).toBeInstanceOf(SyntaxError);
  });
});

describe("splitLines", () => {
  it("returns complete lines and keeps the unfinished tail for the next chunk", () => {
    expect(splitLines('{"a":1}\n{"b":2}\n{"c"')).toEqual({ lines: ['{"a":1}', '{"b":2}'], rest: '{"c"' });
  });

  it("returns no line until a newline arrives", () => {
    expect(splitLines('{"a":')).toEqual({ lines: [], rest: '{"a":' });
  });

  it("rebuilds every line of a body cut into chunks at arbitrary places", () => {
    // Prepare
    const body = ['{"type":"ADDED"}', "", '{"type":"DELETED"}', '{"type":"BOOKMARK"}']
      .join("\n")
      .concat("\n");
    const seen: string[] = [];
    let buffer = "";
    // Act
    for (let at = 0; at < body.length; at += 5) {
      const { lines, rest } = splitLines(buffer + body.slice(at, at + 5));
      seen.push(...lines);
      buffer = rest;
    }
    // Assess
    expect(seen).toEqual(['{"type":"ADDED"}', "", '{"type":"DELETED"}', '{"type":"BOOKMARK"}']);
    expect(buffer).toBe("");
  });
});
