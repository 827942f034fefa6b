import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';

/**
 * Every timer is a row with `due_at` (auto-confirm, order expiry, top-up timeout, refund arrival …).
 * Scheduling the same (kind, refId) again re-arms it at the new time.
 */
export async function scheduleJob(tx: Tx, kind: string, refId: string, dueAt: Date, now: Date): Promise<void> {
  await jobUpsert(tx, kind, refId, dueAt, now).execute();
}

/** scheduleJob's statement, for a caller that queues it (db/write-behind.ts `later`). */
export const jobUpsert = (tx: Tx, kind: string, refId: string, dueAt: Date, now: Date) => tx.insertInto('jobs')
  .values({ id: randomUUID(), kind, ref_id: refId, due_at: dueAt, status: 'pending', created_at: now })
  .onConflict((oc) => oc.columns(['kind', 'ref_id']).doUpdateSet({
    due_at: (eb) => eb.ref('excluded.due_at'), status: 'pending', attempts: 0, last_error: null, done_at: null,
  }));

export async function cancelJob(tx: Tx, kind: string, refId: string, now: Date): Promise<void> {
  await cancelJobs(tx, kind, [refId], now);
}

/** Cancels one kind's jobs for many refs in one statement. */
export async function cancelJobs(tx: Tx, kind: string, refIds: readonly string[], now: Date): Promise<void> {
  if (refIds.length === 0) return;
  await cancelJobsQuery(tx, kind, refIds, now).execute();
}

/** cancelJobs's statement, for a caller that queues it (db/write-behind.ts `later`). */
export const cancelJobsQuery = (tx: Tx, kind: string, refIds: readonly string[], now: Date) => tx.updateTable('jobs')
  .set({ status: 'done', done_at: now, last_error: 'cancelled' })
  .where('kind', '=', kind).where(sql<boolean>`ref_id = any(${[...refIds]}::text[])`).where('status', '=', 'pending');

export interface ClaimedJob {
  id: string;
  kind: string;
  ref_id: string;
  attempts: number;
}

/** How long a claimed job stays invisible to other servers before a crash makes it due again. */
export const jobLeaseMinutes = 5;
export const jobAttemptsMax = 8;

/**
 * Claims due jobs with FOR UPDATE SKIP LOCKED and pushes their due time out by a lease, so any
 * number of servers share the work and a job whose server dies runs again after the lease.
 */
export async function claimDueJobs(db: Db, now: Date, limit: number, kinds: { only: string[] } | { except: string[] } = { except: [] }): Promise<ClaimedJob[]> {
  const lease = new Date(now.getTime() + jobLeaseMinutes * 60_000);
  const kindFilter = 'only' in kinds
    ? (kinds.only.length === 0 ? sql`false` : sql`kind in (${sql.join(kinds.only)})`)
    : (kinds.except.length === 0 ? sql`true` : sql`kind not in (${sql.join(kinds.except)})`);
  const result = await sql<ClaimedJob>`
    update jobs set due_at = ${lease}, attempts = attempts + 1
    where id in (
      select id from jobs where status = 'pending' and due_at <= ${now} and ${kindFilter}
      order by due_at limit ${limit} for update skip locked)
    returning id, kind, ref_id, attempts`.execute(db);
  return result.rows;
}

export async function completeJob(db: Db, id: string, now: Date): Promise<void> {
  await completeJobs(db, [id], now);
}

/** Marks jobs that ran as done, in one statement (the ids as one array, whatever their number). */
export async function completeJobs(db: Db, ids: readonly string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ status: 'done', done_at: now }).where(sql<boolean>`id = any(${[...ids]}::uuid[])`).where('status', '=', 'pending').execute();
}

/**
 * Gives claimed jobs that did not run back (a server shutting down): due again at once, the claim's
 * attempt not counted, so the next server to look runs them without waiting out the lease.
 */
export async function releaseJobs(db: Db, jobs: readonly ClaimedJob[], now: Date): Promise<void> {
  if (jobs.length === 0) return;
  await db.updateTable('jobs').set((eb) => ({ due_at: now, attempts: eb('attempts', '-', 1) }))
    .where(sql<boolean>`id = any(${jobs.map((j) => j.id)}::uuid[])`).where('status', '=', 'pending').execute();
}

export async function failJob(db: Db, job: ClaimedJob, error: unknown, now: Date): Promise<void> {
  const giveUp = job.attempts >= jobAttemptsMax;
  const retryAt = new Date(now.getTime() + Math.min(60, 2 ** job.attempts) * 60_000);
  await db.updateTable('jobs')
    .set({ status: giveUp ? 'failed' : 'pending', due_at: retryAt, last_error: String((error as Error)?.stack ?? error).slice(0, 2000) })
    .where('id', '=', job.id).where('status', '=', 'pending').execute();
}

export async function nextDueAt(db: Db, until: Date): Promise<Date | undefined> {
  const row = await db.selectFrom('jobs').select('due_at').where('status', '=', 'pending').where('due_at', '<=', until)
    .orderBy('due_at').limit(1).executeTakeFirst();
  return row?.due_at;
}
