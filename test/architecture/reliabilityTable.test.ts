import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CaseRow, caseIdsOf, parseReliabilityTable, testTitles } from "./reliabilityTable.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CASE_COUNT = 46;
const rows = parseReliabilityTable(readFileSync(join(ROOT, "docs", "reliability.md"), "utf8"));

/** Every `*.test.ts` of the repository, repo-relative. */
function testFiles(): string[] {
  const roots = ["test", ...readdirSync(join(ROOT, "packages")).map((p) => join("packages", p, "test"))];
  return roots
    .filter((dir) => existsSync(join(ROOT, dir)))
    .flatMap((dir) =>
      readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => join(dir, f)),
    );
}

function titlesOf(file: string) {
  return testTitles(readFileSync(join(ROOT, file), "utf8"));
}

describe("docs/reliability.md", () => {
  it(`lists the ${CASE_COUNT} cases R1 … R${CASE_COUNT} once each, in order`, () => {
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: CASE_COUNT }, (_, i) => `R${i + 1}`));
  });

  it.each(rows.map((r): [string, CaseRow] => [r.id, r]))(
    "%s names tests that exist, run (no skip or todo) and carry the case id",
    (_id, row) => {
      if (row.verdict === "covered") expect(row.tests.length).toBeGreaterThan(0);
      else expect(row.verdictText).toMatch(/^[a-z ]+: \S/);
      for (const test of row.tests) {
        expect(existsSync(join(ROOT, test.file)), test.file).toBe(true);
        const found = titlesOf(test.file).filter((t) => t.title === test.title);
        expect(
          found.map((t) => t.modifier ?? "it"),
          `${test.file} › ${test.title}`,
        ).toHaveLength(1);
        expect(["skip", "todo", "only"]).not.toContain(found[0]?.modifier);
        expect(caseIdsOf(test.title)).toContain(row.id);
      }
    },
  );

  it("lists every test whose title starts with a case id under that case", () => {
    const listed = new Set(rows.flatMap((r) => r.tests.map((t) => `${t.file} › ${t.title}`)));
    const unlisted = testFiles().flatMap((file) =>
      titlesOf(file)
        .filter((t) => caseIdsOf(t.title).length > 0 && !listed.has(`${file} › ${t.title}`))
        .map((t) => `${file} › ${t.title}`),
    );
    expect(unlisted).toEqual([]);
  });
});

describe("parseReliabilityTable", () => {
  it("reads ids, tests and verdicts, and names the line of a row it cannot read", () => {
    const table = [
      "| id | case | condition → behaviour | tests | verdict |",
      "|---|---|---|---|---|",
      '| R1 | dup | twice → nothing | `a.test.ts` › "R1 x"<br>`b.test.ts` › "R1, R2 y" | covered |',
      "| R2 | gone | no AWS here → none |  | documented limitation: needs AWS |",
    ].join("\n");
    expect(parseReliabilityTable(table)).toEqual([
      {
        id: "R1",
        name: "dup",
        tests: [
          { file: "a.test.ts", title: "R1 x" },
          { file: "b.test.ts", title: "R1, R2 y" },
        ],
        verdict: "covered",
        verdictText: "covered",
      },
      {
        id: "R2",
        name: "gone",
        tests: [],
        verdict: "documented limitation",
        verdictText: "documented limitation: needs AWS",
      },
    ]);
    expect(() => parseReliabilityTable("\n| R3 | c | d | `a.test.ts` › R3 x | covered |")).toThrow(/line 2/);
    expect(() => parseReliabilityTable("| R3 | c | d | | maybe |")).toThrow(/line 1/);
  });
});

describe("testTitles", () => {
  it("reads it, describe and it.each titles in any quote, and the modifier", () => {
    const source = [
      'describe("outer", () => {',
      "  it('single \\'quoted\\'', () => {});",
      '  it.each([{ a: [1, (2)] }, "x)"])(\n    `$a each`,\n    async () => {},\n  );',
      // A skipped test in the fixture, written in two parts so tree scans for skipped tests do not take it for one.
      `  it.${"skip"}("skipped", () => {});`,
      '  it.each<[string, Record<string, number>]>([["a", {}]])("typed %s", () => {});',
      "  it(name, () => {});",
      "});",
    ].join("\n");
    expect(testTitles(source)).toEqual([
      { title: "outer", modifier: undefined },
      { title: "single 'quoted'", modifier: undefined },
      { title: "$a each", modifier: "each" },
      { title: "skipped", modifier: "skip" },
      { title: "typed %s", modifier: "each" },
    ]);
  });

  it("reads the case ids a title starts with", () => {
    expect(caseIdsOf("R1, R2 duplicate hints")).toEqual(["R1", "R2"]);
    expect(caseIdsOf("R12 watch dropped")).toEqual(["R12"]);
    expect(caseIdsOf("Ready stays")).toEqual([]);
  });
});
