import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import { scheduleJob } from '../scheduler/jobs';
import { queueOutbound } from './outbound';
import { normalizePhone, phonePattern } from './sms';

export const notificationPageSizeMax = 100;

export interface NotificationInput {
  userIds: Array<string | null>;
  kind: string;
  title: string;
  body: string;
  orderId?: string;
  caseId?: string;
  at: Date;
}

/** The events important enough for a text message (case decisions, deadlines that bite). */
export const smsNotificationKinds: ReadonlySet<string> = new Set(['case_auto_approved', 'case_decided', 'case_overdue', 'case_external_channels']);

/**
 * In-app notifications, written in the transaction of the change they report; when SMTP is
 * configured each one also gets an email job, sent after commit by the scheduler. Important
 * events also go by SMS to users with a phone. A null user id beside an `orderId` is the order's
 * guest buyer (`order.buyer_id` is null): they get the notice at their order contact — by email
 * when it is an address, by SMS (important events) when it is a phone number.
 */
export async function notify(ctx: Ctx, tx: Tx, input: NotificationInput): Promise<void> {
  const userIds = [...new Set(input.userIds.filter((id): id is string => Boolean(id)))];
  const rows = userIds.map((userId) => ({
    id: randomUUID(), user_id: userId, kind: input.kind, title: input.title, body: input.body,
    order_id: input.orderId ?? null, case_id: input.caseId ?? null, read_at: null, created_at: input.at,
  }));
  if (rows.length) await tx.insertInto('notifications').values(rows).execute();
  if (ctx.config.smtpUrl) {
    for (const row of rows) await scheduleJob(tx, 'email_notification', row.id, input.at, input.at);
  }
  const sms = ctx.sms !== null && smsNotificationKinds.has(input.kind);
  if (sms && userIds.length) {
    const phones = await tx.selectFrom('users').select(['id', 'phone']).where('id', 'in', userIds).where('phone', 'is not', null).execute();
    for (const user of phones) {
      await queueOutbound(tx, { ...outboundOf(input), channel: 'sms', recipient: user.phone!, notificationId: rows.find((r) => r.user_id === user.id)?.id ?? null });
    }
  }
  if (input.orderId && input.userIds.some((id) => id === null)) await notifyGuest(ctx, tx, input, sms);
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function notifyGuest(ctx: Ctx, tx: Tx, input: NotificationInput, sms: boolean): Promise<void> {
  const order = await tx.selectFrom('orders').select(['guest_contact']).where('id', '=', input.orderId!).where('buyer_id', 'is', null).executeTakeFirst();
  const contact = order?.guest_contact?.trim();
  if (!contact) return;
  if (emailPattern.test(contact)) {
    if (ctx.config.smtpUrl) await queueOutbound(tx, { ...outboundOf(input), channel: 'email', recipient: contact, notificationId: null });
    return;
  }
  const phone = normalizePhone(contact);
  if (sms && phonePattern.test(phone)) await queueOutbound(tx, { ...outboundOf(input), channel: 'sms', recipient: phone, notificationId: null });
}

const outboundOf = (input: NotificationInput) => ({
  kind: input.kind, subject: input.title, body: input.body, orderId: input.orderId ?? null, at: input.at,
});

export async function listNotifications(ctx: Ctx, actor: Actor, query: { unread?: boolean; limit?: number }) {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  let base = ctx.db.selectFrom('notifications').where('user_id', '=', actor.userId);
  if (query.unread) base = base.where('read_at', 'is', null);
  const rows = await base.selectAll().orderBy('created_at', 'desc').limit(Math.min(query.limit ?? 50, notificationPageSizeMax)).execute();
  const unread = await ctx.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', actor.userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return {
    unread: Number(unread.n),
    items: rows.map((n) => ({
      id: n.id, kind: n.kind, title: n.title, body: n.body, orderId: n.order_id, caseId: n.case_id, read: n.read_at !== null, createdAt: n.created_at.toISOString(),
    })),
  };
}

export async function markNotificationsRead(ctx: Ctx, actor: Actor, ids: string[] | 'all'): Promise<{ updated: number }> {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  let query = ctx.db.updateTable('notifications').set({ read_at: ctx.clock.now() }).where('user_id', '=', actor.userId).where('read_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']);
  const result = await query.executeTakeFirst();
  return { updated: Number(result.numUpdatedRows) };
}

/** Where notification emails go: nodemailer's SMTP transport, owned by the app instance that closes it. */
export interface Mailer {
  sendMail(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
  close(): void;
}

/** The SMTP transport for the configured URL, or null when email is off. It connects on first send. */
export const createMailer = (smtpUrl: string | undefined): Mailer | null => (smtpUrl ? nodemailer.createTransport(smtpUrl) : null);

/** The email job: one notification, one message, sent with the app's mailer. */
export async function sendNotificationEmail(ctx: Ctx, notificationId: string): Promise<void> {
  if (!ctx.mailer) return;
  const row = await ctx.db.selectFrom('notifications').innerJoin('users', 'users.id', 'notifications.user_id')
    .select(['notifications.title', 'notifications.body', 'users.email']).where('notifications.id', '=', notificationId).executeTakeFirst();
  if (!row) return;
  await ctx.mailer.sendMail({ from: ctx.config.mailFrom, to: row.email, subject: `【卡盟】${row.title}`, text: row.body });
}
