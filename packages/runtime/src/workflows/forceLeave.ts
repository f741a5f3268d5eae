/**
 * Removing departed core members from the EMQX cluster (`force_leave`), one request per node, after the pass's
 * scale step. A failure is logged and retried by a later pass; a node already gone counts as done.
 */
import { EmqxApiError } from "@emqx-reconciler/adapters";
import { crRef } from "./readObserved.ts";
import { EMQX_WRITE_RETRY_SECONDS, type Pass, requeueIn } from "./reconcileWrites.ts";

/**
 * `DELETE /api/v5/cluster/{node}/force_leave` for each node of the plan's `forceLeave`.
 *
 * @example await forceLeaveNodes(pass, p.forceLeave);
 */
export async function forceLeaveNodes(pass: Pass, nodes: readonly string[] | undefined): Promise<void> {
  if (!nodes || nodes.length === 0 || !pass.emqxClient) return;
  for (const node of nodes) {
    try {
      const outcome = await pass.emqxClient.forceLeave(node);
      if (outcome === "left") pass.state.writes++;
      pass.deps.logger.info("Removed a departed core from the EMQX cluster", {
        ...crRef(pass.cr),
        node,
        outcome,
      });
    } catch (error) {
      if (!(error instanceof EmqxApiError)) throw error;
      pass.deps.logger.warn("Failed to remove a departed core from the EMQX cluster", {
        ...crRef(pass.cr),
        node,
        error: error.message,
        kind: error.kind,
      });
      requeueIn(pass, EMQX_WRITE_RETRY_SECONDS);
    }
  }
}
