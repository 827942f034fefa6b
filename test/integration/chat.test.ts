import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { offPlatformAttempts } from '../../src/chat/conversation';
import { deliveredKeyOrder, fileCase, tinyPng, uploadEvidence } from '../support/aftersales';
import type { Session } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

const send = (orderId: string, who: { token: string }, body: string, extra: Record<string, unknown> = {}) =>
  t.api.call('POST', `/api/orders/${orderId}/messages`, { token: who.token, body: { body, ...extra } });
const read = (orderId: string, who: { token: string }) => t.api.ok('GET', `/api/orders/${orderId}/messages`, { token: who.token });
const byId = (items: Array<{ id: string }>, id: string) => items.find((m) => m.id === id) as any;

/** A revealed key order with a case the merchant contested and the buyer escalated: the platform holds it. */
async function escalatedCase() {
  const setup = await deliveredKeyOrder(t.api);
  await t.api.ok('POST', `/api/orders/${setup.order.id}/keys/reveal`, { token: setup.buyer.token });
  const opened = await fileCase(t.api, setup.buyer, setup.order.id, {});
  expect(opened.status).toBe(201);
  return {
    ...setup, caseId: opened.body.id as string,
    async escalate() {
      await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/merchant-response`, { token: setup.shop.merchant.token, body: { action: 'contest', message: '卡密出库时有效，请提供截图' } });
      await t.api.ok('POST', `/api/refund-cases/${opened.body.id}/escalate`, { token: setup.buyer.token });
    },
  };
}

describe('conversation per order (站内沟通)', () => {
  it('buyer and merchant talk; opening the conversation marks the other side read, never one’s own', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    const sent = await send(order.id, buyer, '10:30 兑换时提示“该卡已被使用”，麻烦看一下');
    expect(sent.status).toBe(201);
    expect(sent.body.warnings).toEqual([]);
    expect(sent.body.message).toMatchObject({ sender: 'buyer', body: '10:30 兑换时提示“该卡已被使用”，麻烦看一下', evidenceIds: [], readAt: null, flags: [] });
    const question = sent.body.message.id as string;

    expect(byId((await read(order.id, buyer)).items, question).readAt).toBeNull();
    const notes = await t.api.ok('GET', '/api/notifications', { token: shop.merchant.token });
    expect(notes.items.filter((n: { kind: string; orderId: string }) => n.kind === 'chat_message' && n.orderId === order.id)).toHaveLength(1);

    const merchantView = await read(order.id, shop.merchant);
    expect(merchantView.items.map((m: { id: string }) => m.id)).toEqual([question]);
    expect(merchantView.hasMore).toBe(false);
    const readAt = byId((await read(order.id, buyer)).items, question).readAt;
    expect(readAt).toBeTruthy();

    const answer = await send(order.id, shop.merchant, '稍等，马上补发');
    expect(answer.body.message).toMatchObject({ sender: 'merchant', readAt: null });
    const buyerView = await read(order.id, buyer);
    expect(buyerView.items.map((m: { sender: string }) => m.sender)).toEqual(['buyer', 'merchant']);
    expect(byId(buyerView.items, question).readAt).toBe(readAt); // the first read stays the receipt
    expect(byId((await read(order.id, shop.merchant)).items, answer.body.message.id).readAt).toBeTruthy();
    const buyerNotes = await t.api.ok('GET', '/api/notifications', { token: buyer.token });
    expect(buyerNotes.items.map((n: { kind: string }) => n.kind)).toContain('chat_message');
  });

  it('a guest chats through the order token; the shop’s API key speaks for the merchant', async () => {
    const shop = await t.api.makeShop();
    const product = await t.api.makeProduct(shop, { keys: 2 });
    const created = await t.api.ok('POST', '/api/orders', {
      headers: { 'idempotency-key': randomUUID() },
      body: { productId: product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-secret-1' } },
    });
    await t.api.pay(created.payment.id);
    const guest = { token: created.guestToken as string };
    const sent = await send(created.order.id, guest, '没收到卡密');
    expect(sent.status).toBe(201);
    expect(sent.body.message.sender).toBe('buyer');
    const key = await t.api.ok('POST', `/api/shops/${shop.shopId}/api-keys`, { token: shop.merchant.token, body: { name: 'bot' } });
    const reply = await send(created.order.id, { token: key.key }, '已发货，请刷新订单页');
    expect(reply.status).toBe(201);
    expect(reply.body.message.sender).toBe('merchant');
    expect((await read(created.order.id, guest)).items.map((m: { sender: string }) => m.sender)).toEqual(['buyer', 'merchant']);
    // A guest cannot attach files (uploads need an account).
    expect((await send(created.order.id, guest, '附件', { evidenceIds: [randomUUID()] })).status).toBe(401);
  });

  it('another buyer, another merchant and another order’s guest get the same 404 as a missing order', async () => {
    const { order } = await deliveredKeyOrder(t.api);
    const other = await deliveredKeyOrder(t.api);
    for (const stranger of [other.buyer, other.shop.merchant]) {
      for (const res of [await send(order.id, stranger, 'hi'), await t.api.call('GET', `/api/orders/${order.id}/messages`, { token: stranger.token })]) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('ORDER_NOT_FOUND');
      }
    }
    const guestOrder = await t.api.ok('POST', '/api/orders', {
      headers: { 'idempotency-key': randomUUID() },
      body: { productId: other.product.id, quantity: 1, channel: 'sandbox', guest: { contact: 'guest@example.com', queryPassword: 'guest-secret-1' } },
    });
    const otherGuest = { token: guestOrder.guestToken as string };
    expect((await send(order.id, otherGuest, 'hi')).status).toBe(404);
    expect((await t.api.call('GET', `/api/orders/${order.id}/messages`, { token: otherGuest.token })).status).toBe(404);
    expect((await send(randomUUID(), other.buyer, 'hi')).status).toBe(404);
    expect((await t.api.call('GET', `/api/orders/${order.id}/messages`)).status).toBe(401);
  });

  it('staff join only once a case on the order is with the platform', async () => {
    const { shop, buyer, order, caseId, escalate } = await escalatedCase();
    const staff = await t.api.user('staff');
    await send(order.id, buyer, '卡密兑换失败');
    for (const res of [await t.api.call('GET', `/api/orders/${order.id}/messages`, { token: staff.token }), await send(order.id, staff, '平台客服介入')]) {
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CHAT_NOT_ESCALATED');
    }
    const before = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: staff.token });
    expect(before.systemEvidence.chat).toEqual({ messages: [], readUnanswered: [] }); // the case view follows the same rule
    await escalate();
    const staffView = await read(order.id, staff);
    expect(staffView.items.map((m: { sender: string }) => m.sender)).toEqual(['buyer']);
    expect(staffView.items[0].readAt).toBeNull(); // staff reading is not the merchant reading
    const staffMessage = await send(order.id, staff, '请双方在 48 小时内补充截图');
    expect(staffMessage.status).toBe(201);
    expect(staffMessage.body.message.sender).toBe('staff');
    for (const party of [buyer, shop.merchant]) {
      expect((await read(order.id, party)).items.map((m: { sender: string }) => m.sender)).toEqual(['buyer', 'staff']);
    }
    // The case's system evidence carries the transcript, and staff get the key facts; parties do not.
    const staffCase = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: staff.token });
    expect(staffCase.systemEvidence.chat.messages.map((m: { body: string }) => m.body)).toEqual(['卡密兑换失败', '请双方在 48 小时内补充截图']);
    expect(staffCase.keyFacts).toEqual(expect.arrayContaining([
      { kind: 'time', text: '14:05', source: 'description' },
      expect.objectContaining({ kind: 'error', text: '卡密兑换失败', source: 'chat', sender: 'buyer' }),
    ]));
    const buyerCase = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token });
    expect(buyerCase.keyFacts).toBeUndefined();
    expect(buyerCase.systemEvidence.chat.messages).toHaveLength(2);
  });

  it('an off-platform payment request is delivered, flagged, warned about, answered by a system message both see, and counted for the shop', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    const since = t.kameng.ctx.clock.now();
    const clean = await send(order.id, shop.merchant, `订单 ${order.orderNo} 金额 ¥10.00，10:30 已发货，卡密 STEAM-50-1001-ABCD`);
    expect(clean.body.warnings).toEqual([]);

    const lure = await send(order.id, shop.merchant, '加我微信 kameng_888，私下转账便宜 5 块');
    expect(lure.status).toBe(201);
    expect(lure.body.warnings).toEqual([expect.objectContaining({ code: 'OFF_PLATFORM_PAYMENT', rule: 'chat.off-platform-warning' })]);
    expect(lure.body.message.flags).toEqual(['off_platform_payment']);
    const english = await t.api.call('POST', `/api/orders/${order.id}/messages`, { token: shop.merchant.token, headers: { 'accept-language': 'en-US,en;q=0.9' }, body: { body: 'or pay me directly on whatsapp' } });
    expect(english.body.warnings[0].message).toMatch(/escrow guarantee/);

    for (const party of [buyer, shop.merchant]) {
      const items = (await read(order.id, party)).items as Array<{ id: string; sender: string; flags: string[]; body: string }>;
      const at = items.findIndex((m) => m.id === lure.body.message.id);
      expect(items[at + 1]).toMatchObject({ sender: 'system', flags: ['off_platform_warning'] });
      expect(items[at + 1].body).toContain('担保');
    }
    // The platform's notice reads in the reader's language; the merchant's message stays as written.
    const inEnglish = (await t.api.ok('GET', `/api/orders/${order.id}/messages`, { token: buyer.token, headers: { 'accept-language': 'en' } })).items as Array<{ id: string; body: string }>;
    const notice = inEnglish.findIndex((m) => m.id === lure.body.message.id) + 1;
    expect(inEnglish[notice - 1].body).toBe('加我微信 kameng_888，私下转账便宜 5 块');
    expect(inEnglish[notice].body).toMatch(/^Platform notice: .*escrow guarantee/);
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    const event = timeline.events.find((e: { type: string }) => e.type === 'chat_off_platform');
    expect(event.data).toMatchObject({ messageId: lure.body.message.id, sender: 'merchant', ruleId: 'chat.off-platform-warning' });
    expect(timeline.verified).toBe(true);

    // A buyer's flagged message is warned about too, but does not count against the shop.
    expect((await send(order.id, buyer, '可以加你QQ 20481024 吗')).body.warnings[0].code).toBe('OFF_PLATFORM_PAYMENT');
    expect(await offPlatformAttempts(t.kameng.ctx.db, shop.shopId, since)).toBe(2);
    expect(await offPlatformAttempts(t.kameng.ctx.db, shop.shopId, new Date(t.kameng.ctx.clock.now().getTime() + 60_000))).toBe(0);
  });

  it('已读未回: a buyer message the merchant read and left unanswered past the rule’s time is recorded and joins the case', async () => {
    const { shop, buyer, order, caseId } = await escalatedCase();
    const question = (await send(order.id, buyer, '卡密显示已被使用，请回复')).body.message.id as string;
    const opened = await read(order.id, shop.merchant);
    const readAt = byId(opened.items, question).readAt as string;
    await t.api.advance(59);
    let c = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token });
    expect(c.systemEvidence.chat.readUnanswered).toEqual([]);
    await t.api.advance(2);
    c = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token });
    expect(c.systemEvidence.chat.readUnanswered).toEqual([{ messageId: question, readAt }]);
    expect(byId(c.systemEvidence.chat.messages, question).flags).toContain('read_unanswered');
    const timeline = await t.api.ok('GET', `/api/orders/${order.id}/timeline`, { token: buyer.token });
    expect(timeline.events.find((e: { type: string }) => e.type === 'chat_read_unanswered').data)
      .toMatchObject({ messageId: question, readAt, ruleId: 'chat.read-unanswered-minutes' });
    // A late answer does not undo the record.
    await send(order.id, shop.merchant, '抱歉刚看到');
    c = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token });
    expect(c.systemEvidence.chat.readUnanswered).toHaveLength(1);
    const notes = await t.api.ok('GET', '/api/notifications', { token: shop.merchant.token });
    expect(notes.items.map((n: { kind: string }) => n.kind)).toContain('chat_read_unanswered');
  });

  it('已读未回 is not recorded when the merchant answers in time, nor for messages the merchant never opened', async () => {
    const { shop, buyer, order, caseId } = await escalatedCase();
    const question = (await send(order.id, buyer, '在吗？')).body.message.id as string;
    await read(order.id, shop.merchant);
    await t.api.advance(30);
    await send(order.id, shop.merchant, '在的，马上处理');
    const unopened = (await send(order.id, buyer, '好的，等你')).body.message.id as string;
    await t.api.advance(180);
    const c = await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: buyer.token });
    expect(c.systemEvidence.chat.readUnanswered).toEqual([]);
    expect(byId(c.systemEvidence.chat.messages, unopened).readAt).toBeNull();
    const jobs = await t.kameng.ctx.db.selectFrom('jobs').select(['ref_id', 'status', 'last_error']).where('kind', '=', 'chat_read_unanswered').execute();
    expect(jobs.filter((j) => j.ref_id === question)).toEqual([{ ref_id: question, status: 'done', last_error: 'cancelled' }]);
    expect(jobs.filter((j) => j.ref_id === unopened)).toEqual([]);
  });

  it('limits: an empty or too long body is a 400, evidence must be the sender’s own upload, and a flood is a 429 citing the rule', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    expect((await send(order.id, buyer, '   ')).status).toBe(400);
    expect((await send(order.id, buyer, 'x'.repeat(1001))).status).toBe(400);

    const proof = await uploadEvidence(t.api, buyer, tinyPng, 'problem');
    const withFile = await send(order.id, buyer, '截图见附件', { evidenceIds: [proof.body.id] });
    expect(withFile.status).toBe(201);
    expect(withFile.body.message.evidenceIds).toEqual([proof.body.id]);
    const merchantSees = await t.api.server.inject({ method: 'GET', url: `/api/evidence/${proof.body.id}`, headers: { authorization: `Bearer ${shop.merchant.token}` } });
    expect(merchantSees.statusCode).toBe(200);
    const stranger: Session = await t.api.user('merchant');
    const strangerSees = await t.api.server.inject({ method: 'GET', url: `/api/evidence/${proof.body.id}`, headers: { authorization: `Bearer ${stranger.token}` } });
    expect(strangerSees.statusCode).toBe(404);
    const borrowed = await send(order.id, shop.merchant, '这是你的截图', { evidenceIds: [proof.body.id] });
    expect(borrowed.status).toBe(404);
    expect(borrowed.body.error.code).toBe('EVIDENCE_NOT_FOUND');

    for (let i = 0; i < 19; i += 1) expect((await send(order.id, buyer, `第 ${i} 条`)).status).toBe(201);
    const flood = await send(order.id, buyer, '再来一条');
    expect(flood.status).toBe(429);
    expect(flood.body.error.rule).toBe('chat.messages-per-minute');
    await t.api.advance(2);
    expect((await send(order.id, buyer, '一分钟后可以再发')).status).toBe(201);
  });

  it('pages back through a long conversation with `before`', async () => {
    const { shop, buyer, order } = await deliveredKeyOrder(t.api);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await send(order.id, i % 2 ? shop.merchant : buyer, `消息 ${i}`)).body.message.id);
    const newest = await t.api.ok('GET', `/api/orders/${order.id}/messages?limit=2`, { token: buyer.token });
    expect(newest.items.map((m: { id: string }) => m.id)).toEqual(ids.slice(3));
    expect(newest.hasMore).toBe(true);
    const older = await t.api.ok('GET', `/api/orders/${order.id}/messages?limit=2&before=${ids[3]}`, { token: buyer.token });
    expect(older.items.map((m: { id: string }) => m.id)).toEqual(ids.slice(1, 3));
  });
});
