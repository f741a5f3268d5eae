/**
 * `work`'s result, or a rejection once `deadlineMs` has passed without one (the work itself is not cancelled: a
 * handler that must answer in time stops waiting, it does not stop the call).
 */
export async function withinDeadline<T>(deadlineMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
