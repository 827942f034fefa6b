import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import { canonicalJson } from '../shared/canonical-json';

export const genesisHash = '0'.repeat(64);

export interface TimelineEvent {
  seq: number;
  type: string;
  at: string;
  actor: string;
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** The hash covers the event and the hash before it, so no event can be altered or dropped unseen. */
export function eventHash(orderId: string, event: Omit<TimelineEvent, 'hash'>): string {
  const body = canonicalJson({ orderId, seq: event.seq, type: event.type, at: event.at, actor: event.actor, data: event.data });
  return createHash('sha256').update(event.prevHash).update('\n').update(body).digest('hex');
}

/**
 * What a transaction knows of an order's timeline: `null` — it holds the order's row lock (it
 * updated or locked the order) but has not read the chain's head; a head — the last event's seq and
 * hash, known because this transaction created the order or appended to it. Either way no other
 * transaction can append to that order until this one ends, so the next append needs neither the
 * lock statement nor the read. Keyed by the transaction object: a retry is a new transaction and
 * starts empty.
 */
const chainHeads = new WeakMap<object, Map<string, { seq: number; hash: string } | null>>();

const headsOf = (tx: Tx) => {
  // Outside a transaction a lock ends with its statement: nothing to remember (a throwaway map).
  if (!tx.isTransaction) return new Map<string, { seq: number; hash: string } | null>();
  let heads = chainHeads.get(tx);
  if (!heads) chainHeads.set(tx, (heads = new Map()));
  return heads;
};

/** The order was inserted in this transaction: its chain is empty and nobody else can see it yet. */
export function timelineStartsHere(tx: Tx, orderId: string): void {
  headsOf(tx).set(orderId, { seq: 0, hash: genesisHash });
}

/** This transaction holds the order's row lock (an UPDATE or a FOR UPDATE of the order row). */
export function orderRowLocked(tx: Tx, orderId: string): void {
  const heads = headsOf(tx);
  if (!heads.has(orderId)) heads.set(orderId, null);
}

/** After ROLLBACK TO SAVEPOINT: locks and appends made after the savepoint are undone, so forget what was learnt. */
export function forgetTimelineHeads(tx: Tx): void {
  chainHeads.delete(tx);
}

/** Appends an event to an order's hash-chained timeline, serialised per order by the order's row lock. */
export async function appendEvent(
  tx: Tx,
  orderId: string,
  type: string,
  input: { actor: string; at: Date; data?: Record<string, unknown> },
): Promise<TimelineEvent> {
  const heads = headsOf(tx);
  let head = heads.get(orderId);
  // Appends to one order are serial: the order row is the lock (a caller that changed the order
  // holds it already; a case transition that did not gets it here). NO KEY UPDATE leaves foreign
  // keys pointing at the order (FOR KEY SHARE) unblocked. The head is read in a statement of its
  // own after the lock, so it sees whatever the transaction it waited for committed.
  if (head === undefined) await tx.selectFrom('orders').select('id').where('id', '=', orderId).forNoKeyUpdate().execute();
  if (!head) {
    const last = await tx.selectFrom('order_events').select(['seq', 'hash']).where('order_id', '=', orderId)
      .orderBy('seq', 'desc').limit(1).executeTakeFirst();
    head = { seq: last?.seq ?? 0, hash: last?.hash ?? genesisHash };
  }
  const data = JSON.parse(canonicalJson(input.data ?? {})) as Record<string, unknown>;
  const unsigned = { seq: head.seq + 1, type, at: input.at.toISOString(), actor: input.actor, data, prevHash: head.hash };
  const hash = eventHash(orderId, unsigned);
  await tx.insertInto('order_events').values({
    order_id: orderId, seq: unsigned.seq, type, at: input.at, actor: input.actor, data: JSON.stringify(data), hash, prev_hash: unsigned.prevHash,
  }).execute();
  heads.set(orderId, { seq: unsigned.seq, hash });
  return { ...unsigned, hash };
}

/**
 * Appends one event to each of many orders' timelines (a batch of settlements) in two statements:
 * the last link of every chain read at once, the new events inserted at once. The caller holds every
 * order's row lock (taken in id order), which serialises appends per order as appendEvent does.
 */
export async function appendEvents(
  tx: Tx,
  events: ReadonlyArray<{ orderId: string; type: string; actor: string; at: Date; data?: Record<string, unknown> }>,
): Promise<TimelineEvent[]> {
  if (events.length === 0) return [];
  const orderIds = [...new Set(events.map((e) => e.orderId))];
  const lastRows = await tx.selectFrom('order_events').select(['order_id', 'seq', 'hash']).distinctOn('order_id')
    .where(sql<boolean>`order_id = any(${orderIds}::uuid[])`).orderBy('order_id').orderBy('seq', 'desc').execute();
  const last = new Map(lastRows.map((r) => [r.order_id, { seq: r.seq, hash: r.hash }]));
  const written: Array<TimelineEvent & { orderId: string }> = [];
  for (const input of events) {
    const prev = last.get(input.orderId);
    const data = JSON.parse(canonicalJson(input.data ?? {})) as Record<string, unknown>;
    const unsigned = { seq: (prev?.seq ?? 0) + 1, type: input.type, at: input.at.toISOString(), actor: input.actor, data, prevHash: prev?.hash ?? genesisHash };
    const hash = eventHash(input.orderId, unsigned);
    last.set(input.orderId, { seq: unsigned.seq, hash });
    written.push({ ...unsigned, hash, orderId: input.orderId });
  }
  // Each column one array (unnest): the statement is the same text and size whatever the batch's.
  await sql`insert into order_events (order_id, seq, type, at, actor, data, hash, prev_hash)
    select order_id, seq, type, at, actor, data::jsonb, hash, prev_hash
    from unnest(${written.map((e) => e.orderId)}::uuid[], ${written.map((e) => e.seq)}::integer[], ${written.map((e) => e.type)}::text[],
      ${written.map((e) => e.at)}::timestamptz[], ${written.map((e) => e.actor)}::text[], ${written.map((e) => JSON.stringify(e.data))}::text[],
      ${written.map((e) => e.hash)}::text[], ${written.map((e) => e.prevHash)}::text[]) as e(order_id, seq, type, at, actor, data, hash, prev_hash)`.execute(tx);
  // Later appendEvent calls in this transaction chain on these links, not on a head learnt before.
  const heads = headsOf(tx);
  for (const [orderId, head] of last) heads.set(orderId, head);
  return written.map(({ orderId: _orderId, ...event }) => event);
}

export async function readTimeline(db: Db | Tx, orderId: string): Promise<TimelineEvent[]> {
  const rows = await db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, type: r.type, at: r.at.toISOString(), actor: r.actor, data: r.data, hash: r.hash, prevHash: r.prev_hash }));
}

/** Recomputes the chain; returns the first broken link, if any. */
export function verifyChain(orderId: string, events: TimelineEvent[]): { valid: boolean; brokenAt?: number } {
  let prev = genesisHash;
  for (const event of events) {
    if (event.prevHash !== prev || eventHash(orderId, event) !== event.hash) return { valid: false, brokenAt: event.seq };
    prev = event.hash;
  }
  return { valid: true };
}
