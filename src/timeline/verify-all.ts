import { sql } from 'kysely';
import type { Db } from '../db/connect';
import { canonicalJson } from '../shared/canonical-json';
import { ChainCheck, linkHash } from './timeline';

/** One event's line, its columns as JSON values: [seq, hash, prev_hash, at (ISO 8601 with offset), type, actor, data]. */
type EventLine = [number, string, string, string, string, string, unknown];

export const verifyBatchOrders = 5_000;

/**
 * Verifies every order's hash chain by streaming order_events through a cursor: one row per order
 * with its whole chain in seq order, `batchOrders` orders per fetch, in order_id order. Every event
 * is checked as verifyChain checks it (seqs 1..n from genesis, each prev link, each hash recomputed).
 * An order without events has an empty, valid chain.
 *
 * Why this shape (800k events, on PGlite, the embedded engine, which runs in this process's thread):
 * - The events are read in one sequential scan and sorted, not walked through the primary key: in key
 *   order nearly every event is on another heap page (orders are random UUIDs, appended over time),
 *   and beyond the buffer pool each is a file read. Index scans are switched off for this
 *   transaction because the planner, believing the pages cached (effective_cache_size), would
 *   otherwise walk the index.
 * - Each event is one line of JSON values, an order's lines one text: the embedded engine's driver
 *   decodes every column of every row on its own, and with 800k rows that was the next cost. The
 *   lines are written with to_json per column rather than json_build_array, which looks every
 *   argument's type up again on each row: on PGlite the scan took 2.2 s with json_build_array of
 *   the eight columns and 1.3–1.5 s with this. A line holds no raw newline (JSON escapes them).
 * - The next batch is asked for before this one is hashed: on PostgreSQL the server builds it
 *   meanwhile (on PGlite the same thread does both, in turn).
 * The cursor's transaction also gives the whole run one snapshot.
 */
export async function verifyAllTimelines(
  db: Db, onBroken: (orderId: string, brokenAt: number | undefined) => void, batchOrders = verifyBatchOrders,
): Promise<{ orders: number; broken: number; events: number }> {
  if (!Number.isSafeInteger(batchOrders) || batchOrders < 1) throw new Error(`batchOrders must be a positive integer, got ${batchOrders}`);
  return db.transaction().execute(async (tx) => {
    await sql`set local enable_indexscan = off`.execute(tx);
    await sql`set local enable_bitmapscan = off`.execute(tx);
    await sql`declare timeline_chains no scroll cursor for
      select order_id::text as id, string_agg(concat_ws(',', seq, to_json(hash), to_json(prev_hash), to_json(at), to_json(type), to_json(actor), data), e'\n' order by seq) as chain
      from order_events group by order_id order by order_id`.execute(tx);
    const fetchBatch = () => sql<{ id: string; chain: string }>`fetch ${sql.raw(String(batchOrders))} from timeline_chains`.execute(tx);
    let broken = 0;
    let events = 0;
    let pending = fetchBatch();
    for (;;) {
      const rows = (await pending).rows;
      const more = rows.length === batchOrders;
      if (more) {
        pending = fetchBatch();
        pending.catch(() => {}); // awaited on the next turn; should hashing throw first, the rollback reports the error
      }
      for (const { id, chain } of rows) {
        const check = new ChainCheck();
        for (const line of chain.split('\n')) {
          events += 1;
          if (!check.intact) continue;
          const [seq, hash, prevHash, at, type, actor, data] = JSON.parse(`[${line}]`) as EventLine;
          check.next(seq, hash, prevHash, linkHash(id, seq, type, new Date(at).toISOString(), actor, canonicalJson(data), prevHash));
        }
        if (!check.intact) { broken += 1; onBroken(id, check.brokenAt); }
      }
      if (!more) break;
    }
    await sql`close timeline_chains`.execute(tx);
    const { n } = (await sql<{ n: string }>`select count(*) as n from orders`.execute(tx)).rows[0];
    return { orders: Number(n), broken, events };
  });
}
