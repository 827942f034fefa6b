import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { verifyChain, type TimelineEvent } from './timeline';

export const verifyBatchEvents = 20_000;

interface Row { order_id: string; seq: number; type: string; at: Date; actor: string; data: Record<string, unknown>; hash: string; prev_hash: string }

/**
 * Verifies every order's hash chain by streaming order_events in primary-key order, a batch of
 * whole orders at a time (keyset on order_id), fetching the next batch while this one is hashed:
 * a few dozen queries for a million events instead of one per order. An order without events has
 * an empty, valid chain.
 */
export async function verifyAllTimelines(
  db: Db, onBroken: (orderId: string, brokenAt: number | undefined) => void, batchEvents = verifyBatchEvents,
): Promise<{ orders: number; broken: number; events: number }> {
  const fetch = async (after: string | null): Promise<Row[]> => (await sql<Row>`
    select order_id, seq, type, at, actor, data, hash, prev_hash from order_events
    ${after ? sql`where order_id > ${after}` : sql``} order by order_id, seq limit ${batchEvents}`.execute(db)).rows;
  const wholeOrder = async (orderId: string): Promise<Row[]> => (await sql<Row>`
    select order_id, seq, type, at, actor, data, hash, prev_hash from order_events where order_id = ${orderId} order by seq`.execute(db)).rows;

  let broken = 0;
  let events = 0;
  let next: Promise<Row[]> | null = fetch(null);
  while (next) {
    let rows = await next;
    next = null;
    if (rows.length === batchEvents) {
      // The batch may end inside an order: that order starts the next batch (or, alone, is read whole).
      const last = rows[rows.length - 1].order_id;
      const cut = rows.findIndex((r) => r.order_id === last);
      if (cut === 0) rows = await wholeOrder(last);
      else rows = rows.slice(0, cut);
      next = fetch(rows[rows.length - 1].order_id);
    }
    events += rows.length;
    let start = 0;
    for (let i = 1; i <= rows.length; i += 1) {
      if (i < rows.length && rows[i].order_id === rows[start].order_id) continue;
      const orderId = rows[start].order_id;
      const chain: TimelineEvent[] = rows.slice(start, i).map((r) => ({
        seq: r.seq, type: r.type, at: r.at.toISOString(), actor: r.actor, data: r.data, hash: r.hash, prevHash: r.prev_hash,
      }));
      const result = verifyChain(orderId, chain);
      if (!result.valid) { broken += 1; onBroken(orderId, result.brokenAt); }
      start = i;
    }
  }
  const { n } = (await sql<{ n: string }>`select count(*) as n from orders`.execute(db)).rows[0];
  return { orders: Number(n), broken, events };
}
