import { runLoad, setUpMarket } from './load';
import { cleanupAll, cpuWindow, startServer } from './server';
process.env.BENCH_SERVER_NODE_ARGS = '--cpu-prof --cpu-prof-dir=/tmp/kprof';
const server = await startServer({ databaseUrl: process.env.PGURL });
delete process.env.BENCH_SERVER_NODE_ARGS;
try {
  const market = await setUpMarket(server.base, 64, 5000, 'p' + Date.now());
  const end = cpuWindow(server.pid);
  const res = await runLoad(server.base, market, (process.env.SC as any) ?? 'gateway', { warmupMs: 2000, durationMs: 10000 });
  console.log(res.throughput, res.p50, res.p99, res.errors, end());
} finally { await server.stop(); await cleanupAll(); }
process.exit(0);
