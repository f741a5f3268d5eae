import { describe, expect, it } from "vitest";
import { type LaneRecord, processLanes, retryDelaySeconds } from "../src/fifoBatch.ts";
import { SlowClusters, slowLast } from "../src/slowClusters.ts";

const record = (messageId: string, group: string): LaneRecord => ({
  messageId,
  attributes: { MessageGroupId: group },
});
const never = () => new Promise<void>(() => undefined);
const options = { lanes: 4, groupsPerLane: 2, laneDeadlineMs: 400, budgetMs: 20_000 };

function summary(lanes: Awaited<ReturnType<typeof processLanes<LaneRecord>>>) {
  return Object.fromEntries(
    lanes.map((l) => [
      l.lane,
      {
        ok: l.succeeded.map((r) => r.messageId).sort(),
        failed: l.failed.map((f) => `${f.record.messageId}: ${f.reason}`).sort(),
        timedOut: l.timedOut,
      },
    ]),
  );
}

describe("Function: processLanes (one lane per cluster)", () => {
  it("completes a healthy cluster's records while a hanging cluster's records fail at its deadline", async () => {
    const batch = [
      record("1", "hang/ns/a"),
      record("2", "live/ns/a"),
      record("3", "hang/ns/b"),
      record("4", "live/ns/b"),
      record("5", "hang/ns/a"),
    ];
    const done: string[] = [];
    const settled: Array<[string, number]> = [];
    const lanes = await processLanes(batch, {
      ...options,
      work: async (r, lane) => {
        if (lane === "hang") return never();
        done.push(r.messageId);
      },
      onLaneSettled: async (result, left) => void settled.push([result.lane, left]),
    });
    expect(done.sort()).toEqual(["2", "4"]);
    expect(summary(lanes)).toEqual({
      live: { ok: ["2", "4"], failed: [], timedOut: false },
      hang: {
        ok: [],
        failed: [
          "1: cluster hang did not finish within 400 ms",
          "3: cluster hang did not finish within 400 ms",
          "5: an earlier message of group hang/ns/a failed in this batch",
        ],
        timedOut: true,
      },
    });
    // The healthy lane ended first, while the hanging one still ran: its records could be released at once.
    expect(settled).toEqual([
      ["live", 1],
      ["hang", 0],
    ]);
  });

  it("keeps a group's records in batch order and fails the rest of a group after its first failure", async () => {
    const batch = [
      record("1", "c/ns/a"),
      record("2", "c/ns/a"),
      record("3", "c/ns/b"),
      record("4", "c/ns/a"),
    ];
    const order: string[] = [];
    const lanes = await processLanes(batch, {
      ...options,
      work: async (r) => {
        order.push(r.messageId);
        if (r.messageId === "2") throw new Error("apiserver said 500");
      },
    });
    expect(order.filter((id) => id !== "3")).toEqual(["1", "2"]);
    expect(summary(lanes)).toEqual({
      c: {
        ok: ["1", "3"],
        failed: ["2: apiserver said 500", "4: an earlier message of group c/ns/a failed in this batch"],
        timedOut: false,
      },
    });
  });

  it("starts no lane once a lane used up the budget, even while the clock still reads time left", async () => {
    // The clock stands still, as libuv's can for a loop turn: the first lane's timer fires, the budget left by
    // `nowMs` is still the whole budget.
    const frozen = Date.now();
    const started: string[] = [];
    const lanes = await processLanes([record("a1", "a/ns/x"), record("b1", "b/ns/x")], {
      lanes: 1,
      groupsPerLane: 1,
      laneDeadlineMs: 60_000,
      budgetMs: 50,
      nowMs: () => frozen,
      work: async (r) => {
        started.push(r.messageId);
        await never();
      },
    });
    expect(started).toEqual(["a1"]);
    const s = summary(lanes);
    expect(s.a?.timedOut).toBe(true);
    expect(s.b?.failed).toEqual(["b1: cluster b did not finish within 0 ms"]);
  });

  it("never runs a lane past the batch's budget, and bounds the lanes and groups at once", async () => {
    const batch = ["a", "b", "c"].flatMap((c) => [
      record(`${c}1`, `${c}/ns/x`),
      record(`${c}2`, `${c}/ns/y`),
    ]);
    let running = 0;
    let peak = 0;
    const lanes = await processLanes(batch, {
      lanes: 1,
      groupsPerLane: 1,
      laneDeadlineMs: 60_000,
      budgetMs: 300,
      work: async (r) => {
        running += 1;
        peak = Math.max(peak, running);
        if (r.messageId.startsWith("a")) await new Promise((resolve) => setTimeout(resolve, 20));
        else await never();
        running -= 1;
      },
    });
    expect(peak).toBe(1);
    const s = summary(lanes);
    expect(s.a).toEqual({ ok: ["a1", "a2"], failed: [], timedOut: false });
    expect(s.b?.failed).toHaveLength(2);
    expect(s.c?.failed.every((f) => / did not finish within \d+ ms$/.test(f))).toBe(true);
  });
});

