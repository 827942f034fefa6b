/**
 * Caps how many callers run a piece of work at once in this process. A caller that finds every
 * slot taken waits in line, but only up to `waitMs` and only while the line is shorter than
 * `waitingMax`: past either, `acquire` answers null so the caller can refuse instead of piling up.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly slots: number, readonly waitingMax: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`a semaphore needs at least one slot, got ${slots}`);
  }

  /** Resolves to a release function once a slot is free, or to null when none freed up in time. */
  async acquire(waitMs: number): Promise<(() => void) | null> {
    if (this.active < this.slots) return this.take();
    if (this.waiting.length >= this.waitingMax) return null;
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(this.take());
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(null);
      }, waitMs);
      this.waiting.push(wake);
    });
  }

  get inUse(): number {
    return this.active;
  }

  private take(): () => void {
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
      // Hand the slot straight to the next in line; it counts itself in `take`.
      this.waiting.shift()?.();
    };
  }
}
