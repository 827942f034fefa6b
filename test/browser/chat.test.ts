import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demoAccounts, demoPassword } from '../../src/seed/demo';
import { buyWithSandboxPayment, screenshots, signIn, useBrowserApp } from './browser-harness';

const steamTitle = 'Steam 钱包充值卡 ¥50';
const question = '10:30 兑换时提示“该充值码已被使用”，麻烦帮我看一下';
const lure = '加我微信 kameng_888，私下转账给你退，比平台快';

describe('chat on the order page (站内沟通)', () => {
  const app = useBrowserApp();

  async function signedInPage(email: string, viewport?: { width: number; height: number }): Promise<Page> {
    const page = await app.newPage(viewport);
    await page.goto(app.baseUrl + '/');
    await signIn(page, email, demoPassword);
    return page;
  }

  it('buyer asks, the merchant answers with a WeChat id, and both see the off-platform warning', async () => {
    // Buyer, on a phone: buy a key, then write to the merchant from the order page.
    const buyer = await signedInPage(demoAccounts.buyer, { width: 375, height: 812 });
    const shotBuyer = screenshots(buyer, 'chat-buyer');
    await buyer.getByRole('link', { name: steamTitle, exact: true }).click();
    const orderId = await buyWithSandboxPayment(buyer);

    const buyerChat = buyer.getByRole('region', { name: '站内沟通' });
    await buyerChat.getByText('聊天记录由平台保存', { exact: false }).waitFor(); // the hint that chatting here keeps evidence
    await buyerChat.getByText('还没有消息', { exact: false }).waitFor();
    await buyerChat.getByRole('button', { name: '发送' }).click();
    await buyerChat.getByText('请先输入内容。').waitFor(); // checked before anything is sent
    await buyerChat.getByLabel('发送消息').fill(question);
    await buyerChat.getByRole('button', { name: '发送' }).click();
    const buyerList = buyerChat.getByRole('list', { name: '站内沟通' });
    const mine = buyerList.getByRole('listitem').filter({ hasText: question });
    await mine.getByText('未读').waitFor();
    await shotBuyer('sent-unread');

    // Merchant, on a desktop: the notification, then the order page; opening the chat reads it.
    const merchant = await signedInPage(demoAccounts.merchant);
    const shotMerchant = screenshots(merchant, 'chat-merchant');
    await merchant.getByRole('banner').getByRole('link', { name: /^消息通知（\d+ 条未读）$/ }).click();
    await merchant.getByRole('link', { name: /买家发来新消息/ }).first().click();
    await merchant.waitForURL(new RegExp(`/orders/${orderId}$`));
    const merchantChat = merchant.getByRole('region', { name: '站内沟通' });
    await merchantChat.getByText(question).waitFor();
    await merchantChat.getByLabel('发送消息').fill(lure);
    await merchantChat.getByRole('button', { name: '发送' }).click();
    await merchantChat.getByText('这条消息疑似引导站外联系或付款', { exact: false }).waitFor(); // the sender's warning
    const merchantList = merchantChat.getByRole('list', { name: '站内沟通' });
    await merchantList.getByRole('listitem').filter({ hasText: lure }).getByText('疑似站外交易').waitFor();
    await merchantList.getByRole('note').getByText('站外交易不受平台担保保护', { exact: false }).waitFor();
    await shotMerchant('warned');

    // Buyer: the receipt on the question, the flagged answer and the platform's notice.
    await buyer.reload();
    await mine.getByText('已读').waitFor();
    const answer = buyerList.getByRole('listitem').filter({ hasText: lure });
    await answer.getByText('疑似站外交易').waitFor();
    const notice = buyerList.getByRole('note');
    await notice.getByText('站外交易不受平台担保保护', { exact: false }).waitFor();
    await notice.scrollIntoViewIfNeeded();
    await shotBuyer('warned');
    expect(await buyer.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The same in English for the buyer.
    await buyer.getByRole('button', { name: 'Switch to English' }).click();
    const englishChat = buyer.getByRole('region', { name: 'Messages' });
    await englishChat.getByRole('note').getByText('lose the escrow guarantee', { exact: false }).waitFor();
    await englishChat.getByText('Possible off-platform deal').waitFor();
    await shotBuyer('warned-en');

    // The order's timeline records the warning.
    const login = await app.kameng.server.inject({ method: 'POST', url: '/api/auth/login', payload: { email: demoAccounts.buyer, password: demoPassword } });
    const timeline = await app.kameng.server.inject({ method: 'GET', url: `/api/orders/${orderId}/timeline`, headers: { authorization: `Bearer ${(login.json() as { token: string }).token}` } });
    expect((timeline.json() as { events: Array<{ type: string }> }).events.map((e) => e.type)).toContain('chat_off_platform');

    for (const page of [buyer, merchant]) await page.context().close();
  });
});