describe("Function: processLanes never loses a record", () => {
  it("reports a record whose work throws at once as failed, whatever onLaneSettled does", async () => {
    const lanes = await processLanes([record("1", "c/ns/a"), record("2", "c/ns/b")], {
      ...options,
      work: (r) => {
        if (r.messageId === "1") throw new Error("thrown before any promise");
        return Promise.resolve();
      },
      onLaneSettled: () => {
        throw new Error("the early delete broke");
      },
    });
    expect(summary(lanes)).toEqual({
      c: { ok: ["2"], failed: ["1: thrown before any promise"], timedOut: false },
    });
  });
});

describe("Function: retryDelaySeconds", () => {
  it("doubles from 30 s per receive, up to the visibility timeout", () => {
    expect([1, 2, 3, 4, 5, 20].map((n) => retryDelaySeconds(n, 360))).toEqual([30, 60, 120, 240, 360, 360]);
  });
});

describe("SlowClusters with processLanes", () => {
  it("fails a cluster that missed its deadline at once during the cool-down, then probes it with a shorter one", async () => {
    const slow = new SlowClusters(60_000);
    let now = 0;
    let calls = 0;
    const run = () =>
      processLanes([record("1", "hang/ns/a"), record("2", "live/ns/a")], {
        ...options,
        laneDeadlineMs: (lane) => (slow.suspect(lane) ? 50 : 100),
        skipLane: (lane) => slow.skipReason(lane, now),
        work: async (_r, lane) => {
          calls += 1;
          if (lane === "hang") return never();
        },
        onLaneSettled: async (lane) => {
          if (lane.timedOut) slow.missed(lane.lane, lane.deadlineMs, now);
          else slow.answered(lane.lane);
        },
      });
    expect(summary(await run()).hang?.failed).toEqual(["1: cluster hang did not finish within 100 ms"]);
    expect(calls).toBe(2);
    now = 30_000;
    expect(summary(await run())).toEqual({
      hang: {
        ok: [],
        failed: ["1: cluster hang did not finish within 100 ms lately; tried again in 30 s"],
        timedOut: false,
      },
      live: { ok: ["2"], failed: [], timedOut: false },
    });
    expect(calls).toBe(3);
    now = 60_000;
    expect(summary(await run()).hang?.failed).toEqual(["1: cluster hang did not finish within 50 ms"]);
    expect(calls).toBe(5);
    expect(slow.suspect("hang")).toBe(true);
    expect(slow.suspect("live")).toBe(false);
  });
});

describe("Function: slowLast", () => {
  it("moves the clusters that missed their deadline lately to the end, until their cool-down is over", () => {
    const slow = new SlowClusters(1000);
    const ids = (now: number) =>
      slowLast([{ id: "a" }, { id: "b" }, { id: "c" }], slow, now).map((c) => c.id);
    slow.missed("a", 50, 0);
    expect(ids(500)).toEqual(["b", "c", "a"]);
    slow.missed("b", 50, 600);
    slow.answered("a");
    expect(ids(700)).toEqual(["a", "c", "b"]);
    expect(ids(1600)).toEqual(["a", "b", "c"]);
  });
});
