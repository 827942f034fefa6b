import { randomBytes, randomUUID } from 'node:crypto';
import { call, must, pool, warmConnections } from './http';

export type Scenario = 'gateway' | 'wallet';
export const scenarioLabels: Record<Scenario, string> = {
  gateway: 'create + sandbox pay → deliver (2 calls)',
  wallet: 'balance: create+pay+deliver (1 call)',
};

const price = 100; // fen; small, so a wallet top-up covers a whole run
const keysPerCall = 5_000; // the import endpoint's limit
const password = 'bench-password-2026';

export interface Buyer { id: string; token: string }
export interface Market {
  merchantToken: string;
  adminToken: string;
  shopId: string;
  productId: string;
  buyers: Buyer[];
  keysImported: number;
  /** Checkouts delivered so far on this server, over all scenarios: the verification baseline. */
  deliveredSoFar: number;
}

/**
 * A shop with one card-key product and one buyer account per client. Each client needs its own
 * buyer: a buyer may hold only 5 unpaid orders, and one shared buyer would also serialise every
 * checkout on that buyer's advisory lock. Registration hashes with argon2 (~19 MiB, slow on purpose),
 * so it runs before the clock starts and with little concurrency.
 */
export async function setUpMarket(base: URL, clients: number, keys: number, tag: string): Promise<Market> {
  const merchant = await must(base, 'POST', '/api/auth/register', { body: { email: `bench-merchant-${tag}@bench.kameng`, password, role: 'merchant' } });
  const merchantToken: string = merchant.token;
  const shop = await must(base, 'POST', '/api/shops', { token: merchantToken, body: { name: `Bench shop ${tag}` } });
  const deposit = await must(base, 'POST', `/api/shops/${shop.id}/deposit`, { token: merchantToken, body: { amount: 10_000, channel: 'sandbox' } });
  await must(base, 'POST', `/api/sandbox/payments/${deposit.payment.id}/succeed`);
  const product = await must(base, 'POST', '/api/products', {
    token: merchantToken, body: { shopId: shop.id, title: `Bench card ${tag}`, type: 'card_key', price },
  });
  const market: Market = {
    merchantToken, adminToken: '', shopId: shop.id, productId: product.id, buyers: [], keysImported: 0, deliveredSoFar: 0,
  };
  await importKeys(base, market, keys);
  market.buyers = await pool(Array.from({ length: clients }, (_, i) => i), 4, async (i) => {
    const r = await must(base, 'POST', '/api/auth/register', { body: { email: `bench-buyer-${tag}-${i}@bench.kameng`, password, role: 'buyer' } });
    return { id: r.user.id as string, token: r.token as string };
  });
  const login = await must(base, 'POST', '/api/auth/login', { body: { email: 'admin@demo.kameng', password: 'kameng-demo-2026' } });
  market.adminToken = login.token;
  return market;
}

export async function importKeys(base: URL, market: Market, count: number): Promise<void> {
  for (let done = 0; done < count; done += keysPerCall) {
    const n = Math.min(keysPerCall, count - done);
    const batch = Array.from({ length: n }, () => `BENCH-${randomBytes(12).toString('hex').toUpperCase()}`);
    const r = await must(base, 'POST', `/api/products/${market.productId}/keys`, { token: market.merchantToken, body: { keys: batch }, timeoutMs: 300_000 });
    market.keysImported += r.imported;
  }
}

/** Wallet checkouts need money in every buyer's wallet first (a top-up paid through the sandbox). */
export async function fundWallets(base: URL, market: Market, amountEach: number): Promise<void> {
  await pool(market.buyers, 8, async (buyer) => {
    const top = await must(base, 'POST', '/api/wallet/topups', { token: buyer.token, body: { amount: amountEach, channel: 'sandbox' } });
    await must(base, 'POST', `/api/sandbox/payments/${top.payment.id}/succeed`);
  });
}

export async function stockOf(base: URL, market: Market): Promise<number> {
  return (await must(base, 'GET', `/api/products/${market.productId}`)).stock as number;
}

interface Sample { start: number; end: number; ok: boolean; orderId?: string; buyer: number }

