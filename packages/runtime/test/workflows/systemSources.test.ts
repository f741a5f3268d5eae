import { describe, expect, it } from "vitest";
import { cryptoRandom, generatePassword } from "../../src/workflows/systemSources.ts";

describe("generatePassword", () => {
  it("gives 64 chars of [a-z0-9] with exactly 10 digits, different every time", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const password = cryptoRandom.password();
      expect(password).toMatch(/^[a-z0-9]{64}$/);
      expect(password.replace(/[a-z]/g, "")).toHaveLength(10);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });

  it("places the digits anywhere, not only at the end", () => {
    const positions = new Set<number>();
    for (let i = 0; i < 200; i++) {
      for (const [j, c] of [...generatePassword()].entries()) if (/\d/.test(c)) positions.add(j);
    }
    expect(Math.min(...positions)).toBeLessThan(10);
  });

  it("refuses impossible shapes, naming the rule", () => {
    expect(() => generatePassword(8, 9)).toThrow(/digits \(9\) must be an integer within 0..length \(8\)/);
  });
});
