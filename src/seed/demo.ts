import { createUser } from '../accounts/users';
import { importKeys } from '../catalog/card-keys';
import { createCategory } from '../catalog/categories';
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

  const category = await seedCategories(ctx, asUser(admin.id, 'admin'));
  const steam = await createProduct(ctx, m, {
    shopId: shop.id, categoryId: category.steam, type: 'card_key', price: 5_000, title: 'Steam 钱包充值卡 ¥50',
    description: '官方正版充值码，付款后自动发货。兑换：Steam 客户端 → 账户 → 兑换钱包充值码。', noReasonRefund: { allowed: false },
  });
  await importKeys(ctx, m, steam.id, Array.from({ length: 30 }, (_, i) => `STEAM-50-${String(1000 + i)}-${randomBlock()}`));
  const jd = await createProduct(ctx, m, {
    shopId: shop.id, categoryId: category.giftCards, type: 'card_key', price: 9_800, title: '京东 E 卡 ¥100（9.8 折）', afterSalesWindowMinutes: 120,
    description: '京东 E 卡电子卡密，支持未查看无理由退款（收 5% 手续费）。', noReasonRefund: { allowed: true, feeRate: 500 },
  });
  await importKeys(ctx, m, jd.id, Array.from({ length: 20 }, (_, i) => `JDE-${String(5000 + i)}-${randomBlock()}-${randomBlock()}`));
  await createProduct(ctx, m, {
    shopId: shop.id, categoryId: category.games, type: 'topup', price: 3_000, title: '王者荣耀 点券直充 300 点', stockPolicy: 'unlimited',
    description: '填写 QQ 号或游戏 ID，上游直充到账。账号含 fail 会模拟充值失败，含 partial 模拟部分到账，含 slow 模拟超时。',
  });
  await createProduct(ctx, m, {
    shopId: shop.id, categoryId: category.services, type: 'manual', price: 12_000, title: '原神 代肝每日委托（7 天）', stockPolicy: 'limited', stock: 10, promisedDeliveryMinutes: 120,
    description: '付款后商家 2 小时内联系并开始代练，交付内容为完成截图与说明。',
  });
  await seedMoreProducts(ctx, m, shop.id, category);
  return true;
}

/** 商品分类: top-level categories in both languages, and one child to show the two levels. */
async function seedCategories(ctx: Ctx, admin: UserActor) {
  const add = async (name: string, nameEn: string, sort: number, parentId?: string) => (await createCategory(ctx, admin, { name, nameEn, sort, parentId }, 'zh')).id;
  const games = await add('游戏点卡', 'Game cards', 10);
  return {
    games,
    steam: await add('Steam 充值', 'Steam wallet', 11, games),
    phone: await add('话费充值', 'Mobile top-up', 20),
    video: await add('视频会员', 'Video memberships', 30),
    software: await add('软件激活', 'Software licences', 40),
    giftCards: await add('购物卡', 'Gift cards', 50),
    services: await add('代练服务', 'Game services', 60),
  };
}

/** The other categories' goods; the Office key has no keys yet, so it shows sold out and lists last. */
async function seedMoreProducts(ctx: Ctx, m: UserActor, shopId: string, category: Awaited<ReturnType<typeof seedCategories>>) {
  const netease = await createProduct(ctx, m, {
    shopId, categoryId: category.games, type: 'card_key', price: 2_850, title: '网易一卡通 点卡 30 元',
    description: '网易游戏通用点卡，付款后自动发货，在网易支付中心充值使用。',
  });
  await importKeys(ctx, m, netease.id, Array.from({ length: 15 }, (_, i) => `NE-${String(3000 + i)}-${randomBlock()}-${randomBlock()}`));
  await createProduct(ctx, m, {
    shopId, categoryId: category.phone, type: 'topup', price: 4_980, title: '三网话费直充 50 元', stockPolicy: 'unlimited',
    description: '移动、联通、电信手机号均可，填写 11 位手机号，通常 10 分钟内到账。',
  });
  const iqiyi = await createProduct(ctx, m, {
    shopId, categoryId: category.video, type: 'card_key', price: 1_990, title: '爱奇艺黄金会员 月卡',
    description: '激活码形式发货，在爱奇艺 App「我的 → 激活码兑换」中使用。',
  });
  await importKeys(ctx, m, iqiyi.id, Array.from({ length: 12 }, (_, i) => `IQY-${String(7000 + i)}-${randomBlock()}`));
  await createProduct(ctx, m, {
    shopId, categoryId: category.software, type: 'card_key', price: 8_800, title: 'Office 2021 专业增强版 激活密钥',
    description: '零售版密钥，绑定微软账户。补货中，导入卡密后即可购买。',
  });
}

function randomBlock(): string {
  return Math.random().toString(36).slice(2, 6).toUpperCase().padEnd(4, 'X');
}
