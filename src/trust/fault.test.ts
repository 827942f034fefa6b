import { describe, expect, it } from 'vitest';
import type { CaseReason } from '../db/schema';
import { faultOf, type RefundCause } from './fault';

const caseCause = (reason: CaseReason, ruleId: string | null): RefundCause => ({ kind: 'case', reason, ruleId });

describe('faultOf: whose fault a refund was', () => {
  it.each([
    ['秒退 of an unrevealed key', caseCause('key_invalid', 'aftersales.instant-refund-window'), 'buyer'],
    ['an allowed no-reason refund', caseCause('no_reason', 'aftersales.no-reason-refund'), 'buyer'],
    ['a buyer mistake the merchant accepted', caseCause('buyer_mistake', 'aftersales.merchant-accepted'), 'buyer'],
    ['a buyer mistake the merchant left unanswered', caseCause('buyer_mistake', 'aftersales.merchant-response'), 'buyer'],
    ['an invalid key the merchant accepted', caseCause('key_invalid', 'aftersales.merchant-accepted'), 'merchant'],
    ['a partial offer before any decision', caseCause('not_as_described', null), 'merchant'],
    ['silence past the merchant deadline', caseCause('key_invalid', 'aftersales.merchant-response'), 'merchant'],
    ['a lost arbitration', caseCause('wrong_amount', 'aftersales.judgement.claim-proven'), 'merchant'],
    ['late manual delivery', caseCause('not_delivered', 'aftersales.manual-promised-time'), 'merchant'],
    ['a failed or partial top-up', { kind: 'topup_failed' } as RefundCause, 'merchant'],
    ['a late payment for stock already sold', { kind: 'late_payment_out_of_stock' } as RefundCause, 'platform'],
  ])('%s → %s', (_, cause, fault) => {
    expect(faultOf(cause)).toBe(fault);
  });
});
