import { describe, expect, it } from 'vitest';
import { isRetryable } from './transaction';

describe('isRetryable', () => {
  it('retries serialization failures, deadlocks, a timeline append on a stale head and a clashing order number, nothing else', () => {
    expect(isRetryable({ code: '40001' })).toBe(true);
    expect(isRetryable({ code: '40P01' })).toBe(true);
    expect(isRetryable({ code: '23505', constraint: 'order_events_pkey' })).toBe(true);
    expect(isRetryable({ code: '23505', constraint: 'orders_order_no_key' })).toBe(true);
    expect(isRetryable({ code: '23505', constraint: 'idempotency_keys_pkey' })).toBe(false);
    expect(isRetryable({ code: '23514' })).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });
});
