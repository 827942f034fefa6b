import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context';
import type { Tx } from '../db/connect';
import { scheduleJob } from '../scheduler/jobs';

/** SMS text kept in the outbox (what the template renders to, roughly): long bodies are cut. */
export const smsTextLengthMax = 300;
export const outboxPageSizeMax = 200;

export interface OutboundInput {
  channel: 'email' | 'sms';
  recipient: string;
  kind: string;
  /** E-mail: the whole subject line (brand included, in the reader's language); SMS: the notice's title. */
  subject: string;
  body: string;
  orderId: string | null;
  notificationId: string | null;
  at: Date;
}

/**
 * A message to send after commit: a row in the transaction of the change it reports, and a job
 * that sends it through the mailer or the SMS provider (provider calls never run inside a
 * transaction; a failure retries from the job row).
 */
export async function queueOutbound(tx: Tx, input: OutboundInput): Promise<void> {
  const id = randomUUID();
  await tx.insertInto('outbound_messages').values({
    id, channel: input.channel, recipient: input.recipient, kind: input.kind, subject: input.subject,
    body: input.channel === 'sms' ? input.body.slice(0, smsTextLengthMax) : input.body,
    order_id: input.orderId, notification_id: input.notificationId, status: 'pending', provider: null, provider_message_id: null, error: null,
    created_at: input.at, sent_at: null,
  }).execute();
  await scheduleJob(tx, 'outbound_message', id, input.at, input.at);
}

/** The send job: one message, once; a provider error throws so the scheduler retries with backoff. */
export async function sendOutboundMessage(ctx: Ctx, id: string, now: Date): Promise<void> {
  const message = await ctx.db.selectFrom('outbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
  if (!message || message.status !== 'pending') return;
  let provider: string;
  let providerMessageId: string | null = null;
  if (message.channel === 'email') {
    if (!ctx.mailer) return fail(ctx, id, 'email is not configured (SMTP_URL)');
    await ctx.mailer.sendMail({ from: ctx.config.mailFrom, to: message.recipient, subject: message.subject, text: message.body });
    provider = 'smtp';
  } else {
    if (!ctx.sms) return fail(ctx, id, 'SMS is off (KAMENG_SMS_PROVIDER)');
    const orderNo = message.order_id
      ? (await ctx.db.selectFrom('orders').select('order_no').where('id', '=', message.order_id).executeTakeFirst())?.order_no ?? ''
      : '';
    const sent = await ctx.sms.send({ phone: message.recipient, text: message.body, params: { title: message.subject, order: orderNo } });
    provider = ctx.sms.name;
    providerMessageId = sent.messageId;
  }
  await ctx.db.updateTable('outbound_messages').set({ status: 'sent', provider, provider_message_id: providerMessageId, sent_at: now, error: null })
    .where('id', '=', id).where('status', '=', 'pending').execute();
}

async function fail(ctx: Ctx, id: string, error: string): Promise<void> {
  await ctx.db.updateTable('outbound_messages').set({ status: 'failed', error }).where('id', '=', id).where('status', '=', 'pending').execute();
}

/** The sandbox SMS outbox: what the sandbox provider "sent", newest first (sandbox mode only). */
export async function sandboxSmsOutbox(ctx: Ctx, query: { phone?: string; limit?: number }) {
  let rows = ctx.db.selectFrom('outbound_messages').selectAll().where('channel', '=', 'sms').where('status', '=', 'sent').where('provider', '=', 'sandbox');
  if (query.phone) rows = rows.where('recipient', '=', query.phone);
  const items = await rows.orderBy('sent_at', 'desc').orderBy('id').limit(Math.min(query.limit ?? 50, outboxPageSizeMax)).execute();
  return {
    items: items.map((m) => ({
      id: m.id, phone: m.recipient, kind: m.kind, title: m.subject, text: m.body, orderId: m.order_id, messageId: m.provider_message_id, sentAt: m.sent_at?.toISOString() ?? null,
    })),
  };
}
