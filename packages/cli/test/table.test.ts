/** The status table as a pure function: rows in, text out. */
import { describe, expect, it } from "vitest";
import { formatAge, renderTable, type StatusRow, truncate } from "../src/table.ts";

const NOW = new Date("2026-01-02T03:10:00Z");
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

const ready: StatusRow = {
  namespace: "default",
  name: "emqx",
  phase: "Ready",
  problem: false,
  cores: { ready: 2, desired: 2 },
  replicants: { ready: 3, desired: 3 },
  lastEvent: { text: "Ready: Cluster is ready", at: ago(12) },
  createdAt: ago(185),
};
const coreOnly: StatusRow = {
  namespace: "apps",
  name: "broker",
  phase: "CoreNodesProgressing",
  problem: false,
  cores: { ready: 1, desired: 3 },
  createdAt: ago(40),
};

describe("renderTable", () => {
  it("renders a header and one aligned row per CR, sorted by namespace and name", () => {
    expect(renderTable([ready, coreOnly], { width: 120, now: NOW })).toBe(
      [
        "CR            PHASE                 CORES  REPLICANTS  LAST EVENT                         AGE",
        "apps/broker   CoreNodesProgressing  1/3    -           -                                  40s",
        "default/emqx  Ready                 2/2    3/3         Ready: Cluster is ready (12s ago)  3m5s",
      ].join("\n"),
    );
  });

  it("fits a narrow terminal: the last-event column gives way first, no line is longer than the width", () => {
    const long: StatusRow = {
      ...ready,
      name: "a-very-long-cluster-name-for-testing",
      lastEvent: {
        text: "CreateNewStatefulSet: Created StatefulSet a-very-long-cluster-name-core-abc",
        at: ago(1),
      },
    };
    for (const width of [100, 80, 60, 40]) {
      const lines = renderTable([long, coreOnly], { width, now: NOW }).split("\n");
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(width);
      expect(lines[0]?.startsWith("CR")).toBe(true);
    }
    const hundred = renderTable([long], { width: 100, now: NOW }).split("\n")[1] ?? "";
    expect(hundred).toContain("default/a-very-long-cluster-name-for-testing ");
    expect(hundred).toMatch(/CreateNew.*… {2}3m5s$/);
    const sixty = renderTable([long], { width: 60, now: NOW }).split("\n")[1] ?? "";
    expect(sixty).toMatch(/^default\/a-ver… {2}Ready {2}2\/2 {4}3\/3 {9}CreateNewSt… {2}3m5s$/);
  });

  it("leaves the last-event column out when the terminal is too narrow for it, keeping the age", () => {
    const progressing: StatusRow = { ...ready, phase: "ReplicantNodesProgressing" };
    expect(renderTable([progressing], { width: 72, now: NOW })).toBe(
      [
        "CR            PHASE                      CORES  REPLICANTS  AGE",
        "default/emqx  ReplicantNodesProgressing  2/2    3/3         3m5s",
      ].join("\n"),
    );
  });

  it("renders only the header when there is no CR, and never pads lines with trailing spaces", () => {
    expect(renderTable([], { width: 80, now: NOW })).toBe("CR  PHASE  CORES  REPLICANTS  LAST EVENT  AGE");
    for (const line of renderTable([ready, coreOnly], { width: 200, now: NOW }).split("\n"))
      expect(line).toBe(line.trimEnd());
  });

  it("is a pure function of its input", () => {
    const a = renderTable([ready, coreOnly], { width: 90, now: NOW });
    expect(renderTable([coreOnly, ready], { width: 90, now: NOW })).toBe(a);
  });
});

describe("formatAge", () => {
  it("reads like kubectl's AGE column", () => {
    expect(
      [0, 59, 119, 125, 599, 600, 3600 * 2, 3600 * 5, 86400 * 3].map((s) => formatAge(ago(s), NOW)),
    ).toEqual(["0s", "59s", "119s", "2m5s", "9m59s", "10m", "120m", "5h", "3d"]);
    expect(formatAge(undefined, NOW)).toBe("-");
  });
});

describe("truncate", () => {
  it("cuts with an ellipsis and leaves short text alone", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc", 4)).toBe("abc");
    expect(truncate("abc", 0)).toBe("");
  });
});
