/** The CLI's logger: one JSON object per line, and nothing secret-looking ever printed. */
import { describe, expect, it } from "vitest";
import { createLogger, formatLine, REDACTED, scrubText } from "../src/log.ts";

const NOW = new Date("2026-01-02T03:04:05.678Z");

function capture(format: "json" | "text", verbose = false) {
  const lines: string[] = [];
  const logger = createLogger({ format, write: (l) => lines.push(l), now: () => NOW, verbose });
  return { lines, logger };
}

describe("createLogger (json)", () => {
  it("writes one object per line: time, level, msg, then the base and line fields", () => {
    const { lines, logger } = capture("json");
    logger
      .child({ cluster: "local" })
      .info("Applied StatefulSet", { namespace: "default", name: "emqx-core-x" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("\n");
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      time: "2026-01-02T03:04:05.678Z",
      level: "info",
      msg: "Applied StatefulSet",
      cluster: "local",
      namespace: "default",
      name: "emqx-core-x",
    });
  });

  it("never prints the value of a secret-looking field, at any depth", () => {
    const { lines, logger } = capture("json");
    const secrets = {
      password: "hunter2-password",
      apiKey: "k-123456",
      api_key: "k-654321",
      bootstrap_api_key: "emqx-operator-controller:abcdefghij0123456789",
      node_cookie: "cookie-value-xyz",
      token: "eyJhbGciOi.token",
      Authorization: "Basic dXNlcjpwYXNz",
      license: "MjIwMTExCjAKMTAKRXZhbHVhdGlvbgpjb250YWN0QGVtcXguaW8K",
      configData: 'license { key = "secret-license" }',
      secret: "s3cr3t-value",
      credential: { username: "emqx-operator-controller", password: "nested-password" },
    };
    logger.warn("Read the cluster", { ...secrets, nested: { deeper: { password: "deep-password" } } });
    const line = lines[0] ?? "";
    for (const value of [
      "hunter2-password",
      "k-123456",
      "k-654321",
      "abcdefghij0123456789",
      "cookie-value-xyz",
      "eyJhbGciOi",
      "dXNlcjpwYXNz",
      "MjIwMTExCjAK",
      "secret-license",
      "s3cr3t-value",
      "nested-password",
      "deep-password",
    ])
      expect(line).not.toContain(value);
    const printed = JSON.parse(line) as Record<string, unknown>;
    for (const name of Object.keys(secrets)) expect(printed[name]).toBe(REDACTED);
    expect(printed.nested).toBe(JSON.stringify({ deeper: { password: REDACTED } }));
  });

  it("scrubs credentials quoted inside messages and error texts", () => {
    const { lines, logger } = capture("json");
    logger.error("request failed: Authorization: Basic ZW1xeDpwdw== refused", {
      error: new Error("bad line emqx-operator-controller:pw0123456789 in bootstrap_api_key"),
      detail: 'node.cookie = "abc123cookie"; password=topsecret',
    });
    const line = lines[0] ?? "";
    for (const value of ["ZW1xeDpwdw==", "pw0123456789", "abc123cookie", "topsecret"])
      expect(line).not.toContain(value);
    const printed = JSON.parse(line) as Record<string, string>;
    expect(printed.msg).toBe(`request failed: Authorization: Basic ${REDACTED} refused`);
    expect(printed.error).toBe(`bad line emqx-operator-controller:${REDACTED} in bootstrap_api_key`);
  });

  it("keeps ordinary fields, including the work-queue key, and drops undefined ones", () => {
    const { lines, logger } = capture("json");
    logger.info("Reconciled", {
      key: "local/default/emqx",
      requeueAfterSeconds: 5,
      ready: true,
      uid: undefined,
    });
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      key: "local/default/emqx",
      requeueAfterSeconds: 5,
      ready: true,
    });
    expect(lines[0]).not.toContain("uid");
  });

  it("does not let fields overwrite time, level or msg", () => {
    const { lines, logger } = capture("json");
    logger.info("Real message", { msg: "forged", level: "error", time: "yesterday" });
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      time: NOW.toISOString(),
      level: "info",
      msg: "Real message",
    });
  });

  it("leaves out the fields it is told to omit", () => {
    const lines: string[] = [];
    const logger = createLogger({
      format: "text",
      write: (l) => lines.push(l),
      now: () => NOW,
      omit: ["cluster"],
    });
    logger.child({ cluster: "sandbox-default" }).info("Applied Service", { name: "emqx" });
    expect(lines).toEqual([`${NOW.toISOString()} INFO  Applied Service name=emqx`]);
  });

  it("prints debug lines only when verbose", () => {
    const quiet = capture("json");
    quiet.logger.debug("Watch restarted");
    expect(quiet.lines).toEqual([]);
    const verbose = capture("json", true);
    verbose.logger.debug("Watch restarted");
    expect(JSON.parse(verbose.lines[0] ?? "")).toMatchObject({ level: "debug" });
  });
});

describe("formatLine (text)", () => {
  it("prints time, level, message and quoted fields on one line, secrets redacted", () => {
    expect(
      formatLine("text", NOW, "warn", "Failed to get node statuses", {
        name: "emqx",
        error: "connect ECONNREFUSED 127.1.0.5:18083",
        password: "p",
      }),
    ).toBe(
      `2026-01-02T03:04:05.678Z WARN  Failed to get node statuses name=emqx error="connect ECONNREFUSED 127.1.0.5:18083" password=${REDACTED}`,
    );
  });
});

describe("scrubText", () => {
  it("leaves text without credentials unchanged", () => {
    const text =
      "Secret default/emqx-bootstrap-api-key has no controller line; created StatefulSet emqx-core-abc";
    expect(scrubText(text)).toBe(text);
  });
});
