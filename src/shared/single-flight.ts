/**
 * Calls that ask the same question at the same time share one answer: while a run for a key is in
 * flight, a call with that key waits for it instead of starting its own (Go's singleflight, a
 * cache's request coalescing). Nothing is kept once the run ends. For reads whose answer depends on
 * the key alone and where an answer begun a moment before the call is as good as its own (the public
 * catalogue). The answer is shared: callers must not change it. Runs are kept per owner (an app's
 * Ctx), so two apps in one process share nothing.
 */
export function singleFlight<T>(): (owner: object, key: string, work: () => Promise<T>) => Promise<T> {
  const runs = new WeakMap<object, Map<string, Promise<T>>>();
  return (owner, key, work) => {
    let inFlight = runs.get(owner);
    if (!inFlight) runs.set(owner, (inFlight = new Map()));
    const running = inFlight.get(key);
    if (running) return running;
    // The run starts on the event loop's next turn, so calls that came in with this one (requests
    // read from their sockets in the same turn) join it: PGlite answers in microtasks, and a read
    // started at once would end before Node read the next request.
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(work).finally(() => inFlight.delete(key));
    inFlight.set(key, run);
    return run;
  };
}
