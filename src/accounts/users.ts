import type { Lang } from '../i18n/lang';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { actorLabel, type Actor, type Ctx, type UserActor } from '../context';
import { withTransaction } from '../db/transaction';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import type { Role, User } from '../db/schema';
import { accounts } from '../ledger/accounts';
import { balanceOf } from '../ledger/journal';
import { AppError, conflict } from '../shared/errors';
import { loginNotAttempted, loginSucceeded, reserveLoginAttempt } from './login-throttle';
import { hashPassword } from './passwords';
import { announceUserSessionsChanged, forgetTokenMessage, sessionChannel } from './session-cache';
import { systemText } from '../i18n/system-text';

export const passwordLengthMin = 8;
export const passwordLengthMax = 128;
export const sessionDays = 30;

export interface UserView {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  riskLevel: 'normal' | 'high';
  createdAt: string;
}

export const userView = (u: User): UserView => ({
  id: u.id, email: u.email, role: u.role, displayName: u.display_name, riskLevel: u.risk_level, createdAt: u.created_at.toISOString(),
});

const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** Creates an account; buyers and merchants register themselves, staff and admins come from the CLI. */
export async function createUser(
  ctx: Ctx,
  input: { email: string; password: string; role: Role; displayName?: string },
): Promise<User> {
  const email = normalizeEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  const row = await ctx.db.insertInto('users').values({
    id: randomUUID(), email, password_hash: passwordHash, role: input.role,
    display_name: input.displayName?.trim() || email.split('@')[0], risk_level: 'normal', created_at: now,
  }).onConflict((oc) => oc.column('email').doNothing()).returningAll().executeTakeFirst();
  if (!row) throw conflict('EMAIL_TAKEN', 'an account with this email already exists');
  return row;
}

export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

const tokenId = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Opens a session for a user, or a guest session scoped to one order. */
export async function openSession(db: Db | Tx, owner: { userId?: string; orderId?: string }, now: Date): Promise<Session> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(18).toString('base64url');
  const expiresAt = new Date(now.getTime() + sessionDays * 24 * 60 * 60_000);
  await db.insertInto('sessions').values({
    id: tokenId(token), user_id: owner.userId ?? null, order_id: owner.orderId ?? null, csrf_token: csrfToken, created_at: now, expires_at: expiresAt,
  }).execute();
  return { token, csrfToken, expiresAt };
}

/**
 * The session behind a token, or null (unknown, expired, signed out, or its user disabled). A hot
 * session comes from `ctx.sessionCache` (no query); its expiry is checked against the clock on every
 * call all the same.
 */
export async function resolveSession(ctx: Ctx, token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
  const id = tokenId(token);
  let session = ctx.sessionCache.get(id);
  if (!session) {
    const ticket = ctx.sessionCache.ticket();
    const row = await ctx.db.selectFrom('sessions')
      .leftJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.user_id', 'sessions.order_id', 'sessions.csrf_token', 'sessions.expires_at', 'users.role', 'users.status'])
      .where('sessions.id', '=', id).executeTakeFirst();
    if (!row || row.expires_at <= ctx.clock.now()) return null;
    if (row.user_id && row.status !== 'active') return null; // disabled meanwhile
    if (row.user_id && row.role) session = { actor: { kind: 'user', userId: row.user_id, role: row.role }, csrfToken: row.csrf_token, expiresAt: row.expires_at };
    else if (row.order_id) session = { actor: { kind: 'guest', orderId: row.order_id }, csrfToken: row.csrf_token, expiresAt: row.expires_at };
    else return null;
    ctx.sessionCache.set(id, session, ticket);
  }
  if (session.expiresAt <= ctx.clock.now()) return null; // the cache never extends a session
  return { actor: { ...session.actor }, csrfToken: session.csrfToken };
}

/**
 * Signs one session out: deleted, and announced to every server sharing the database in the same
 * statement (one transaction), then forgotten by this server's cache.
 */
export async function closeSession(ctx: Ctx, token: string): Promise<void> {
  const id = tokenId(token);
  await sql`with gone as (delete from sessions where id = ${id}) select pg_notify(${sessionChannel}, ${forgetTokenMessage(id)})`.execute(ctx.db);
  ctx.sessionCache.forgetToken(id);
}

/**
 * Same answer, and the same argon2 work, for an unknown email and a wrong password, so accounts
 * cannot be enumerated; attempts are throttled per account and per client address before any of it.
 */
export async function login(ctx: Ctx, input: { email: string; password: string; ip: string; locale?: Lang }): Promise<{ user: User; session: Session }> {
  const email = normalizeEmail(input.email);
  await reserveLoginAttempt(ctx, email, input.ip);
  const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const ok = await ctx.passwords.verify(user?.password_hash ?? null, input.password);
  if (ok === 'busy') throw await loginNotAttempted(ctx, email, input.ip);
  if (!user || !ok) throw new AppError('INVALID_CREDENTIALS', 401, 'email or password is wrong');
  await loginSucceeded(ctx, email, input.ip);
  // Told only after the right password, so the refusal does not reveal the account to a guesser.
  if (user.status !== 'active') throw new AppError('ACCOUNT_DISABLED', 403, 'this account has been disabled by the platform; contact support');
  await rememberLocale(ctx, user.id, input.locale);
  return { user, session: await openSession(ctx.db, { userId: user.id }, ctx.clock.now()) };
}

