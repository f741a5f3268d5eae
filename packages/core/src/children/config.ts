import type { Emqx } from "@emqx-reconciler/api";
import { type HoconObject, mergedConfig, parseHocon } from "../hocon/index.ts";

/**
 * `spec.config.data`, parsed safely. Container ports and the dashboard variables derive from it, as in the
 * operator.
 *
 * @throws HoconError when the text is not valid HOCON (the plan turns it into `InvalidConfig`).
 */
export function specConfig(emqx: Emqx): HoconObject {
  return parseHocon(emqx.spec.config?.data ?? "", { source: "spec.config.data" });
}

/**
 * The config the Services' ports derive from: the live cluster config when the workflow has it (the operator reads
 * `GET /api/v5/configs`, so listeners added through the Dashboard or API are exposed too), else `emqx.conf` as we
 * write it (default listeners header + `config.data`).
 */
export function serviceConfig(emqx: Emqx, liveConfig: string | undefined): HoconObject {
  if (liveConfig !== undefined) return parseHocon(liveConfig, { source: "the live cluster config" });
  return parseHocon(mergedConfig(emqx.spec.config?.data ?? ""), { source: "spec.config.data" });
}
