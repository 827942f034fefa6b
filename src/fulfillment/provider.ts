/** A direct top-up supplier (上游). Real adapters call an HTTP API; answers come back asynchronously. */
export interface TopupProvider {
  readonly name: string;
  /** Sends the request; must be idempotent on `requestId`. Never called inside a DB transaction. */
  submit(request: { requestId: string; orderId: string; account: string; amount: number }): Promise<void>;
}

export type TopupResult = { result: 'success' } | { result: 'failed' } | { result: 'partial'; deliveredAmount: number };

/**
 * The built-in supplier simulator. In `manual` mode (tests) it waits for
 * `POST /api/sandbox/topups/:orderId/respond`; in `auto` mode (the demo) it answers by itself a few
 * seconds later: accounts containing "fail" fail, "partial" get half, "slow" never answer (timeout).
 */
export class SimulatedTopupProvider implements TopupProvider {
  readonly name = 'simulator';
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly mode: 'auto' | 'manual',
    private readonly answer: (orderId: string, result: TopupResult) => Promise<unknown>,
    private readonly delayMs = 3_000,
  ) {}

  async submit(request: { orderId: string; account: string; amount: number }): Promise<void> {
    if (this.mode === 'manual' || /slow/i.test(request.account)) return;
    const result: TopupResult = /fail/i.test(request.account) ? { result: 'failed' }
      : /partial/i.test(request.account) ? { result: 'partial', deliveredAmount: Math.floor(request.amount / 2) }
      : { result: 'success' };
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.answer(request.orderId, result).catch(() => undefined);
    }, this.delayMs);
    this.timers.add(timer);
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