export interface LoadResult {
  scenario: Scenario;
  clients: number;
  seconds: number;
  /** Checkouts that finished inside the measured window. */
  checkouts: number;
  /** Non-2xx (or network) replies inside the measured window, by status and error code. */
  errors: number;
  errorCodes: Record<string, number>;
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** A fresh connection's GET /api/health once a second during the window: what a new visitor waits. */
  newConnection: { probes: number; p50: number; max: number };
  /** Every delivered checkout of the run, warm-up and drain included (for verification). */
  deliveredTotal: number;
  measuredOrders: Array<{ orderId: string; buyer: number }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Closed loop: each client runs one checkout after another for warm-up + duration. Checkouts that
 * complete inside the measured window count; those still in flight when it closes finish (and are
 * verified) but are not counted. Latency is the wall time of the whole checkout.
 */
export async function runLoad(
  base: URL, market: Market, scenario: Scenario,
  options: { warmupMs: number; durationMs: number; onWindowStart?: () => void; onWindowEnd?: () => void; gone?: () => boolean },
): Promise<LoadResult> {
  await warmConnections(base, market.buyers.length);
  const samples: Sample[] = [];
  const errors: Array<{ at: number; code: string }> = [];
  const t0 = performance.now() + options.warmupMs;
  const t1 = t0 + options.durationMs;
  let delivered = 0;
  // CPU accounting follows the measured window, not the warm-up or the drain.
  let windowEnded = false;
  const endWindow = () => { if (!windowEnded) { windowEnded = true; options.onWindowEnd?.(); } };
  const timers = [setTimeout(() => options.onWindowStart?.(), options.warmupMs), setTimeout(endWindow, options.warmupMs + options.durationMs)];

  const fail = (code: string) => { errors.push({ at: performance.now(), code }); };
  const errCode = (status: number, body: any) => `${status} ${body?.error?.code ?? 'UNKNOWN'}`;

  async function checkout(buyer: Buyer): Promise<string | null> {
    const created = await call(base, 'POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() },
      body: { productId: market.productId, quantity: 1, channel: scenario === 'wallet' ? 'balance' : 'sandbox' },
    });
    if (created.status !== 201) { fail(errCode(created.status, created.body)); return null; }
    const orderId: string = created.body.order.id;
    if (scenario === 'wallet') {
      if (created.body.order.status !== 'delivered') { fail(`201 NOT_DELIVERED(${created.body.order.status})`); return null; }
      return orderId;
    }
    const paid = await call(base, 'POST', `/api/sandbox/payments/${created.body.payment.id}/succeed`);
    if (paid.status !== 200) { fail(errCode(paid.status, paid.body)); return null; }
    if (paid.body.orderStatus !== 'delivered') { fail(`200 NOT_DELIVERED(${paid.body.orderStatus})`); return null; }
    return orderId;
  }

  const probeLatencies: number[] = [];
  const probes = (async () => {
    await new Promise((r) => setTimeout(r, options.warmupMs));
    const inFlight: Array<Promise<void>> = [];
    while (performance.now() < t1 - 1000 && !options.gone?.()) {
      inFlight.push((async () => {
        const start = performance.now();
        const reply = await call(base, 'GET', '/api/health', { newConnection: true, timeoutMs: 120_000 });
        if (reply.status === 200) probeLatencies.push(performance.now() - start);
        else fail(`${reply.status} NEW_CONNECTION_PROBE`);
      })());
      await new Promise((r) => setTimeout(r, 1000));
    }
    await Promise.all(inFlight);
  })();

  await Promise.all(market.buyers.map(async (buyer, i) => {
    while (performance.now() < t1 && !options.gone?.()) {
      const start = performance.now();
      const orderId = await checkout(buyer);
      const end = performance.now();
      samples.push({ start, end, ok: orderId !== null, orderId: orderId ?? undefined, buyer: i });
      if (orderId) delivered++;
      else await new Promise((r) => setTimeout(r, 5)); // do not spin on a refusal
    }
  }));
  timers.forEach(clearTimeout);
  endWindow();
  await probes;

