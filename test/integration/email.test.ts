import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveredKeyOrder, fileCase } from '../support/aftersales';
import { useTestApp } from '../support/harness';

/** A real SMTP server on loopback that keeps what it receives. */
const received: Array<{ to: string[]; raw: string }> = [];
const smtp = new SMTPServer({
  authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const port = (smtp.server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const t = useTestApp({ config: () => ({ smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Kameng <noreply@kameng.test>' }) });

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
});
