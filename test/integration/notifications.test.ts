import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

/** Notifications rendered for each reader: language, Beijing time, rule titles, ¥ amounts; kind and params kept. */
const t = useTestApp();

const zh = { 'accept-language': 'zh-CN,zh;q=0.9' };
const en = { 'accept-language': 'en-US,en;q=0.9' };
type Item = { kind: string; params: Record<string, unknown>; title: string; body: string; orderId: string | null; caseId: string | null; createdAt: string };

async function noticesOf(user: Session, kind: string, orderId: string): Promise<{ zh: Item; en: Item }> {
  const read = async (headers: Record<string, string>) => (await t.api.ok('GET', '/api/notifications?limit=100', { token: user.token, headers })).items
    .filter((n: Item) => n.kind === kind && n.orderId === orderId) as Item[];
  const [inZh, inEn] = [await read(zh), await read(en)];
  expect(inZh, `${kind} once`).toHaveLength(1);
  expect(inEn[0].params).toEqual(inZh[0].params);
  return { zh: inZh[0], en: inEn[0] };
}

/** "2026年12月2日 06:48（北京时间）" and "2 Dec 2026, 06:48 (Beijing time)" for an ISO instant. */
function beijing(iso: string): { zh: string; en: string } {
  const local = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const [y, m, d, hh, mm] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate(), local.getUTCHours(), local.getUTCMinutes()];
  const clock = `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1];
  return { zh: `${y}年${m}月${d}日 ${clock}（北京时间）`, en: `${d} ${month} ${y}, ${clock} (Beijing time)` };
}

function expectReadable(notice: { zh: Item; en: Item }) {
  for (const n of [notice.zh, notice.en]) expect(`${n.title} ${n.body}`).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}|。。|\{\w+\}|undefined|\b(aftersales|chat|topup)\.[a-z-]+/);
  expect(`${notice.en.title} ${notice.en.body}`).not.toMatch(/[\u4e00-\u9fff]/);
}

describe('notifications per reader', () => {
  it('a paid manual order tells the merchant the promised delivery time in Beijing time, in either language', async () => {
    const shop = await t.api.makeShop(20_000);
    const product = await t.api.makeProduct(shop, { type: 'manual', price: 1_990, promisedDeliveryMinutes: 60 });
    const buyer = await t.api.user('buyer');
    const order = await t.api.buyAndPay(buyer, product.id);
    const notice = await noticesOf(shop.merchant, 'order_paid', order.id);
    const deliverBy = notice.zh.params.deliverBy as string;
    expect(new Date(deliverBy).getTime() - new Date(notice.zh.createdAt).getTime()).toBe(60 * 60_000);
    expect(notice.zh.body).toContain(`请在 ${beijing(deliverBy).zh} 前发货`);
    expect(notice.zh.body).toContain('¥19.90');
    expect(notice.en.body).toContain(`Please deliver by ${beijing(deliverBy).en}`);
    expect(notice.en.title).toBe(`New paid order ${order.orderNo}`);
    expectReadable(notice);

    await t.api.ok('POST', `/api/orders/${order.id}/deliver`, { token: shop.merchant.token, body: { content: '代练完成，账号已归还' } });
    const delivered = await noticesOf(buyer, 'order_delivered', order.id);
    expect(delivered.en.title).toBe(`Order ${order.orderNo} delivered`);
    expect(delivered.zh.title).toBe(`订单 ${order.orderNo} 已发货`);
    expectReadable(delivered);
    // The delivered content is the buyer's to open on the order page, never copied into a notice.
    expect(delivered.zh.body).not.toContain('代练完成');
  });

  it('a failed top-up tells the buyer the refund: to the balance when paid from it, on its way with a Beijing arrival time otherwise', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { type: 'topup', price: 5_000 });
    const buyer = await t.api.user('buyer');
    await t.api.fundWallet(buyer, 5_000);
    const fromWallet = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'player_10086', channel: 'balance' });
    const fromChannel = await t.api.buyAndPay(buyer, product.id, { topupAccount: 'player_10086' });
    for (const order of [fromWallet, fromChannel]) {
      expect((await t.api.call('POST', `/api/sandbox/topups/${order.id}/respond`, { body: { result: 'failed' } })).status).toBe(200);
    }
    const wallet = await noticesOf(buyer, 'refund_booked', fromWallet.id);
    expect(wallet.zh).toMatchObject({ title: '退款已存入余额', params: { destination: 'wallet', amount: 5_000, cause: 'topup_failed' } });
    expect(wallet.zh.body).toBe(`因直充未能到账，订单 ${fromWallet.orderNo} 退款 ¥50.00，已存入您的余额。`);
    expect(wallet.en.body).toBe(`Order ${fromWallet.orderNo}: ¥50.00 refunded because the top-up did not arrive; it is in your balance now.`);
    expectReadable(wallet);

    const channel = await noticesOf(buyer, 'refund_booked', fromChannel.id);
    const expectedBy = channel.zh.params.expectedBy as string;
    expect(expectedBy).toBeTruthy();
    expect(channel.zh.body).toContain(`预计最晚 ${beijing(expectedBy).zh} 前到账`);
    expect(channel.en.body).toContain(`Expect it by ${beijing(expectedBy).en}.`);
    expectReadable(channel);
  });

  it('a staff decision names its rule by title and tells both sides the appeal deadline in Beijing time', async () => {
    const { buyer, order, shop } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, order.id, {});
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '私下加我微信 abc123 处理' } });
    const answered = await noticesOf(buyer, 'case_merchant_response', order.id);
    // The merchant's words stay in the case: the notice (and any e-mail of it) only says they answered.
    expect(answered.zh.body).not.toContain('微信');
    expect(answered.en.body).toContain(`by ${beijing(answered.zh.params.buyerBy as string).en}`);
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
    const staff = await t.api.user('staff');
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/decision`, { token: staff.token, body: { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家截图清楚显示卡密无效。' } });
    for (const reader of [buyer, shop.merchant]) {
      const decided = await noticesOf(reader, 'case_decided', order.id);
      const appealBy = decided.zh.params.appealBy as string;
      expect(decided.zh.body).toBe(`订单 ${order.orderNo} 的售后判定：退款 ¥10.00。依据规则「仲裁：买家举证充分，支持退款」。理由：买家截图清楚显示卡密无效。如有新证据，可在 ${beijing(appealBy).zh} 前申诉一次。`);
      expect(decided.en.body).toContain('Rule: “Arbitration: the buyer proved the claim; refund”.');
      expect(decided.en.body).toContain(`appeal once, by ${beijing(appealBy).en}.`);
      expect(decided.en.title).toBe('The platform decided');
      expect(decided.zh.caseId).toBe(filed.body.id);
    }
  });

  it('the party that must act is reminded before its deadline, once, and not after acting', async () => {
    const { buyer, order, shop } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    const filed = await fileCase(t.api, buyer, order.id, {});
    const merchantBy = (await noticesOf(shop.merchant, 'case_opened', order.id)).zh.params.merchantBy as string;
    const reminders = async (user: Session) => (await t.api.ok('GET', '/api/notifications?limit=100', { token: user.token, headers: en })).items
      .filter((n: Item) => n.kind === 'case_deadline_approaching' && n.orderId === order.id) as Item[];
    await t.api.advance(24 * 60 - 121);
    expect(await reminders(shop.merchant)).toHaveLength(0);
    await t.api.advance(2);
    const [reminder] = await reminders(shop.merchant);
    expect(reminder.body).toBe(`Order ${order.orderNo}: please respond to the buyer's claim by ${beijing(merchantBy).en}; after that the platform rules decide.`);
    expect(await reminders(buyer)).toHaveLength(0);
    // The merchant answers, which arms the buyer's reminder; the buyer acts at once, so it never comes.
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/merchant-response`, { token: shop.merchant.token, body: { action: 'contest', message: '卡密出库时有效，请提供截图' } });
    const armed = await t.kameng.ctx.db.selectFrom('jobs').select('status').where('kind', '=', 'case_deadline_reminder').where('ref_id', '=', `${filed.body.id}:buyer_response`).executeTakeFirst();
    expect(armed?.status).toBe('pending');
    await t.api.ok('POST', `/api/refund-cases/${filed.body.id}/escalate`, { token: buyer.token });
    await t.api.advance(72 * 60);
    expect(await reminders(shop.merchant)).toHaveLength(1);
    expect(await reminders(buyer)).toHaveLength(0);
  });
});
