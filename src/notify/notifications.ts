import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import { scheduleJob } from '../scheduler/jobs';

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

/**
 * In-app notifications, written in the transaction of the change they report; when SMTP is
 * configured each one also gets an email job, sent after commit by the scheduler.
 */
export async function notify(ctx: Ctx, tx: Tx, input: NotificationInput): Promise<void> {
  const userIds = [...new Set(input.userIds.filter((id): id is string => Boolean(id)))];
  if (userIds.length === 0) return;
  const rows = userIds.map((userId) => ({
    id: randomUUID(), user_id: userId, kind: input.kind, title: input.title, body: input.body,
    order_id: input.orderId ?? null, case_id: input.caseId ?? null, read_at: null, created_at: input.at,
  }));
  await tx.insertInto('notifications').values(rows).execute();
  if (ctx.config.smtpUrl) {
    for (const row of rows) await scheduleJob(tx, 'email_notification', row.id, input.at, input.at);
  }
}

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
