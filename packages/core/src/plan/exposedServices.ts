/** The dashboard and listeners Services of a CR, with ports from the live cluster config. */
import type { Emqx } from "@emqx-reconciler/api";
import type { V1Service } from "@kubernetes/client-node";
import { buildDashboardService, buildListenersService } from "../children/services.ts";
import { HoconError } from "../hocon/errors.ts";

/**
 * Dashboard and listeners Services, ports from the live cluster config (the operator's source); when that text
 * cannot be parsed, from the spec's config, so a surprise in EMQX's output never blocks the Services.
 *
 * @example exposedServices(emqx, api.liveConfig, false).map((s) => s.metadata?.name) // ["emqx-dashboard", "emqx-listeners"]
 */
export function exposedServices(
  emqx: Emqx,
  liveConfig: string | undefined,
  useReplicantSelector: boolean,
): V1Service[] {
  const build = (config: string | undefined) =>
    [
      buildDashboardService(emqx, { liveConfig: config }),
      buildListenersService(emqx, { liveConfig: config, useReplicantSelector }),
    ].filter((s): s is V1Service => s !== undefined);
  if (liveConfig === undefined) return build(undefined);
  try {
    return build(liveConfig);
  } catch (error) {
    if (error instanceof HoconError) return build(undefined);
    throw error;
  }
}
