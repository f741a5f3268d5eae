/** Runs `work` for every item, at most `limit` at once; one item's failure or slowness never holds the others. */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  deadlineMs: number,
  work: (item: T) => Promise<void>,
): Promise<Array<{ item: T; error?: unknown }>> {
  const results: Array<{ item: T; error?: unknown }> = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i] as T;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
      });
      try {
        await Promise.race([work(item), deadline]);
        results.push({ item });
      } catch (error) {
        results.push({ item, error });
      } finally {
        clearTimeout(timer);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
