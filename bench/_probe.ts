import pg from 'pg';
import { runLoad, setUpMarket } from './load';
import { cleanupAll, createDatabase, startServer } from './server';
const db = await createDatabase('kameng_probe');
const server = await startServer({ databaseUrl: db.url });
try {
  const market = await setUpMarket(server.base, 64, 5000, 'p' + Date.now());
  const client = new pg.Client({ connectionString: db.url.replace(/\/[^/]*$/, '/postgres') });
  await client.connect();
  const counts = new Map<string, number>();
  let samples = 0;
  const timer = setInterval(async () => {
    samples++;
    const r = await client.query(`select state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) q from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [db.name]);
    for (const row of r.rows) {
      const k = `${row.state} | ${row.wait_event_type ?? '-'}:${row.wait_event ?? '-'} | ${row.state === 'active' ? row.q : ''}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  }, 50);
  const res = await runLoad(server.base, market, (process.env.SC as any) ?? 'gateway', { warmupMs: 2000, durationMs: 8000 });
  clearInterval(timer);
  console.log(res.throughput, res.p50, res.p99, res.errors);
  console.log('samples', samples);
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(String(v).padStart(6), k);
  await client.end();
} finally { await server.stop(); await db.drop(); await cleanupAll(); }
process.exit(0);
