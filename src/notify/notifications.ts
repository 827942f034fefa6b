import { randomUUID } from 'node:crypto';
import { requireRole } from '../catalog/shops';
import type { Actor, Ctx } from '../context';
import type { Tx } from '../db/connect';
import type { Lang } from '../i18n/lang';
import { jobUpsert } from '../scheduler/jobs';
import { later } from '../db/write-behind';
import { smsNoticeKinds, type Notice, type NoticeKind } from './kinds';
import { queueOutbound } from './outbound';
import { defaultReader, type Reader } from './reader-format';
import { renderNotice } from './render-notice';
import { normalizePhone, phonePattern } from './sms';

export const notificationPageSizeMax = 100;

interface Recipients {
  /** Users to notify; a null beside `orderId` is the order's guest buyer (reached at their order contact). */
  userIds: Array<string | null>;
  orderId?: string;
  caseId?: string;
  at: Date;
  /** The users among `userIds` who have a phone, as the caller's transaction read them already (else read here when an SMS goes out). */
  phones?: readonly Recipient[];
}

/** A user an SMS can reach. */
export interface Recipient { id: string; phone: string; locale: Lang | null }

/** One event for its readers: a kind of kinds.ts with its parameters, rendered for each reader. */
export interface NotifyInput extends Recipients {
  notice: Notice;
}

/**
 * @deprecated Text rendered by the caller stays Chinese for every reader: build a `notice` (kinds.ts)
 * instead. Kept so a call written against the older API still works; it is stored as `legacy_text`.
 */
export interface LegacyNotificationInput extends Recipients {
  kind: string;
  title: string;
  body: string;
}

/**
 * In-app notifications, written in the transaction of the change they report as a kind plus
 * parameters; when SMTP is configured each one also gets an email job, sent after commit by the
 * scheduler in the user's language. Important events also go by SMS to users with a phone. A null
 * user id beside an `orderId` is the order's guest buyer (`order.buyer_id` is null): they get the
 * notice at their order contact — by email when it is an address, by SMS (important events) when it
 * is a phone number — in the language they checked out in.
 */
export async function notify(ctx: Ctx, tx: Tx, input: NotifyInput | LegacyNotificationInput): Promise<void> {
  const notice: Notice = 'notice' in input ? input.notice : { kind: 'legacy_text', params: { title: input.title, body: input.body, kind: input.kind } };
  const smsKind = 'notice' in input ? smsNoticeKinds.has(input.notice.kind) : smsNoticeKinds.has(input.kind as NoticeKind);
  const userIds = [...new Set(input.userIds.filter((id): id is string => Boolean(id)))];
  const rows = userIds.map((userId) => ({
    id: randomUUID(), user_id: userId, kind: notice.kind, params: JSON.stringify(notice.params),
    order_id: input.orderId ?? null, case_id: input.caseId ?? null, read_at: null, created_at: input.at,
  }));
  // Written behind (db/write-behind.ts): nothing in the transaction reads them back.
  if (rows.length) await later(tx, tx.insertInto('notifications').values(rows));
  if (ctx.config.smtpUrl) {
    for (const row of rows) await later(tx, jobUpsert(tx, 'email_notification', row.id, input.at, input.at));
  }
  const sms = ctx.sms !== null && smsKind;
  if (sms && userIds.length) {
    const phones = input.phones?.filter((user) => userIds.includes(user.id))
      ?? await tx.selectFrom('users').select(['id', 'phone', 'locale']).where('id', 'in', userIds).where('phone', 'is not', null).execute();
    for (const user of phones) {
      await queueOutbound(tx, {
        ...outboundOf(notice, input, readerOf(user.locale), 'sms'), recipient: user.phone!, notificationId: rows.find((r) => r.user_id === user.id)?.id ?? null,
      });
    }
  }
  if (input.orderId && input.userIds.some((id) => id === null)) await notifyGuest(ctx, tx, notice, input, sms);
}

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function notifyGuest(ctx: Ctx, tx: Tx, notice: Notice, input: Recipients, sms: boolean): Promise<void> {
  const order = await tx.selectFrom('orders').select(['guest_contact', 'guest_locale']).where('id', '=', input.orderId!).where('buyer_id', 'is', null).executeTakeFirst();
  const contact = order?.guest_contact?.trim();
  if (!contact) return;
  const reader = readerOf(order!.guest_locale);
  if (emailPattern.test(contact)) {
    if (ctx.config.smtpUrl) await queueOutbound(tx, { ...outboundOf(notice, input, reader, 'email'), recipient: contact, notificationId: null });
    return;
  }
  const phone = normalizePhone(contact);
  if (sms && phonePattern.test(phone)) await queueOutbound(tx, { ...outboundOf(notice, input, reader, 'sms'), recipient: phone, notificationId: null });
}