  // Completions inside the window, whatever their start: counting only those that also started in it
  // would undercount when latencies are long compared with the window.
  const measured = samples.filter((s) => s.ok && s.end >= t0 && s.end <= t1);
  const latencies = measured.map((s) => s.end - s.start).sort((a, b) => a - b);
  const windowErrors = errors.filter((e) => e.at >= t0 && e.at <= t1);
  const errorCodes: Record<string, number> = {};
  for (const e of errors) errorCodes[e.code] = (errorCodes[e.code] ?? 0) + 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    scenario, clients: market.buyers.length, seconds: options.durationMs / 1000,
    checkouts: measured.length, errors: windowErrors.length, errorCodes,
    throughput: round(measured.length / (options.durationMs / 1000)),
    p50: round(percentile(latencies, 50)), p90: round(percentile(latencies, 90)), p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? NaN),
    newConnection: {
      probes: probeLatencies.length,
      p50: round(percentile(probeLatencies.sort((a, b) => a - b), 50)),
      max: round(probeLatencies[probeLatencies.length - 1] ?? NaN),
    },
    deliveredTotal: delivered,
    measuredOrders: measured.map((s) => ({ orderId: s.orderId!, buyer: s.buyer })),
  };
}

export interface Verification {
  ok: boolean;
  problems: string[];
  deliveredOrders: number;
  keysSold: number;
  sampledOrders: number;
  ledgerBalanced: boolean;
}

/**
 * A fast wrong answer is worthless, so after each scenario the server is asked (through the API, which
 * works the same on both engines) whether what the clients saw really happened: every checkout is a
 * delivered order, each took exactly one key, escrow holds the money, and the ledger balances.
 */
export async function verify(base: URL, market: Market, result: LoadResult, stockBefore: number): Promise<Verification> {
  const problems: string[] = [];
  const expected = market.deliveredSoFar + result.deliveredTotal;
  // Lists count up to 1,000 (`totalCapped`); past that, the orders are counted page by page.
  const count = async (status: string) => {
    const path = `/api/orders?shopId=${market.shopId}&status=${status}`;
    const first = await must(base, 'GET', `${path}&limit=1`, { token: market.merchantToken });
    if (!first.totalCapped) return first.total as number;
    let n = 0;
    for (let offset = 0; ; offset += 100) {
      const page = (await must(base, 'GET', `${path}&limit=100&offset=${offset}`, { token: market.merchantToken })).items as unknown[];
      n += page.length;
      if (page.length < 100) return n;
    }
  };
  const deliveredOrders = await count('delivered');
  if (deliveredOrders !== expected) problems.push(`${deliveredOrders} delivered orders in the shop, the clients completed ${expected}`);
  for (const status of ['pending_payment', 'paid', 'delivering']) {
    const n = await count(status);
    if (n > 0) problems.push(`${n} orders left ${status}`);
  }
  const keysSold = stockBefore - (await stockOf(base, market));
  if (keysSold !== result.deliveredTotal) problems.push(`${keysSold} keys left stock, ${result.deliveredTotal} checkouts were delivered`);
  const balance = await must(base, 'GET', `/api/shops/${market.shopId}/balance`, { token: market.merchantToken });
  if (balance.escrow !== expected * price) problems.push(`escrow holds ${balance.escrow} fen, expected ${expected * price}`);

  // Spot-check measured orders one by one (all of them would take longer than the run itself).
  const picks = [...result.measuredOrders].sort(() => Math.random() - 0.5).slice(0, 200);
  await pool(picks, 8, async ({ orderId, buyer }) => {
    const order = await must(base, 'GET', `/api/orders/${orderId}`, { token: market.buyers[buyer].token });
    const itemsOk = order.items.length === 1 && order.items[0].status === 'delivered' && order.items[0].cardKeyId;
    if (order.status !== 'delivered' || !itemsOk || order.paid !== price) problems.push(`order ${orderId} is ${order.status} (paid ${order.paid}, item ${order.items[0]?.status})`);
  });

  const ledger = await must(base, 'GET', '/api/admin/ledger/check', { token: market.adminToken, timeoutMs: 300_000 });
  if (!ledger.balanced) problems.push(`ledger check: ${JSON.stringify(ledger.violations.slice(0, 3))}`);
  market.deliveredSoFar = expected;
  return { ok: problems.length === 0, problems, deliveredOrders, keysSold, sampledOrders: picks.length, ledgerBalanced: ledger.balanced };
}
