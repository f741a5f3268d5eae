import { describe, expect, it } from "vitest";
import { isoSeconds } from "../src/time.ts";

describe("isoSeconds", () => {
  it("drops the fraction, as Kubernetes stores times", () => {
    expect(isoSeconds(new Date("2026-01-02T03:04:05.999Z"))).toBe("2026-01-02T03:04:05Z");
  });

  it("keeps a whole second as it is", () => {
    expect(isoSeconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02T03:04:05Z");
  });
});
