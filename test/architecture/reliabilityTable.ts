/**
 * The reliability table of `docs/reliability.md` as data, and the titles of the tests of a file, so a test can
 * check that every case names tests that exist and carry the case's id.
 */

/** How a case is answered: a test that shows it, a limitation stated with its reason, or work under way. */
export type Verdict = "covered" | "documented limitation" | "in progress";

/** One test named by the table: a file of the repository and the title of an `it` / `describe` in it. */
export interface TestRef {
  readonly file: string;
  readonly title: string;
}

/** One row of the table. */
export interface CaseRow {
  /** `R1` … */
  readonly id: string;
  readonly name: string;
  readonly tests: readonly TestRef[];
  readonly verdict: Verdict;
  /** The verdict cell as written, with its reason. */
  readonly verdictText: string;
}

/** One test title found in a source file, with the call's modifier (`each`, `skip`, …) if any. */
export interface TitleRef {
  readonly title: string;
  readonly modifier: string | undefined;
}

/** A case id at the start of a test title, alone or in a list: `R12 …`, `R1, R2 …`. */
export const CASE_ID_PREFIX = /^(R\d+(?:, R\d+)*) /;

const VERDICTS: readonly Verdict[] = ["covered", "documented limitation", "in progress"];
const ROW = /^\|\s*(R\d+)\s*\|/;
const TEST_REF = /`([^`]+\.test\.ts)` › "([^"]+)"/g;

/** The case ids a title starts with (none when it starts with none). */
export function caseIdsOf(title: string): string[] {
  return CASE_ID_PREFIX.exec(title)?.[1]?.split(", ") ?? [];
}

/**
 * Reads the rows of the table: `| id | case | condition → behaviour | tests | verdict |`, tests written as
 * `` `path` › "title" `` (several separated by `<br>`); no cell may hold a `|`. Throws, naming the line, on a
 * row it cannot read.
 */
export function parseReliabilityTable(markdown: string): CaseRow[] {
  return markdown.split("\n").flatMap((line, index) => {
    if (!ROW.test(line)) return [];
    const cells = line
      .trim()
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => c.trim());
    const [id = "", name = "", , testsCell = "", verdictText = ""] = cells;
    const verdict = VERDICTS.find((v) => verdictText.toLowerCase().startsWith(v));
    if (cells.length !== 5 || !verdict)
      throw new Error(`docs/reliability.md line ${index + 1}: expected 5 cells ending in a verdict: ${line}`);
    const tests = [...testsCell.matchAll(TEST_REF)].map((m) => ({ file: m[1] ?? "", title: m[2] ?? "" }));
    const written = testsCell.split("<br>").filter((t) => t.trim() !== "").length;
    if (written !== tests.length)
      throw new Error(`docs/reliability.md line ${index + 1}: a test is not written as \`path\` › "title"`);
    return [{ id, name, tests, verdict, verdictText }];
  });
}

/** Index just past the string literal that starts at `start` (a quote or backtick). */
function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote) i += text[i] === "\\" ? 2 : 1;
  return i + 1;
}

/** Index just past the bracketed group that starts at `start`, skipping strings and comments. */
function skipGroup(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === '"' || c === "'" || c === "`") i = skipString(text, i);
    else if (c === "/" && text[i + 1] === "/") i = text.indexOf("\n", i) + 1 || text.length;
    else {
      if ("([{".includes(c)) depth++;
      if (")]}".includes(c)) depth--;
      i++;
      if (depth === 0) return i;
    }
  }
  return i;
}

/** Reads the string literal at `start`, undoing the escapes of quotes and backslashes. */
function readString(text: string, start: number): string {
  return text.slice(start + 1, skipString(text, start) - 1).replace(/\\(["'`\\])/g, "$1");
}

/**
 * The titles of every `it`, `test` and `describe` call of a test file, including `it.each(table)("title", …)`
 * and `it.each<Row>(table)(…)`.
 * A title that is not a string literal (a variable, an expression) is left out.
 */
export function testTitles(source: string): TitleRef[] {
  const call =
    /\b(it|test|describe)(?:\.(each|skip|only|todo|concurrent|sequential|fails))?(?:<[^()]*?>)?\s*\(/g;
  const titles: TitleRef[] = [];
  for (const match of source.matchAll(call)) {
    const modifier = match[2];
    let i = (match.index ?? 0) + match[0].length;
    if (modifier === "each") {
      i = skipGroup(source, i - 1);
      while (/\s/.test(source[i] ?? "")) i++;
      if (source[i] !== "(") continue;
      i++;
    }
    while (/\s/.test(source[i] ?? "")) i++;
    const c = source[i] ?? "";
    if (c === '"' || c === "'" || c === "`") titles.push({ title: readString(source, i), modifier });
  }
  return titles;
}
