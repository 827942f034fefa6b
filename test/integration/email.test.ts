import { describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase } from '../support/aftersales';
import { password } from '../support/api';
import { useTestApp } from '../support/harness';
import { mailSubject, mailText, startSmtpCapture } from '../support/smtp';

const { url: smtpUrl, received } = await startSmtpCapture();
const t = useTestApp({ config: () => ({ smtpUrl, mailFrom: 'Kameng <noreply@kameng.test>' }) });

const mailsTo = (address: string) => received.filter((m) => m.to.includes(address)).map((m) => ({ subject: mailSubject(m.raw), text: mailText(m.raw) }));

describe('email notifications', () => {
  it('with SMTP configured, a new case emails the merchant and the buyer after commit', async () => {
    const { buyer, order, shop } = await deliveredKeyOrder(t.api);
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect((await fileCase(t.api, buyer, order.id, {})).status).toBe(201);
    await t.api.advance(0); // runs the email jobs now due
    const recipients = received.flatMap((m) => m.to);
    expect(recipients).toEqual(expect.arrayContaining([buyer.user.email, shop.merchant.user.email]));
    expect(received.every((m) => m.raw.includes('noreply@kameng.test'))).toBe(true);
  });

  it('a user who signed in in English gets their e-mail in English, with Beijing times and no raw time', async () => {
    const { buyer, order, shop } = await deliveredKeyOrder(t.api);
    // The merchant signs in again with an English browser: their language is remembered for e-mail.
    const english = { 'accept-language': 'en-GB,en;q=0.9' };
    await t.api.ok('POST', '/api/auth/login', { headers: english, body: { email: shop.merchant.user.email, password } });
    await t.api.ok('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyer.token });
    expect((await fileCase(t.api, buyer, order.id, {})).status).toBe(201);
    await t.api.advance(0);
    const [mail] = mailsTo(shop.merchant.user.email).filter((m) => m.subject.includes('claim'));
    expect(mail.subject).toBe('[Kameng] New after-sales claim');
    expect(mail.text).toMatch(new RegExp(`Order ${order.orderNo} has a new after-sales claim; the merchant must respond by \\d{1,2} \\w{3} \\d{4}, \\d{2}:\\d{2} \\(Beijing time\\)`));
    expect(mail.text).not.toMatch(/\d{4}-\d{2}-\d{2}T|[\u4e00-\u9fff]{3}/);
    // The buyer never chose English: theirs stays Chinese.
    expect(mailsTo(buyer.user.email).map((m) => m.subject)).toContain('【卡盟】新的售后申请');
  });
});
