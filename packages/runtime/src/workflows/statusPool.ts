/**
 * Bounded concurrency, the one pool of the project: the status workflow's CRs of one cluster and the status
 * function's clusters, only a few in flight, so one refresh never floods an apiserver or an EMQX cluster.
 */

/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the input order in the results; a failure is
 * a `rejected` entry, never a thrown error, so one item cannot stop the others.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await work(items[index] as T) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  }
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
