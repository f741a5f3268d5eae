import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS, REDACTED, redactingReplacer, safeMessage, scrubText } from "../src/redact.ts";

describe("the redaction layer", () => {
  it.each([
    ["Authorization: Basic ZW1xeDpzZWNyZXQ=", `Authorization: Basic ${REDACTED}`],
    ["emqx-operator-controller:abc123 rejected", `emqx-operator-controller:${REDACTED} rejected`],
    ['node.cookie = "c00kie"', `node.cookie = "${REDACTED}"`],
    ['license { key = "MjIwMTEx" }', `license { key = "${REDACTED}" }`],
    ["license.key=MjIwMTEx", `license.key=${REDACTED}`],
    ['dashboard.default_password = "hunter2"', `dashboard.default_password = "${REDACTED}"`],
    ["key=e2e/ns/emqx", "key=e2e/ns/emqx"],
  ])("scrubs %s", (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it("bounds messages and scrubs them first", () => {
    const long = `password=hunter2 ${"x".repeat(5000)}`;
    const safe = safeMessage(long);
    expect(safe).toHaveLength(MAX_MESSAGE_CHARS);
    expect(safe.endsWith("…")).toBe(true);
    expect(safe).not.toContain("hunter2");
    expect(safeMessage("short")).toBe("short");
  });

  it("redacts secret-named keys at any depth and strings everywhere when serialising", () => {
    const text = JSON.stringify(
      {
        msg: "token: abc",
        fields: { nested: { password: "p", apiKey: "k" }, count: 3 },
        error: new Error("secret=s"),
      },
      redactingReplacer,
    );
    expect(JSON.parse(text)).toEqual({
      msg: `token: ${REDACTED}`,
      fields: { nested: { password: REDACTED, apiKey: REDACTED }, count: 3 },
      error: { name: "Error", message: `secret=${REDACTED}` },
    });
  });
});
