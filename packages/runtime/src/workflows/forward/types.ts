import type { KubeGateway } from "@emqx-reconciler/adapters";
import type { PutEventsTarget } from "@emqx-reconciler/api";

/**
 * Where hints go: the PutEvents contract with the AWS SDK's field names. The embedded bus satisfies it as is,
 * and an EventBridge client wrapped as `(entries) => client.send(new PutEventsCommand({ Entries }))` does too,
 * so the forwarder code is the same in both runtimes.
 */
export type Publisher = PutEventsTarget;

/**
 * The part of the Kubernetes gateway the forwarder uses: lists (with the collection resourceVersion) and the
 * bookmark-aware watch. A structural type, so a multi-cluster process can hand in one gateway per cluster and
 * tests can wrap the real gateway to hold or redirect a watch at its boundary.
 */
export type ForwarderKube = Pick<KubeGateway, "list" | "watchKind">;
