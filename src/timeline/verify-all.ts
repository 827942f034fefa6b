import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { canonicalJson } from '../shared/canonical-json';
import { ChainCheck, linkHash } from './timeline';

export const verifyBatchEvents = 20_000;

/** `data` as jsonb text: parsed (and re-written canonically) here, unless it is `{}`, whose canonical JSON is itself. */
interface Row { order_id: string; seq: number; type: string; at: Date; actor: string; data: string; hash: string; prev_hash: string }

/**
 * Verifies every order's hash chain by streaming order_events in primary-key order, a batch of
 * events at a time (keyset on (order_id, seq), so a chain may run on into the next batch), fetching
 * the next batch while this one is hashed: a few dozen queries for a million events instead of one
 * per order. Every event is checked as verifyChain checks it (seqs 1..n from genesis, each prev link,
 * each hash recomputed), with two shortcuts that give the same text: `data` arrives as jsonb text, and
 * `{}` needs no parse (it parses to {}, written `{}`); the event's canonical JSON is written by
 * linkHash. An order without events has an empty, valid chain.
 */
export async function verifyAllTimelines(
  db: Db, onBroken: (orderId: string, brokenAt: number | undefined) => void, batchEvents = verifyBatchEvents,
): Promise<{ orders: number; broken: number; events: number }> {
  const fetch = async (after: Row | null): Promise<Row[]> => (await sql<Row>`
    select order_id, seq, type, at, actor, data::text as data, hash, prev_hash from order_events
    ${after ? sql`where (order_id, seq) > (${after.order_id}, ${after.seq})` : sql``}
    order by order_id, seq limit ${batchEvents}`.execute(db)).rows;

  let broken = 0;
  let events = 0;
  let check: ChainCheck | null = null;
  let orderId = '';
  const done = () => { if (check && !check.intact) { broken += 1; onBroken(orderId, check.brokenAt); } };
  let next: Promise<Row[]> | null = fetch(null);
  while (next) {
    const rows: Row[] = await next;
    next = rows.length === batchEvents ? fetch(rows[rows.length - 1]) : null;
    events += rows.length;
    for (const r of rows) {
      if (r.order_id !== orderId) { done(); orderId = r.order_id; check = new ChainCheck(); }
      if (!check!.intact) continue;
      const data = r.data === '{}' ? '{}' : canonicalJson(JSON.parse(r.data));
      check!.next(r.seq, r.hash, r.prev_hash, linkHash(orderId, r.seq, r.type, r.at.toISOString(), r.actor, data, r.prev_hash));
    }
  }
  done();
  const { n } = (await sql<{ n: string }>`select count(*) as n from orders`.execute(db)).rows[0];
  return { orders: Number(n), broken, events };
}
