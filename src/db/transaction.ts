import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Tx } from './connect';

/** Serialization failures and deadlocks are the database asking for another try, not errors. */
const retryableCodes = new Set(['40001', '40P01']);
export const transactionAttemptsMax = 6;
const retryBackoffMsBase = 5;

/**
 * Unique constraints whose violation means "run again", because the clashing value was drawn inside
 * the transaction's work and a new attempt draws another:
 * - `order_events_pkey`: a timeline append found its seq taken. The chain's head was read in the
 *   statement that took the order's row lock, whose snapshot predates the transaction it waited for
 *   (timeline.ts headColumnFor); run again, the head is read after that transaction.
 * - `orders_order_no_key`: two checkouts in the same second drew the same order number (KM + second +
 *   6 random digits: at a few hundred orders a second a clash is expected every minute or so;
 *   create-order.ts orderNumber).
 */
const retryableConstraints = new Set(['order_events_pkey', 'orders_order_no_key']);

/**
 * Thrown by work that finds it cannot go on without taking locks out of order (lockAccounts): it has
 * the code of a serialization failure, so withTransaction rolls back and runs the work again.
 */
export class StartOver extends Error {
  readonly code = '40001';
}

export const isRetryable = (error: unknown) => {
  const e = (error ?? {}) as { code?: string; constraint?: string };
  return retryableCodes.has(e.code ?? '') || (e.code === '23505' && retryableConstraints.has(e.constraint ?? ''));
};

/**
 * Runs `work` in one transaction and retries it (with jittered backoff) when PostgreSQL aborts it
 * for a serialization failure or a deadlock, so neither is ever shown to a user. `work` must do
 * nothing outside the transaction it is given: it may run more than once.
 */
export async function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= transactionAttemptsMax) throw error;
      await sleep(retryBackoffMsBase * 2 ** attempt * (0.5 + Math.random()));
    }
  }
}
