import { hash as digest } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/connect';
import { canonicalJson } from '../shared/canonical-json';
import { later } from '../db/write-behind';

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

/**
 * The hash covers the event and the hash before it, so no event can be altered or dropped unseen:
 * sha256(prevHash + '\n' + canonicalJson({ orderId, seq, type, at, actor, data })).
 */
export function eventHash(orderId: string, event: Omit<TimelineEvent, 'hash'>): string {
  const { seq, type, at, actor, data, prevHash } = event;
  // canonicalJson leaves out undefined properties; linkHash writes all six (types allow none undefined).
  if (seq === undefined || type === undefined || at === undefined || actor === undefined || data === undefined) {
    return digest('sha256', `${prevHash}\n${canonicalJson({ orderId, seq, type, at, actor, data })}`, 'hex');
  }
  return linkHash(orderId, seq, type, at, actor, canonicalJson(data), prevHash);
}

/**
 * eventHash with `data` already written as canonical JSON, for verify-timeline's million events.
 * The body is canonicalJson of the six fields spelt out in its key order (actor, at, data, orderId,
 * seq, type), each written as canonicalJson writes a string or number — the same text by construction
 * (timeline.test.ts compares the two on awkward values).
 */
export function linkHash(orderId: string, seq: number, type: string, at: string, actor: string, canonicalData: string, prevHash: string): string {
  const body = `{"actor":${JSON.stringify(actor)},"at":${JSON.stringify(at)},"data":${canonicalData},"orderId":${JSON.stringify(orderId)},"seq":${JSON.stringify(seq)},"type":${JSON.stringify(type)}}`;
  return digest('sha256', `${prevHash}\n${body}`, 'hex');
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

/**
 * For the statement that takes the order's row lock (an UPDATE … RETURNING of the order): the chain's
 * head as a column, read in that same statement, when this transaction does not know it yet
 * (undefined otherwise); `learnHead` keeps what the column returned. That statement's snapshot may
 * predate a transaction it waited for on the row lock: should that one have appended meanwhile, the
 * next append reuses a taken seq, the primary key (order_id, seq) refuses it, and withTransaction
 * runs the whole transaction again (db/transaction.ts). The chain can never fork.
 */
export function headColumnFor(tx: Tx, orderId: string) {
  if (!tx.isTransaction || headsOf(tx).get(orderId)) return undefined;
  return sql<string | null>`(select e.seq || ' ' || e.hash from order_events e where e.order_id = ${orderId} order by e.seq desc limit 1)`;
}
export function learnHead(tx: Tx, orderId: string, head: string | null): void {
  const [seq, hash] = head ? head.split(' ') : ['0', genesisHash];
  headsOf(tx).set(orderId, { seq: Number(seq), hash });
}

/** After ROLLBACK TO SAVEPOINT: locks and appends made after the savepoint are undone, so forget what was learnt. */
export function forgetTimelineHeads(tx: Tx): void {
  chainHeads.delete(tx);
  appended.delete(tx);
}

/**
 * The events this transaction appended, per order, in seq order: a view of an object created in the
 * transaction (a case just filed) takes its events from here instead of reading the timeline back.
 */
const appended = new WeakMap<object, Map<string, TimelineEvent[]>>();
function noteAppended(tx: Tx, orderId: string, event: TimelineEvent): void {
  if (!tx.isTransaction) return;
  let byOrder = appended.get(tx);
  if (!byOrder) appended.set(tx, (byOrder = new Map()));
  const events = byOrder.get(orderId);
  if (events) events.push(event);
  else byOrder.set(orderId, [event]);
}
export const eventsAppendedHere = (tx: Tx, orderId: string): readonly TimelineEvent[] => appended.get(tx)?.get(orderId) ?? [];

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
  // Nothing in the transaction reads the row back (the head is kept here): it goes with the next statement.
  await later(tx, tx.insertInto('order_events').values({
    order_id: orderId, seq: unsigned.seq, type, at: input.at, actor: input.actor, data: JSON.stringify(data), hash, prev_hash: unsigned.prevHash,
  }));
  heads.set(orderId, { seq: unsigned.seq, hash });
  const event = { ...unsigned, hash };
  noteAppended(tx, orderId, event);
  return event;
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
  for (const { orderId, ...event } of written) noteAppended(tx, orderId, event);
  return written.map(({ orderId: _orderId, ...event }) => event);
}

export async function readTimeline(db: Db | Tx, orderId: string): Promise<TimelineEvent[]> {
  const rows = await db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, type: r.type, at: r.at.toISOString(), actor: r.actor, data: r.data, hash: r.hash, prevHash: r.prev_hash }));
}

/**
 * One order's chain, checked event by event in seq order: the events must be seqs 1, 2, … n with no
 * gap, the first linked to the genesis hash, each to the stored hash of the one before, and each
 * stored hash must be the recomputed one. `brokenAt` is the first event that fails.
 */
export class ChainCheck {
  brokenAt: number | undefined;
  private prev = genesisHash;
  private count = 0;

  /** Whether every event so far held (once broken, later events need not be hashed). */
  get intact(): boolean { return this.brokenAt === undefined; }

  /** The next event as stored (seq, hash, prevHash) and its hash recomputed; false once the chain is broken. */
  next(seq: number, hash: string, prevHash: string, recomputed: string): boolean {
    if (this.brokenAt !== undefined) return false;
    this.count += 1;
    if (seq !== this.count || prevHash !== this.prev || recomputed !== hash) {
      this.brokenAt = seq;
      return false;
    }
    this.prev = hash;
    return true;
  }
}

/** Recomputes the chain; returns the first broken link, if any. */
export function verifyChain(orderId: string, events: TimelineEvent[]): { valid: boolean; brokenAt?: number } {
  const check = new ChainCheck();
  for (const e of events) {
    if (!check.next(e.seq, e.hash, e.prevHash, eventHash(orderId, e))) return { valid: false, brokenAt: check.brokenAt };
  }
  return { valid: true };
}
