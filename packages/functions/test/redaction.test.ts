import { REDACTED } from "@emqx-reconciler/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger, portLogger } from "../src/observability.ts";

const CANARY = {
  password: "canary-password-7f3a",
  cookie: "canary-cookie-91bd",
  license: "canary-license-c04e",
  apiSecret: "canary-apisecret-55aa",
};

/** Everything the Powertools logger printed while `act` ran. */
function printed(act: () => void): string {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture);
  act();
  out.mockRestore();
  err.mockRestore();
  return lines.join("");
}

afterEach(() => vi.restoreAllMocks());

describe("the functions' Powertools logger redacts like the CLI logger", () => {
  it("secret-named fields at any depth, credential-shaped text in messages, fields and errors", () => {
    // Act
    const text = printed(() => {
      const log = portLogger({ key: "prod/mq/emqx" });
      log.info(
        `Authorization: Basic ${Buffer.from(`emqx-operator-controller:${CANARY.apiSecret}`).toString("base64")}`,
      );
      log.warn("EMQX said no", {
        error: `bad line emqx-operator-controller:${CANARY.apiSecret}`,
        nested: { deeper: { password: CANARY.password } },
        cookie: CANARY.cookie,
        config: `license { key = "${CANARY.license}" }`,
      });
      log.error("Reconcile failed", { error: new Error(`node.cookie = ${CANARY.cookie}`) });
      logger.info("direct line", { licenseKey: CANARY.license });
    });

    // Assess
    expect(text).not.toBe("");
    for (const canary of Object.values(CANARY)) expect(text).not.toContain(canary);
    expect(text).toContain(REDACTED);
    expect(text).toContain("prod/mq/emqx");
  });
});
