/** Test harness: an emulator fed with a 2-core + 3-replicant cluster on loopback IPs `<prefix>.1..5`. */
import { Emulator } from "../../src/emulator/index.ts";
import { BOOTSTRAP_KEYS, buildPod, CONFIG_TEXT, OPERATOR_AUTH } from "./pods.ts";

/** A started emulator with one cluster, and helpers to call its pods. */
export interface TestCluster {
  readonly emulator: Emulator;
  /** Pod IPs in order: core-0, core-1, replicant a, b, c. */
  readonly ips: readonly string[];
  readonly coreNames: readonly string[];
  readonly replicantNames: readonly string[];
  /** Calls `path` on the pod with IP `ip` (operator credentials unless headers say otherwise). */
  call(ip: string, path: string, init?: RequestInit): Promise<Response>;
}

/** Starts an emulator with the operator's example cluster (image `image`) on IPs `<prefix>.1`–`<prefix>.5`. */
export async function startTestCluster(
  prefix: string,
  image = "emqx/emqx:6.0.1",
  now?: () => number,
): Promise<TestCluster> {
  const emulator = await Emulator.start({ log: () => undefined, ...(now ? { clock: now } : {}) });
  const ips = [1, 2, 3, 4, 5].map((n) => `${prefix}.${n}`);
  const boot = { bootstrapKeys: BOOTSTRAP_KEYS, configText: CONFIG_TEXT };
  const pods = [
    buildPod({ name: "emqx-core-abc-0", ip: ips[0] as string, role: "core", image }),
    buildPod({ name: "emqx-core-abc-1", ip: ips[1] as string, role: "core", image }),
    ...["r1", "r2", "r3"].map((s, i) =>
      buildPod({ name: `emqx-replicant-abc-${s}`, ip: ips[i + 2] as string, role: "replicant", image }),
    ),
  ];
  for (const pod of pods) await emulator.applyPod(pod, boot);
  return {
    emulator,
    ips,
    coreNames: [0, 1].map((i) => `emqx@emqx-core-abc-${i}.emqx-headless.default.svc.cluster.local`),
    replicantNames: ips.slice(2).map((ip) => `emqx@${ip}`),
    call: (ip, path, init = {}) =>
      fetch(`http://${ip}:18083${path}`, {
        ...init,
        headers: {
          authorization: OPERATOR_AUTH,
          accept: "application/json",
          ...(init.headers as Record<string, string>),
        },
        signal: init.signal ?? AbortSignal.timeout(10_000),
      }),
  };
}
