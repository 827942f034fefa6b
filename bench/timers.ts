/**
 * Timer drain (part of `npm run bench`, PostgreSQL): N delivered orders whose auto-confirm is due,
 * seeded with SQL as checkout would have left them (sold key, succeeded payment, balanced payment
 * entry into the order's escrow, created → paid → delivered timeline hashed in chain, the job row).
 * Then: (1) one server drains them — time from the first settlement to an empty queue; (2) a fresh
 * backlog of N, SIGTERM a few seconds into the drain — time to exit, and what was left is consistent
 * and still due; (3) a restart drains the rest. Every order is then checked: settled exactly once
 * (one settlement entry, one `settled` event), escrow empty, ledger balanced, timelines verified.
 *
 * Env: BENCH_TIMERS (100000; 0 skips), BENCH_TIMER_SERVERS (1: servers draining the first backlog
 * together, each order still settled exactly once), BENCH_SERVER_ROOT (run another checkout of the
 * server, e.g. an export of main, for a before/after on the same machine).
 * Alone: `BENCH_TIMERS=20000 npx tsx bench/timers.ts` prints the result as JSON.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { canonicalJson } from '../src/shared/canonical-json';
import { eventHash, genesisHash } from '../src/timeline/timeline';
import { must } from './http';
import { setUpMarket, type Market } from './load';
import { cleanupAll, createDatabase, startServer, type RunningServer } from './server';

const price = 1_000;
const chunk = 5_000;
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

export interface TimersResult {
  timers: number;
  /** Servers draining the first backlog together. */
  servers: number;
  seedSeconds: number;
  /** First settlement to empty queue, `servers` servers. */
  drainSeconds: number;
  drainPerSecond: number;
  /** Spawn to empty queue (server start-up included). */
  drainFromStartSeconds: number;
  sigtermBacklog: number;
  sigtermExitMs: number;
  sigtermExitCode: number | null;
  settledBeforeExit: number;
  restartDrainSeconds: number;
  verified: boolean;
  problems: string[];
}

