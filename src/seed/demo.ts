import { createUser } from '../accounts/users';
import { importKeys } from '../catalog/card-keys';
import { createProduct } from '../catalog/products';
import { createShop } from '../catalog/shops';
import type { UserActor, Ctx } from '../context';
import { succeedPayment } from '../orders/pay-order';
import { payDeposit, topUpCompensationFund, topUpWallet } from '../payments/payments';

export const demoPassword = 'kameng-demo-2026';
export const demoAccounts = {
  buyer: 'buyer@demo.kameng',
  merchant: 'merchant@demo.kameng',
  staff: 'staff@demo.kameng',
  staff2: 'staff2@demo.kameng',
  admin: 'admin@demo.kameng',
} as const;

const asUser = (id: string, role: 'buyer' | 'merchant' | 'admin'): UserActor => ({ kind: 'user', userId: id, role });

/** Seeds the demo marketplace once (on first start in sandbox mode); returns false if already seeded. */
export async function seedDemo(ctx: Ctx): Promise<boolean> {
  const existing = await ctx.db.selectFrom('users').select('id').where('email', '=', demoAccounts.admin).executeTakeFirst();
  if (existing) return false;
  const admin = await createUser(ctx, { email: demoAccounts.admin, password: demoPassword, role: 'admin', displayName: '平台管理员' });
  await createUser(ctx, { email: demoAccounts.staff, password: demoPassword, role: 'staff', displayName: '客服小林' });
  await createUser(ctx, { email: demoAccounts.staff2, password: demoPassword, role: 'staff', displayName: '仲裁员老周' });
  const merchant = await createUser(ctx, { email: demoAccounts.merchant, password: demoPassword, role: 'merchant', displayName: '星辰点卡' });
  const buyer = await createUser(ctx, { email: demoAccounts.buyer, password: demoPassword, role: 'buyer', displayName: '小明' });

  await topUpCompensationFund(ctx, asUser(admin.id, 'admin'), { amount: 1_000_000, memo: 'demo seed: platform capital for 先行赔付' });
  const m = asUser(merchant.id, 'merchant');
  const shop = await createShop(ctx, m, { name: '星辰点卡专营店' });
  await succeedPayment(ctx, (await payDeposit(ctx, m, shop.id, { amount: 50_000, channel: 'sandbox' })).id);
  await succeedPayment(ctx, (await topUpWallet(ctx, asUser(buyer.id, 'buyer'), { amount: 20_000, channel: 'sandbox' })).id);

  const steam = await createProduct(ctx, m, {
    shopId: shop.id, type: 'card_key', price: 5_000, title: 'Steam 钱包充值卡 ¥50',
    description: '官方正版充值码，付款后自动发货。兑换：Steam 客户端 → 账户 → 兑换钱包充值码。', noReasonRefund: { allowed: false },
  });
  await importKeys(ctx, m, steam.id, Array.from({ length: 30 }, (_, i) => `STEAM-50-${String(1000 + i)}-${randomBlock()}`));
  const jd = await createProduct(ctx, m, {
    shopId: shop.id, type: 'card_key', price: 9_800, title: '京东 E 卡 ¥100（9.8 折）', afterSalesWindowMinutes: 120,
    description: '京东 E 卡电子卡密，支持未查看无理由退款（收 5% 手续费）。', noReasonRefund: { allowed: true, feeRate: 500 },
  });
  await importKeys(ctx, m, jd.id, Array.from({ length: 20 }, (_, i) => `JDE-${String(5000 + i)}-${randomBlock()}-${randomBlock()}`));
  await createProduct(ctx, m, {
    shopId: shop.id, type: 'topup', price: 3_000, title: '王者荣耀 点券直充 300 点', stockPolicy: 'unlimited',
    description: '填写 QQ 号或游戏 ID，上游直充到账。账号含 fail 会模拟充值失败，含 partial 模拟部分到账，含 slow 模拟超时。',
  });
  await createProduct(ctx, m, {
    shopId: shop.id, type: 'manual', price: 12_000, title: '原神 代肝每日委托（7 天）', stockPolicy: 'limited', stock: 10, promisedDeliveryMinutes: 120,
    description: '付款后商家 2 小时内联系并开始代练，交付内容为完成截图与说明。',
  });
  return true;
}

function randomBlock(): string {
  return Math.random().toString(36).slice(2, 6).toUpperCase().padEnd(4, 'X');
}