/** A stored language (null for users who have not signed in since it was recorded) as a reader in the platform's zone. */
export const readerOf = (locale: Lang | null | undefined): Reader => defaultReader(locale ?? 'zh');

/** An e-mail in the reader's language: the subject carries the brand, the body a closing line. */
export function notificationEmail(rendered: { title: string; body: string }, reader: Reader): { subject: string; text: string } {
  return reader.lang === 'en'
    ? { subject: `[Kameng] ${rendered.title}`, text: `${rendered.body}\n\n— Kameng (卡盟). Times are ${reader.timeZone === 'Asia/Shanghai' ? 'Beijing time' : reader.timeZone}.` }
    : { subject: `【卡盟】${rendered.title}`, text: `${rendered.body}\n\n——卡盟` };
}

function outboundOf(notice: Notice, input: Recipients, reader: Reader, channel: 'email' | 'sms') {
  const rendered = renderNotice(notice.kind, notice.params, reader);
  const email = notificationEmail(rendered, reader);
  return {
    channel, kind: notice.kind, orderId: input.orderId ?? null, at: input.at,
    subject: channel === 'email' ? email.subject : rendered.title, body: channel === 'email' ? email.text : rendered.body,
  };
}

/** The signed-in reader's notifications, newest first, rendered in their language and time zone (kind and params kept). */
export async function listNotifications(ctx: Ctx, actor: Actor, query: { unread?: boolean; limit?: number }, reader: Reader = defaultReader()) {
  requireRole(actor, 'buyer', 'merchant', 'staff', 'admin');
  let base = ctx.db.selectFrom('notifications').where('user_id', '=', actor.userId);
  if (query.unread) base = base.where('read_at', 'is', null);
  const rows = await base.selectAll().orderBy('created_at', 'desc').limit(Math.min(query.limit ?? 50, notificationPageSizeMax)).execute();
  const unread = await ctx.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', actor.userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return {
    unread: Number(unread.n),
    items: rows.map((n) => {
      const params = paramsOf(n.params);
      const { title, body } = renderNotice(n.kind, params, reader);
      return {
        id: n.id, kind: n.kind, params, title, body, orderId: n.order_id, caseId: n.case_id, read: n.read_at !== null, createdAt: n.created_at.toISOString(),
      };
    }),
  };
}

/** jsonb comes back parsed from pg and PGlite alike; a string (a driver that does not parse) is parsed here. */
const paramsOf = (value: unknown): Record<string, unknown> => (typeof value === 'string' ? JSON.parse(value) as Record<string, unknown> : (value ?? {}) as Record<string, unknown>);

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

/** The SMTP transport for the configured URL, or null when email is off (nodemailer is then not even loaded). It connects on first send. */
export const createMailer = async (smtpUrl: string | undefined): Promise<Mailer | null> => (smtpUrl ? (await import('nodemailer')).default.createTransport(smtpUrl) : null);

/** The email job: one notification, one message in the user's language, sent with the app's mailer. */
export async function sendNotificationEmail(ctx: Ctx, notificationId: string): Promise<void> {
  if (!ctx.mailer) return;
  const row = await ctx.db.selectFrom('notifications').innerJoin('users', 'users.id', 'notifications.user_id')
    .select(['notifications.kind', 'notifications.params', 'users.email', 'users.locale']).where('notifications.id', '=', notificationId).executeTakeFirst();
  if (!row) return;
  const reader = readerOf(row.locale);
  const { subject, text } = notificationEmail(renderNotice(row.kind, paramsOf(row.params), reader), reader);
  await ctx.mailer.sendMail({ from: ctx.config.mailFrom, to: row.email, subject, text });
}
