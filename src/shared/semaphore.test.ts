import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('never lets more than `slots` callers hold a slot at once', async () => {
    const semaphore = new Semaphore(2, 100);
    let running = 0;
    let peak = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      const release = await semaphore.acquire(5_000);
      expect(release).not.toBeNull();
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      release!();
    }));
    expect(peak).toBe(2);
    expect(semaphore.inUse).toBe(0);
  });

  it('answers null to a waiter when no slot frees up within its wait', async () => {
    const semaphore = new Semaphore(1, 10);
    const held = await semaphore.acquire(0);
    expect(await semaphore.acquire(20)).toBeNull();
    held!();
    const next = await semaphore.acquire(20);
    expect(next).not.toBeNull();
    next!();
  });

  it('answers null at once when the line is full', async () => {
    const semaphore = new Semaphore(1, 1);
    const held = await semaphore.acquire(0);
    const queued = semaphore.acquire(1_000);
    const started = Date.now();
    expect(await semaphore.acquire(1_000)).toBeNull();
    expect(Date.now() - started).toBeLessThan(500);
    held!();
    (await queued)!();
    expect(semaphore.inUse).toBe(0);
  });

  it('a release called twice frees only one slot', async () => {
    const semaphore = new Semaphore(1, 0);
    const release = await semaphore.acquire(0);
    release!();
    release!();
    expect(semaphore.inUse).toBe(0);
    const again = await semaphore.acquire(0);
    expect(semaphore.inUse).toBe(1);
    expect(await semaphore.acquire(0)).toBeNull();
    again!();
  });
});
