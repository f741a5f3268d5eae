/**
 * Every fixture of `fixtures/emqx-api-responses.json` (what EMQX 6.0.1 answers) replayed against the emulator: the fixture's request (node names
 * mapped onto the emulated cluster) goes to the answering node, and the response must have the fixture's status,
 * the headers it lists, and a body of the same shape (keys and JSON types, recursively); error codes and texts
 * must match exactly.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startTestCluster, type TestCluster } from "./harness.ts";
import { basic, OPERATOR_AUTH } from "./pods.ts";
import { shapeOf } from "./shape.ts";

interface Fixture {
  request: { method: string; path: string; auth?: string; body?: unknown; headers?: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: unknown };
}
const FILE = new URL("fixtures/emqx-api-responses.json", import.meta.url);
const fixtures = (JSON.parse(readFileSync(FILE, "utf8")) as { fixtures: Record<string, Fixture> }).fixtures;

const FIXTURE_CORES = [0, 1].map(
  (i) => `emqx@emqx-core-6b8f4d7c5-${i}.emqx-headless.default.svc.cluster.local`,
);
const FIXTURE_REPLICANTS = ["emqx@10.244.3.21", "emqx@10.244.3.22", "emqx@10.244.3.23"];

interface Scenario {
  /** Index of the pod that answers (0 = core-0, the fixtures' answering node). */
  readonly answer?: number;
  readonly prepare?: (t: TestCluster, clock: { offset: number }) => Promise<string | undefined>;
}

const evacuateReplicant3 = async (t: TestCluster) => {
  await t.emulator.emqx.setConnections("default/emqx-replicant-abc-r3", 13);
  const body = JSON.stringify({
    conn_evict_rate: 100,
    sess_evict_rate: 100,
    wait_health_check: 0,
    migrate_to: t.replicantNames.slice(0, 2),
  });
  await t.call(t.ips[0] as string, `/api/v5/load_rebalance/${t.replicantNames[2]}/evacuation/start`, {
    method: "POST",
    body,
  });
  return undefined;
};
const stopCore1AndReplicant3 = async (t: TestCluster) => {
  await t.emulator.deletePod("default/emqx-core-abc-1");
  await t.emulator.deletePod("default/emqx-replicant-abc-r3");
  return undefined;
};

const SCENARIOS: Record<string, Scenario> = {
  nodes_list: {},
  nodes_list_one_core_stopped_one_replicant_gone: { prepare: stopCore1AndReplicant3 },
  node_get: {},
  node_get_not_running: { prepare: stopCore1AndReplicant3 },
  stats_aggregate: {},
  stats_per_node: {},
  status_text: {},
  status_json: {},
  status_emqx_app_not_running: {
    prepare: async (t) => {
      await t.emulator.faults.set({ target: { pod: "default/emqx-core-abc-0" }, fault: "node-stopped" });
      return undefined;
    },
  },
  unauthorized_missing_header: {},
  unauthorized_bad_api_key: {},
  forbidden_role: {},
  bearer_token_expired: {
    prepare: async (t, clock) => {
      const res = await t.call(t.ips[0] as string, "/api/v5/login", {
        method: "POST",
        body: '{"username":"admin","password":"public"}',
      });
      clock.offset += 61 * 60 * 1000;
      return `Bearer ${((await res.json()) as { token: string }).token}`;
    },
  },
  login: {},
  login_failed: {},
  cluster: {},
  monitor_current: {},
  evacuation_start: {},
  evacuation_start_already_started: { prepare: evacuateReplicant3 },
  evacuation_start_unknown_field: {},
  evacuation_stop_not_started: {},
  evacuation_stop: { prepare: evacuateReplicant3 },
  rebalance_global_status_idle: {},
  rebalance_global_status_evacuating: { prepare: evacuateReplicant3 },
  rebalance_local_status_idle: {},
  rebalance_local_status_evacuating: { answer: 4, prepare: evacuateReplicant3 },
  availability_check_evacuating: { answer: 4, prepare: evacuateReplicant3 },
  force_leave: {},
  unknown_path_json: {},
};

/** Each fixture gets its own pod IPs, so no kept-alive connection of an earlier emulator is reused. */
let current: TestCluster | undefined;
afterEach(async () => {
  await current?.emulator.stop();
  current = undefined;
});

describe("Emulator responses match the fixtures' shapes", () => {
  it("has a scenario for every fixture", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(Object.keys(fixtures).sort());
  });

  for (const [index, [name, fixture]] of Object.entries(fixtures).entries()) {
    it(`${name}: ${fixture.request.method} ${fixture.request.path}`, async () => {
      const clock = { offset: 0 };
      const t = await startTestCluster(
        `127.251.${index + 1}`,
        "emqx/emqx:6.0.1",
        () => Date.now() + clock.offset,
      );
      current = t;
      const scenario = SCENARIOS[name] ?? {};
      const token = await scenario.prepare?.(t, clock);
      const toOurs = (s: string) =>
        mapNames(s, [...FIXTURE_CORES, ...FIXTURE_REPLICANTS], [...t.coreNames, ...t.replicantNames]);
      const res = await fetch(`http://${t.ips[scenario.answer ?? 0]}:18083${toOurs(fixture.request.path)}`, {
        method: fixture.request.method,
        headers: { ...fixture.request.headers, ...authHeader(fixture.request.auth, token) },
        ...(fixture.request.body === undefined ? {} : { body: toOurs(JSON.stringify(fixture.request.body)) }),
      });
      const text = await res.text();
      expect(res.status).toBe(fixture.response.status);
      for (const [header, value] of Object.entries(fixture.response.headers))
        expect(res.headers.get(header)).toBe(value);
      const toFixture = (s: string) =>
        mapNames(s, [...t.coreNames, ...t.replicantNames], [...FIXTURE_CORES, ...FIXTURE_REPLICANTS]);
      const expected = fixture.response.body;
      if (expected === null) return expect(text).toBe("");
      if (typeof expected === "string") return expect(toFixture(text)).toBe(expected);
      const body = JSON.parse(toFixture(text)) as unknown;
      expect(shapeOf(body)).toEqual(shapeOf(expected));
      if (isError(expected) && name !== "evacuation_start_unknown_field") expect(body).toEqual(expected);
    });
  }
});

function authHeader(auth: string | undefined, token: string | undefined): Record<string, string> {
  if (auth === "none") return {};
  if (auth === "basic wrong:credentials") return { authorization: basic("wrong", "credentials") };
  if (auth === "basic publisher-key:secret") return { authorization: basic("pub-key", "pub-secret") };
  if (auth?.startsWith("bearer")) return { authorization: token ?? "" };
  return { authorization: OPERATOR_AUTH };
}

function mapNames(text: string, from: readonly string[], to: readonly string[]): string {
  const marked = from.reduce((s, name, i) => s.split(name).join(`<<name#${i}>>`), text);
  return marked.replace(/<<name#(\d+)>>/g, (_, i) => to[Number(i)] ?? "");
}

function isError(body: unknown): boolean {
  return typeof body === "object" && body !== null && "code" in body && "message" in body;
}