export async function register(
  ctx: Ctx,
  input: { email: string; password: string; role: 'buyer' | 'merchant'; displayName?: string; locale?: Lang },
): Promise<{ user: User; session: Session }> {
  const user = await createUser(ctx, input);
  await rememberLocale(ctx, user.id, input.locale);
  return { user, session: await openSession(ctx.db, { userId: user.id }, ctx.clock.now()) };
}

/** The language of the latest sign-in: e-mail and SMS notifications are written in it. */
async function rememberLocale(ctx: Ctx, userId: string, locale: Lang | undefined): Promise<void> {
  if (locale) await ctx.db.updateTable('users').set({ locale }).where('id', '=', userId).where((eb) => eb('locale', 'is', null).or('locale', '!=', locale)).execute();
}

export async function getUser(db: Db, userId: string): Promise<User> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user) throw new AppError('UNAUTHENTICATED', 401, 'sign in first');
  return user;
}

/** The signed-in user with their wallet balance. */
export async function me(ctx: Ctx, userId: string): Promise<{ user: UserView & { phone: string | null }; wallet: { balance: number } }> {
  const user = await getUser(ctx.db, userId);
  return { user: { ...userView(user), phone: user.phone ?? null }, wallet: { balance: await balanceOf(ctx.db, accounts.wallet(user.id)) } };
}

/**
 * Staff: flag a buyer high-risk with a reason (no automatic approvals), or clear the flag. Clearing
 * restarts the record the automatic check counts (only claims after it count again).
 */
export async function setRiskLevel(ctx: Ctx, actor: UserActor, userId: string, input: { level: 'normal' | 'high'; reason?: string }): Promise<UserView> {
  if (actor.role !== 'admin' && actor.role !== 'staff') throw new AppError('FORBIDDEN', 403, 'only staff and admins flag risk');
  const now = ctx.clock.now();
  const user = await ctx.db.updateTable('users').set(input.level === 'high'
    ? { risk_level: 'high', risk_reason: input.reason?.trim() || systemText('riskFlaggedByStaff', 'zh'), risk_set_by: actorLabel(actor), risk_set_at: now }
    : { risk_level: 'normal', risk_reason: null, risk_set_by: actorLabel(actor), risk_set_at: now, risk_cleared_at: now })
    .where('id', '=', userId).returningAll().executeTakeFirst();
  if (!user) throw new AppError('USER_NOT_FOUND', 404, 'user not found');
  return userView(user);
}

export const userPageSizeMax = 100;

/** Admin: users by e-mail / name search and role, newest first, with the total. */
export async function listUsers(ctx: Ctx, query: { q?: string; role?: Role; status?: 'active' | 'disabled'; limit?: number; offset?: number }) {
  let base = ctx.db.selectFrom('users');
  const q = query.q?.trim().toLowerCase();
  if (q) base = base.where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', `%${escapeLike(q)}%`), eb(eb.fn('lower', ['display_name']), 'like', `%${escapeLike(q)}%`)]));
  if (query.role) base = base.where('role', '=', query.role);
  if (query.status) base = base.where('status', '=', query.status);
  const limit = Math.min(query.limit ?? 20, userPageSizeMax);
  const offset = query.offset ?? 0;
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((u) => ({ ...userView(u), status: u.status, statusReason: u.status_reason, risk: u.risk_level, riskReason: u.risk_reason })),
    total: Number(count.n), limit, offset,
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Admin: disable an account (forged evidence, fraud) or enable it again. A disabled user's sessions
 * end at once, sign-in is refused and the API keys of shops they own stop working.
 */
export async function setUserStatus(ctx: Ctx, actor: UserActor, userId: string, input: { status: 'active' | 'disabled'; reason: string }) {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 403, 'only admins disable accounts');
  if (userId === actor.userId && input.status === 'disabled') throw conflict('CANNOT_DISABLE_SELF', 'an admin cannot disable their own account');
  try {
    return await withTransaction(ctx.db, async (tx) => {
      const user = await tx.updateTable('users').set({ status: input.status, status_reason: input.reason.trim() })
        .where('id', '=', userId).returningAll().executeTakeFirst();
      if (!user) throw new AppError('USER_NOT_FOUND', 404, 'user not found');
      if (input.status === 'disabled') await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await announceUserSessionsChanged(tx, userId);
      return { ...userView(user), status: user.status, statusReason: user.status_reason };
    });
  } finally {
    ctx.sessionCache.forgetUser(userId); // after the commit: a read racing it is not kept (see SessionCache)
  }
}
