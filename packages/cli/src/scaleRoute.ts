/**
 * `ScaleRequest`s on the embedded bus, served as the scale Lambda serves them on AWS: parsed (cores never below
 * 1), then the scale workflow (bounds, resourceVersion guard, an Event naming who asked). A request that does not
 * parse is logged and dropped; a conflict is thrown, so the bus delivers it again on a fresh read.
 */
import { busPatterns, crKey, ScaleRequestSchema } from "@emqx-reconciler/api";
import { type EmbeddedRuntime, runScale, type ScaleDeps } from "@emqx-reconciler/runtime";

/** Adds the `scale-requests` rule to the runtime's bus. */
export function routeScaleRequests(runtime: EmbeddedRuntime, deps: ScaleDeps): void {
  runtime.bus.addRule({
    name: "scale-requests",
    pattern: busPatterns.scaleRequests,
    async target(event) {
      const parsed = ScaleRequestSchema.safeParse(event.detail);
      if (!parsed.success) {
        deps.logger.warn("Refused scale request: not a valid scale request", {
          eventId: event.id,
          error: parsed.error.message.slice(0, 500),
        });
        return;
      }
      const { cluster, namespace, name } = parsed.data;
      const outcome = await runScale(deps, parsed.data, { source: event.source, eventId: event.id });
      deps.logger.info("Scale request served", { key: crKey(cluster, namespace, name), outcome });
    },
  });
}
