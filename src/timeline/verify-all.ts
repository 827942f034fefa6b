import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { canonicalJson } from '../shared/canonical-json';
import { ChainCheck, linkHash } from './timeline';

export const verifyBatchEvents = 20_000;

/** One event as json_build_array writes it: [order_id, seq, type, at (ISO 8601 with offset), actor, data, hash, prev_hash]. */
type EventTuple = [string, number, string, string, string, unknown, string, string];

/**
 * Verifies every order's hash chain by streaming order_events through a cursor, `batchEvents` at a
 * time, sorted by (order_id, seq) so each chain arrives whole and in order. Every event is checked as
 * verifyChain checks it (seqs 1..n from genesis, each prev link, each hash recomputed). An order
 * without events has an empty, valid chain.
 *
 * Why this shape (800k events took 13.6 s on PGlite walking the primary key): the events are read in one sequential scan
 * and sorted, not walked through the primary key — in key order nearly every event is on another heap
 * page (orders are random UUIDs, appended over time), and beyond the buffer pool each is a file read;
 * on PGlite, with its small pool, those reads were most of the time. Index scans are switched off for
 * this transaction because the planner, believing the pages cached (effective_cache_size), would
 * otherwise walk the index. Each event comes as one JSON text rather than eight columns: the
 * embedded engine's driver decodes every column of every row on its own, and that was the next cost.
 * The cursor's transaction also gives the whole run one snapshot.
 */
export async function verifyAllTimelines(
  db: Db, onBroken: (orderId: string, brokenAt: number | undefined) => void, batchEvents = verifyBatchEvents,
): Promise<{ orders: number; broken: number; events: number }> {
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) throw new Error(`batchEvents must be a positive integer, got ${batchEvents}`);
  return db.transaction().execute(async (tx) => {
    await sql`set local enable_indexscan = off`.execute(tx);
    await sql`set local enable_bitmapscan = off`.execute(tx);
    await sql`declare timeline_events no scroll cursor for
      select json_build_array(order_id, seq, type, at, actor, data, hash, prev_hash)::text as e from order_events order by order_id, seq`.execute(tx);
    let broken = 0;
    let events = 0;
    let check: ChainCheck | null = null;
    let orderId = '';
    const done = () => { if (check && !check.intact) { broken += 1; onBroken(orderId, check.brokenAt); } };
    for (;;) {
      const rows = (await sql<{ e: string }>`fetch ${sql.raw(String(batchEvents))} from timeline_events`.execute(tx)).rows;
      events += rows.length;
      for (const row of rows) {
        const [id, seq, type, at, actor, data, hash, prevHash] = JSON.parse(row.e) as EventTuple;
        if (id !== orderId) { done(); orderId = id; check = new ChainCheck(); }
        if (!check!.intact) continue;
        check!.next(seq, hash, prevHash, linkHash(orderId, seq, type, new Date(at).toISOString(), actor, canonicalJson(data), prevHash));
      }
      if (rows.length < batchEvents) break;
    }
    done();
    await sql`close timeline_events`.execute(tx);
    const { n } = (await sql<{ n: string }>`select count(*) as n from orders`.execute(tx)).rows[0];
    return { orders: Number(n), broken, events };
  });
}
