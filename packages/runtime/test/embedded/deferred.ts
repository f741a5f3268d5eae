/** A promise with its resolve exposed, to hold a handler mid-run until the test lets go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Lets queued microtasks and immediate callbacks run. */
export const tick = () => new Promise((resolve) => setImmediate(resolve));
