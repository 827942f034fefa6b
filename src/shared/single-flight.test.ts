import { describe, expect, it } from 'vitest';
import { singleFlight } from './single-flight';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A run the test finishes by hand. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('gives calls made while a run is in flight that run’s answer, and starts afresh once it ended', async () => {
    const flight = singleFlight<{ n: number }>();
    const owner = {};
    let runs = 0;
    const first = deferred<{ n: number }>();
    const work = () => { runs += 1; return runs === 1 ? first.promise : Promise.resolve({ n: runs }); };
    const a = flight(owner, 'page', work);
    const b = flight(owner, 'page', work);
    expect(runs).toBe(0); // the run starts on the next turn of the event loop, so that calls arriving with it join
    await nextTurn();
    const c = flight(owner, 'page', work);
    expect(runs).toBe(1);
    first.resolve({ n: 1 });
    expect(await a).toBe(await b);
    expect(await c).toBe(await a);
    expect(await flight(owner, 'page', work)).toEqual({ n: 2 });
    expect(runs).toBe(2);
  });

  it('runs different keys and different owners apart', async () => {
    const flight = singleFlight<string>();
    const [one, two] = [{}, {}];
    const pending = deferred<string>();
    let runs = 0;
    const work = () => { runs += 1; return pending.promise; };
    const calls = [flight(one, 'a', work), flight(one, 'b', work), flight(two, 'a', work), flight(one, 'a', work)];
    await nextTurn();
    expect(runs).toBe(3);
    pending.resolve('done');
    expect(await Promise.all(calls)).toEqual(['done', 'done', 'done', 'done']);
  });

  it('shares a failure with the calls that joined it, and the next call runs again', async () => {
    const flight = singleFlight<string>();
    const owner = {};
    const failing = deferred<string>();
    const a = flight(owner, 'k', () => failing.promise);
    const b = flight(owner, 'k', () => Promise.resolve('never run'));
    await nextTurn(); // the run has started (a promise rejected before anyone awaits it would be an unhandled rejection)
    failing.reject(new Error('database went away'));
    await expect(a).rejects.toThrow('database went away');
    await expect(b).rejects.toThrow('database went away');
    expect(await flight(owner, 'k', () => Promise.resolve('fresh'))).toBe('fresh');
  });
});
