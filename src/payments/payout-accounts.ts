import { loadOwnedShop } from '../catalog/shops';
import type { Actor, Ctx, UserActor } from '../context';
import type { PayoutAccountChannel } from '../db/schema';
import { AppError, invalid } from '../shared/errors';

export const payoutAccountChannels: readonly PayoutAccountChannel[] = ['alipay', 'wechat', 'unionpay'];
export const payoutAccountNameLengthMax = 40;

/** A bank card number passes the Luhn check (every UnionPay debit card does). */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** The payee each channel pays: an Alipay login id (email or mobile), a WeChat openid, a bank card. */
function checkAccount(channel: PayoutAccountChannel, account: string): void {
  const ok = channel === 'alipay' ? /^(1\d{10}|[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,20})$/.test(account)
    : channel === 'wechat' ? /^[A-Za-z0-9_-]{20,64}$/.test(account)
      : /^\d{12,19}$/.test(account) && luhn(account);
  if (ok) return;
  const what = { alipay: ['an Alipay account (email or mobile number)', '支付宝账号（邮箱或手机号）'], wechat: ['a WeChat openid', '微信 openid'], unionpay: ['a bank card number', '银行卡号'] }[channel];
  throw invalid(`account must be ${what[0]}`, `收款账号须为有效的${what[1]}`, { field: 'account' });
}

/** 12345678901234 → 1234 **** 1234; someone@example.com → som***@example.com. */
export function maskAccount(account: string): string {
  const at = account.indexOf('@');
  if (at > 0) return `${account.slice(0, Math.min(3, at))}***${account.slice(at)}`;
  return account.length <= 8 ? `${account.slice(0, 2)}****` : `${account.slice(0, 4)} **** ${account.slice(-4)}`;
}

const view = (row: { channel: PayoutAccountChannel; account: string; name: string; updated_at: Date }) => ({
  channel: row.channel, account: maskAccount(row.account), name: row.name, updatedAt: row.updated_at.toISOString(),
});

/** Refuses a channel this deployment cannot pay out on: epay never can, an unconfigured one is not live. */
export function requirePayoutChannel(ctx: Ctx, channel: string): void {
  if (channel === 'epay') {
    throw new AppError('PAYOUT_NOT_SUPPORTED', 422, 'epay (易支付) cannot pay out; choose alipay, wechat or a bank card (unionpay)', {}, '易支付不支持提现打款，请选择支付宝、微信或银行卡');
  }
  const provider = ctx.rails.provider(channel);
  if (!provider?.payout) throw new AppError('PAYOUT_NOT_SUPPORTED', 422, `channel ${channel} is not configured for payouts here`, {}, `此渠道（${channel}）未开通提现打款`);
}

/** 收款账户: where the shop's withdrawals are paid; setting it again replaces it. */
export async function setPayoutAccount(ctx: Ctx, actor: UserActor, shopId: string, input: { channel: string; account: string; name: string }) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId);
  requirePayoutChannel(ctx, input.channel);
  const channel = input.channel as PayoutAccountChannel;
  const account = input.account.replace(/\s/g, '');
  checkAccount(channel, account);
  const name = input.name.trim();
  if (!name) throw invalid('name must not be blank', '收款人姓名不能为空', { field: 'name' });
  const now = ctx.clock.now();
  const values = { shop_id: shop.id, channel, account, name, updated_by: actor.userId, updated_at: now };
  const row = await ctx.db.insertInto('shop_payout_accounts').values(values)
    .onConflict((oc) => oc.column('shop_id').doUpdateSet({ channel, account, name, updated_by: actor.userId, updated_at: now }))
    .returningAll().executeTakeFirstOrThrow();
  return { payoutAccount: view(row) };
}

/** The shop's payout account (masked), or null when none is set. */
export async function getPayoutAccount(ctx: Ctx, actor: Actor, shopId: string) {
  const shop = await loadOwnedShop(ctx.db, actor, shopId, true);
  const row = await ctx.db.selectFrom('shop_payout_accounts').selectAll().where('shop_id', '=', shop.id).executeTakeFirst();
  return { payoutAccount: row ? view(row) : null, channels: payoutAccountChannels.filter((c) => ctx.rails.provider(c)?.payout) };
}