export async function benchTimers(count: number, servers = Number(process.env.BENCH_TIMER_SERVERS ?? 1)): Promise<TimersResult> {
  const db = await createDatabase('kameng_timers');
  const client = new pg.Client({ connectionString: db.url });
  let server: RunningServer | undefined;
  let drainers: RunningServer[] = [];
  const problems: string[] = [];
  try {
    server = await startServer({ databaseUrl: db.url });
    const market = await setUpMarket(server.base, 1, 0, `timers-${Date.now().toString(36)}`);
    await server.stop();
    server = undefined;
    await client.connect();
    const pending = async () => Number((await client.query(`select count(*) as n from jobs where kind = 'auto_confirm' and status = 'pending'`)).rows[0].n);

    // (1) one server (or BENCH_TIMER_SERVERS together) drains N.
    let t = performance.now();
    await seed(client, market, count, 'A');
    const seedSeconds = (performance.now() - t) / 1000;
    log(`timers: seeded ${count} due auto-confirms in ${seedSeconds.toFixed(1)} s; starting ${servers} server(s)`);
    const spawnedAt = performance.now();
    drainers = await Promise.all(Array.from({ length: servers }, () => startServer({ databaseUrl: db.url })));
    let firstAt = 0;
    for (;;) {
      const left = await pending();
      if (!firstAt && left < count) firstAt = performance.now();
      if (left === 0) break;
      for (const d of drainers) if (d.death()) throw new Error(d.death()!);
      await sleep(100);
    }
    const endAt = performance.now();
    const drainSeconds = (endAt - firstAt) / 1000;
    log(`timers: drained ${count} in ${drainSeconds.toFixed(1)} s (${Math.round(count / drainSeconds)}/s), ${((endAt - spawnedAt) / 1000).toFixed(1)} s from spawn`);
    await Promise.all(drainers.map((d) => d.stop()));
    drainers = [];

    // (2) SIGTERM with a backlog.
    await seed(client, market, count, 'B');
    server = await startServer({ databaseUrl: db.url });
    while ((await pending()) >= count) await sleep(50);
    await sleep(2_000);
    const backlog = await pending();
    const exit = await server.terminate();
    server = undefined;
    const left = await pending();
    log(`timers: SIGTERM with ${backlog} due: exited (code ${exit.code}) in ${exit.ms} ms, ${left} left for the next start`);
    const leased = Number((await client.query(`select count(*) as n from jobs where kind = 'auto_confirm' and status = 'pending' and due_at > now() + interval '1 minute'`)).rows[0].n);
    if (leased) problems.push(`${leased} jobs still leased after a clean stop (not given back)`);
    if (exit.code !== 0) problems.push(`SIGTERM exit code ${exit.code}`);

    // (3) the next start drains the rest.
    t = performance.now();
    server = await startServer({ databaseUrl: db.url });
    while ((await pending()) > 0) {
      if (server.death()) throw new Error(server.death()!);
      await sleep(100);
    }
    const restartDrainSeconds = (performance.now() - t) / 1000;

    problems.push(...await verify(client, server, market, count * 2));
    log(`timers: verified ${problems.length ? `WITH PROBLEMS: ${problems.slice(0, 3).join('; ')}` : 'OK'}`);
    return {
      timers: count, servers, seedSeconds: round(seedSeconds), drainSeconds: round(drainSeconds), drainPerSecond: Math.round(count / drainSeconds),
      drainFromStartSeconds: round((endAt - spawnedAt) / 1000), sigtermBacklog: backlog, sigtermExitMs: exit.ms, sigtermExitCode: exit.code,
      settledBeforeExit: count - left, restartDrainSeconds: round(restartDrainSeconds), verified: problems.length === 0, problems,
    };
  } finally {
    await Promise.all(drainers.map((d) => d.stop()));
    await server?.stop();
    await client.end().catch(() => undefined);
    await db.drop();
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** N delivered orders with their auto-confirm due a minute ago, in chunks of multi-row inserts. */
export async function seed(client: pg.Client, market: Market, count: number, tag: string): Promise<void> {
  const ids = await client.query(`select p.id as product_id, p.shop_id, (select max(version) from rule_sets) as rule_version from products p where p.id = $1`, [market.productId]);
  const { product_id: productId, shop_id: shopId, rule_version: ruleVersion } = ids.rows[0];
  const buyerId = market.buyers[0].id;
  await client.query(`insert into ledger_accounts (id, kind, owner_id, non_negative, tracked, created_at)
    values ('clearing:sandbox', 'channel_clearing', 'sandbox', false, false, now()) on conflict (id) do nothing`);
  const now = new Date(Date.now() - 60 * 60_000);
  const deliveredAt = now;
  for (let start = 0; start < count; start += chunk) {
    const n = Math.min(chunk, count - start);
    const o = Array.from({ length: n }, (_, i) => {
      const id = randomUUID();
      const orderNo = `T${tag}${String(start + i).padStart(9, '0')}`;
      const keyId = randomUUID();
      const paymentId = randomUUID();
      const entryId = randomUUID();
      const events: Array<{ seq: number; type: string; data: Record<string, unknown>; hash: string; prevHash: string; actor: string }> = [];
      let prev = genesisHash;
      for (const [type, actor, data] of [
        ['created', `buyer:${buyerId}`, { orderNo, productId, quantity: 1, amount: price, channel: 'sandbox', expiresAt: new Date(now.getTime() + 15 * 60_000).toISOString(), ruleVersion }],
        ['paid', 'channel:sandbox', { paymentId, amount: price, channel: 'sandbox', late: false }],
        ['delivered', 'system', { kind: 'card_key', keys: 1 }],
      ] as const) {
        const unsigned = { seq: events.length + 1, type, at: now.toISOString(), actor, data: JSON.parse(canonicalJson(data)) as Record<string, unknown>, prevHash: prev };
        const hash = eventHash(id, unsigned);
        events.push({ ...unsigned, hash });
        prev = hash;
      }
      return { id, orderNo, keyId, paymentId, entryId, events, code: randomBytes(16).toString('hex') };
    });
    const col = <T>(f: (x: (typeof o)[number]) => T) => o.map(f);
    await client.query('begin');
    await client.query(`insert into card_keys (id, product_id, code_cipher, code_hash, status, order_id, created_at)
      select k, $1, 'bench-seeded', h, 'sold', o, $2 from unnest($3::uuid[], $4::text[], $5::uuid[]) as t(k, h, o)`,
    [productId, now, col((x) => x.keyId), col((x) => x.code), col((x) => x.id)]);
    await client.query(`insert into orders (id, order_no, buyer_id, shop_id, product_id, product_type, title, quantity, unit_price, amount, paid, status, channel, buyer_ip, expires_at, paid_at, delivered_at, created_at)
      select id, no, $1, $2, $3, 'card_key', 'Bench timer card', 1, $4, $4, $4, 'delivered', 'sandbox', '127.0.0.1', $5, $6, $6, $6
      from unnest($7::uuid[], $8::text[]) as t(id, no)`,
    [buyerId, shopId, productId, price, new Date(now.getTime() + 15 * 60_000), deliveredAt, col((x) => x.id), col((x) => x.orderNo)]);
    await client.query(`insert into order_items (id, order_id, seq, card_key_id, amount, status) select gen_random_uuid(), o, 1, k, $1, 'delivered' from unnest($2::uuid[], $3::uuid[]) as t(o, k)`,
      [price, col((x) => x.id), col((x) => x.keyId)]);
    await client.query(`insert into payments (id, purpose, order_id, shop_id, user_id, amount, channel, status, created_at, succeeded_at)
      select p, 'order', o, $1, $2, $3, 'sandbox', 'succeeded', $4, $4 from unnest($5::uuid[], $6::uuid[]) as t(p, o)`,
    [shopId, buyerId, price, now, col((x) => x.paymentId), col((x) => x.id)]);
    await client.query(`insert into ledger_accounts (id, kind, owner_id, non_negative, tracked, balance, created_at)
      select 'escrow:' || o, 'escrow', o::text, true, true, $1, $2 from unnest($3::uuid[]) as t(o)`, [price, now, col((x) => x.id)]);
    await client.query(`insert into journal_entries (id, kind, order_id, shop_id, memo, created_at)
      select e, 'order_payment', o, $1, 'order payment ' || p, $2 from unnest($3::uuid[], $4::uuid[], $5::uuid[]) as t(e, o, p)`,
    [shopId, now, col((x) => x.entryId), col((x) => x.id), col((x) => x.paymentId)]);
    await client.query(`insert into postings (entry_id, account_id, amount)
      select e, 'clearing:sandbox', -$1::bigint from unnest($2::uuid[]) as t(e)
      union all select e, 'escrow:' || o, $1::bigint from unnest($2::uuid[], $3::uuid[]) as t(e, o)`,
    [price, col((x) => x.entryId), col((x) => x.id)]);
    const ev = o.flatMap((x) => x.events.map((e) => ({ order: x.id, ...e })));
    await client.query(`insert into order_events (order_id, seq, type, at, actor, data, hash, prev_hash)
      select o, s, ty, $1, a, d::jsonb, h, ph from unnest($2::uuid[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) as t(o, s, ty, a, d, h, ph)`,
    [now, ev.map((e) => e.order), ev.map((e) => e.seq), ev.map((e) => e.type), ev.map((e) => e.actor), ev.map((e) => canonicalJson(e.data)), ev.map((e) => e.hash), ev.map((e) => e.prevHash)]);
    await client.query(`insert into jobs (id, kind, ref_id, due_at, status, created_at) select gen_random_uuid(), 'auto_confirm', o::text, now() - interval '1 minute', 'pending', $1 from unnest($2::uuid[]) as t(o)`,
      [now, col((x) => x.id)]);
    await client.query('commit');
  }
  await client.query('analyze');
}

export async function verify(client: pg.Client, server: RunningServer, market: Market, total: number): Promise<string[]> {
  const problems: string[] = [];
  const q = async (text: string) => Number((await client.query(text)).rows[0].n);
  const seeded = `select id from orders where order_no like 'T%' and title = 'Bench timer card'`;
  const completed = await q(`select count(*) as n from orders where id in (${seeded}) and status = 'completed' and settled = paid`);
  if (completed !== total) problems.push(`${completed} of ${total} orders completed and settled`);
  const twice = await q(`select count(*) as n from (select order_id from journal_entries where kind = 'settlement' and order_id in (${seeded}) group by order_id having count(*) <> 1) x`);
  if (twice) problems.push(`${twice} orders without exactly one settlement entry`);
  const events = await q(`select count(*) as n from (select order_id from order_events where type = 'settled' and order_id in (${seeded}) group by order_id having count(*) <> 1 or max(seq) <> 4) x`);
  if (events) problems.push(`${events} orders without exactly one settled event at seq 4`);
  const escrow = await q(`select count(*) as n from ledger_accounts where kind = 'escrow' and balance <> 0`);
  if (escrow) problems.push(`${escrow} escrow accounts not empty`);
  const check = await must(server.base, 'GET', '/api/admin/ledger/check', { token: market.adminToken, timeoutMs: 600_000 });
  if (!check.balanced) problems.push(`ledger check: ${JSON.stringify(check.violations.slice(0, 3))}`);
  const buyer = market.buyers[0];
  const sample = (await client.query(`${seeded} order by random() limit 20`)).rows as Array<{ id: string }>;
  for (const { id } of sample) {
    const timeline = await must(server.base, 'GET', `/api/orders/${id}/timeline`, { token: buyer.token });
    if (!timeline.verified || timeline.events.at(-1)?.type !== 'settled') problems.push(`order ${id}: timeline ${timeline.verified ? 'does not end settled' : 'does not verify'}`);
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(JSON.stringify(await benchTimers(Number(process.env.BENCH_TIMERS ?? 100_000)), null, 2));
  } finally {
    await cleanupAll();
  }
}
