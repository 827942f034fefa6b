import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import { notify } from '../notify/notifications';
import { formatYuan } from '../shared/money';

/**
 * The money rails' notifications, in one place: a payout the provider failed (the merchant is
 * told the money is back), and a channel refund that fell back to the buyer's wallet.
 */
export async function payoutFailedNotice(ctx: Ctx, tx: Tx, p: { ownerId: string; shopName: string; amount: number; failure: string | null; at: Date }) {
  await notify(ctx, tx, {
    userIds: [p.ownerId], kind: 'payout_failed', at: p.at, title: '提现打款失败',
    body: `店铺「${p.shopName}」的提现 ${formatYuan(p.amount)} 未能打到收款账户（${p.failure ?? '渠道拒绝'}），款项已退回可提现余额。请核对收款账户后重新提现。`,
  });
}

export async function refundFallbackNotice(ctx: Ctx, tx: Tx, p: { buyerId: string | null; orderId: string; orderNo: string; caseId: string | null; amount: number; at: Date }) {
  await notify(ctx, tx, {
    userIds: [p.buyerId], kind: 'refund_fallback_wallet', orderId: p.orderId, caseId: p.caseId ?? undefined, at: p.at, title: '退款已退回余额',
    body: `订单 ${p.orderNo} 的退款 ${formatYuan(p.amount)} 无法原路退回，已退到您的平台余额，可直接使用或提现。`,
  });
}
