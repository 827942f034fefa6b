/**
 * Ledger account ids. A posting's amount is signed from the platform's side: positive money flows
 * into the account, negative flows out, and every journal entry sums to zero.
 *
 * `tracked` accounts keep a running balance on their row, guarded by a CHECK so a non-negative
 * account can never go below zero. Hot platform-wide accounts (clearing, fee revenue) are not
 * tracked, so checkouts do not queue on one row; their balances are derived from postings.
 */
export interface AccountSpec {
  id: string;
  kind: string;
  ownerId: string | null;
  nonNegative: boolean;
  tracked: boolean;
}

const spec = (id: string, kind: string, ownerId: string | null, nonNegative: boolean, tracked: boolean): AccountSpec => ({
  id, kind, ownerId, nonNegative, tracked,
});

export const accounts = {
  /** 余额: a buyer's wallet. */
  wallet: (userId: string) => spec(`wallet:${userId}`, 'buyer_wallet', userId, true, true),
  /** Money held for one order (担保) until it settles or is refunded. */
  escrow: (orderId: string) => spec(`escrow:${orderId}`, 'escrow', orderId, true, true),
  /** A payment channel's clearing account: negative = money the platform received through it. */
  clearing: (channel: string) => spec(`clearing:${channel}`, 'channel_clearing', channel, false, false),
  merchantAvailable: (shopId: string) => spec(`merchant_available:${shopId}`, 'merchant_available', shopId, true, true),
  /** 保证金 */
  merchantDeposit: (shopId: string) => spec(`merchant_deposit:${shopId}`, 'merchant_deposit', shopId, true, true),
  /** What the merchant owes the platform after 先行赔付; negative balance = debt. */
  merchantReceivable: (shopId: string) => spec(`merchant_receivable:${shopId}`, 'merchant_receivable', shopId, false, true),
  feeRevenue: () => spec('platform:fee_revenue', 'platform_fee_revenue', null, true, false),
  /** 先行赔付基金: the platform pays the buyer first, then recovers from the merchant. */
  compensationFund: () => spec('platform:compensation_fund', 'compensation_fund', null, true, true),
  /** Contra of merchant receivables: the fund's claims not yet recovered. */
  recoveriesPending: () => spec('platform:recoveries_pending', 'recoveries_pending', null, true, false),
  /** Refunds decided but not yet arrived on their original channel. */
  refundsPayable: () => spec('platform:refunds_payable', 'refunds_payable', null, true, false),
  /** Withdrawals sent to a provider and not yet answered: paid moves them to the channel, failed back to the merchant. */
  payoutsInFlight: () => spec('platform:payouts_in_flight', 'payouts_in_flight', null, true, false),
};
