import { randomBytes, randomUUID } from 'node:crypto';
import { call, must, pool, warmConnections } from './http';

export type Scenario = 'gateway' | 'wallet' | 'refund';
export const scenarioLabels: Record<Scenario, string> = {
  gateway: 'create + sandbox pay → deliver (2 calls)',
  wallet: 'balance: create+pay+deliver (1 call)',
  refund: '秒退: wallet checkout, then its instant refund (timed)',
};
/** Scenarios that pay from the wallet (their buyers' wallets are funded first). */
export const walletScenarios: readonly Scenario[] = ['wallet', 'refund'];

/**
 * 秒退: a card key not yet revealed, claimed within the instant-refund window (5 minutes after
 * delivery), is refunded at once by the platform (rule aftersales.instant-refund-window, DESIGN.md
 * step 2), whatever the reason given; the key goes back on sale.
 */
export const instantRefundApplication = { reason: 'no_reason', description: '不想要了，卡密没有查看过，申请退款', expectedOutcome: 'full_refund' } as const;

/**
 * One bench buyer files hundreds of claims a minute, which the rule `risk.claims-7d` (6 claims in 7
 * days) flags as abuse, and a high-risk buyer gets no automatic approval. The bench switches that one
 * flag off (the check itself still runs on every claim); every other rule stays as shipped.
 */
export const refundBenchRules = { values: { 'risk.claims-7d': 0 }, note: 'bench: one buyer files a claim per checkout' };

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
  /** Orders left delivered so far on this server, over all scenarios: the verification baseline. */
  deliveredSoFar: number;
  /** Orders refunded (秒退) so far on this server. */
  refundedSoFar: number;
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
    merchantToken, adminToken: '', shopId: shop.id, productId: product.id, buyers: [], keysImported: 0, deliveredSoFar: 0, refundedSoFar: 0,
  };
  await importKeys(base, market, keys);
  market.buyers = await pool(Array.from({ length: clients }, (_, i) => i), 4, async (i) => {
    const r = await must(base, 'POST', '/api/auth/register', { body: { email: `bench-buyer-${tag}-${i}@bench.kameng`, password, role: 'buyer' } });
    return { id: r.user.id as string, token: r.token as string };
  });
  const login = await must(base, 'POST', '/api/auth/login', { body: { email: 'admin@demo.kameng', password: 'kameng-demo-2026' } });
  market.adminToken = login.token;
  await must(base, 'POST', '/api/admin/rules', { token: market.adminToken, body: refundBenchRules });
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

/** Each buyer's wallet balance (fen), in the order of `market.buyers`. */
export async function walletsOf(base: URL, market: Market): Promise<number[]> {
  return pool(market.buyers, 8, async (buyer) => (await must(base, 'GET', '/api/me', { token: buyer.token })).wallet.balance as number);
}

interface Sample { start: number; end: number; ok: boolean; orderId?: string; buyer: number }

export interface LoadResult {
  scenario: Scenario;
  clients: number;
  seconds: number;
  /** Operations (checkouts; 秒退: refunds) that finished inside the measured window. */
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
  /** 秒退: every instant refund of the run (warm-up and drain included), and per buyer. */
  refundedTotal: number;
  refundedBy: number[];
  deliveredBy: number[];
  /** 秒退: the wallet checkout before each refund, timed apart (measured window, as above). */
  checkoutPart?: { count: number; p50: number; p99: number; max: number };
  measuredOrders: Array<{ orderId: string; buyer: number }>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Closed loop: each client runs one checkout after another for warm-up + duration. Checkouts that
 * complete inside the measured window count; those still in flight when it closes finish (and are
 * verified) but are not counted. Latency is the wall time of the whole checkout. In `refund` (秒退)
 * each client checks out from its wallet, then applies for the instant refund of that fresh order's
 * unrevealed key: the refund call is the operation timed (the checkout before it is reported apart).
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
  let refunded = 0;
  const deliveredBy = market.buyers.map(() => 0);
  const refundedBy = market.buyers.map(() => 0);
  const checkoutSamples: Array<{ start: number; end: number }> = [];
  // CPU accounting follows the measured window, not the warm-up or the drain.
  let windowEnded = false;
  const endWindow = () => { if (!windowEnded) { windowEnded = true; options.onWindowEnd?.(); } };
  const timers = [setTimeout(() => options.onWindowStart?.(), options.warmupMs), setTimeout(endWindow, options.warmupMs + options.durationMs)];

  const fail = (code: string) => { errors.push({ at: performance.now(), code }); };
  const errCode = (status: number, body: any) => `${status} ${body?.error?.code ?? 'UNKNOWN'}`;

  async function checkout(buyer: Buyer): Promise<string | null> {
    const created = await call(base, 'POST', '/api/orders', {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() },
      body: { productId: market.productId, quantity: 1, channel: walletScenarios.includes(scenario) ? 'balance' : 'sandbox' },
    });
    if (created.status !== 201) { fail(errCode(created.status, created.body)); return null; }
    const orderId: string = created.body.order.id;
    if (walletScenarios.includes(scenario)) {
      if (created.body.order.status !== 'delivered') { fail(`201 NOT_DELIVERED(${created.body.order.status})`); return null; }
      return orderId;
    }
    const paid = await call(base, 'POST', `/api/sandbox/payments/${created.body.payment.id}/succeed`);
    if (paid.status !== 200) { fail(errCode(paid.status, paid.body)); return null; }
    if (paid.body.orderStatus !== 'delivered') { fail(`200 NOT_DELIVERED(${paid.body.orderStatus})`); return null; }
    return orderId;
  }

  /** 秒退 on a fresh order: decided by the platform at once and refunded to the wallet in the same call. */
  async function instantRefund(buyer: Buyer, orderId: string): Promise<boolean> {
    const opened = await call(base, 'POST', `/api/orders/${orderId}/refund-cases`, {
      token: buyer.token, headers: { 'idempotency-key': randomUUID() }, body: instantRefundApplication,
    });
    if (opened.status !== 201) { fail(errCode(opened.status, opened.body)); return false; }
    const refund = opened.body.refunds?.[0];
    if (opened.body.status !== 'auto_approved' || opened.body.refunds.length !== 1 || refund.status !== 'succeeded' || refund.amount !== price) {
      fail(`201 NOT_REFUNDED(${opened.body.status}, refunds ${JSON.stringify(opened.body.refunds).slice(0, 120)})`);
      return false;
    }
    return true;
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
      let start = performance.now();
      const orderId = await checkout(buyer);
      let end = performance.now();
      if (orderId) { delivered++; deliveredBy[i]++; }
      let ok = orderId !== null;
      if (scenario === 'refund') {
        checkoutSamples.push({ start, end });
        if (orderId) {
          start = performance.now();
          ok = await instantRefund(buyer, orderId);
          end = performance.now();
          if (ok) { refunded++; refundedBy[i]++; }
        }
      }
      samples.push({ start, end, ok, orderId: orderId ?? undefined, buyer: i });
      if (!ok) await new Promise((r) => setTimeout(r, 5)); // do not spin on a refusal
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
  const checkoutLatencies = checkoutSamples.filter((s) => s.end >= t0 && s.end <= t1).map((s) => s.end - s.start).sort((a, b) => a - b);
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
    refundedTotal: refunded, refundedBy, deliveredBy,
    ...(scenario === 'refund' ? {
      checkoutPart: {
        count: checkoutLatencies.length, p50: round(percentile(checkoutLatencies, 50)), p99: round(percentile(checkoutLatencies, 99)),
        max: round(checkoutLatencies[checkoutLatencies.length - 1] ?? NaN),
      },
    } : {}),
    measuredOrders: measured.map((s) => ({ orderId: s.orderId!, buyer: s.buyer })),
  };
}

export interface Verification {
  ok: boolean;
  problems: string[];
  deliveredOrders: number;
  /** Orders refunded in the shop (秒退), over all scenarios so far. */
  refundedOrders: number;
  keysSold: number;
  sampledOrders: number;
  /** Buyers whose wallet balance was checked against their checkouts and refunds. */
  walletsChecked: number;
  ledgerBalanced: boolean;
}

/**
 * A fast wrong answer is worthless, so after each scenario the server is asked (through the API, which
 * works the same on both engines) whether what the clients saw really happened: every checkout is a
 * delivered order, each took exactly one key, escrow holds the money, and the ledger balances. After
 * 秒退: every refunded order is refunded once (one case, one refund of its price), its unrevealed key is
 * back on sale, and each buyer's wallet holds what it held before minus checkouts plus refunds.
 */
export async function verify(base: URL, market: Market, result: LoadResult, stockBefore: number, walletsBefore: number[]): Promise<Verification> {
  const problems: string[] = [];
  const stillDelivered = result.deliveredTotal - result.refundedTotal;
  const expected = market.deliveredSoFar + stillDelivered;
  const expectedRefunded = market.refundedSoFar + result.refundedTotal;
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
  if (deliveredOrders !== expected) problems.push(`${deliveredOrders} delivered orders in the shop, the clients left ${expected} delivered`);
  const refundedOrders = await count('refunded');
  if (refundedOrders !== expectedRefunded) problems.push(`${refundedOrders} refunded orders in the shop, the clients were refunded ${expectedRefunded}`);
  for (const status of ['pending_payment', 'paid', 'delivering', 'partially_refunded']) {
    const n = await count(status);
    if (n > 0) problems.push(`${n} orders left ${status}`);
  }
  // A refunded key was never revealed: it is back on sale, so stock lost only the orders still delivered.
  const keysSold = stockBefore - (await stockOf(base, market));
  if (keysSold !== stillDelivered) problems.push(`${keysSold} keys left stock, ${stillDelivered} checkouts stayed delivered (${result.refundedTotal} refunded)`);
  const balance = await must(base, 'GET', `/api/shops/${market.shopId}/balance`, { token: market.merchantToken });
  if (balance.escrow !== expected * price) problems.push(`escrow holds ${balance.escrow} fen, expected ${expected * price}`);
  const wallets = await walletsOf(base, market);
  for (const [i, now] of wallets.entries()) {
    const spent = walletScenarios.includes(result.scenario) ? (result.deliveredBy[i] - result.refundedBy[i]) * price : 0;
    if (now !== walletsBefore[i] - spent) problems.push(`buyer ${i}'s wallet holds ${now} fen, expected ${walletsBefore[i] - spent} (${result.deliveredBy[i]} checkouts, ${result.refundedBy[i]} refunds)`);
  }

  // Spot-check measured orders one by one (all of them would take longer than the run itself).
  const picks = [...result.measuredOrders].sort(() => Math.random() - 0.5).slice(0, 200);
  await pool(picks, 8, async ({ orderId, buyer }) => {
    const token = market.buyers[buyer].token;
    const order = await must(base, 'GET', `/api/orders/${orderId}`, { token });
    if (result.scenario !== 'refund') {
      const itemsOk = order.items.length === 1 && order.items[0].status === 'delivered' && order.items[0].cardKeyId;
      if (order.status !== 'delivered' || !itemsOk || order.paid !== price) problems.push(`order ${orderId} is ${order.status} (paid ${order.paid}, item ${order.items[0]?.status})`);
      return;
    }
    const itemsOk = order.items.length === 1 && order.items[0].status === 'refunded';
    if (order.status !== 'refunded' || !itemsOk || order.paid !== price || order.refunded !== price || order.escrow !== 0) {
      problems.push(`order ${orderId} is ${order.status} (paid ${order.paid}, refunded ${order.refunded}, escrow ${order.escrow}, item ${order.items[0]?.status})`);
    }
    const cases = (await must(base, 'GET', `/api/refund-cases?orderId=${orderId}`, { token })).items as Array<{ id: string }>;
    if (cases.length !== 1) { problems.push(`order ${orderId} has ${cases.length} refund cases`); return; }
    const c = await must(base, 'GET', `/api/refund-cases/${cases[0].id}`, { token });
    const refunds = c.refunds as Array<{ amount: number; status: string; channel: string }>;
    if (c.status !== 'auto_approved' || c.decision?.ruleId !== 'aftersales.instant-refund-window' || refunds.length !== 1
      || refunds[0].amount !== price || refunds[0].status !== 'succeeded' || refunds[0].channel !== 'balance') {
      problems.push(`case ${c.id} of order ${orderId}: ${c.status}, rule ${c.decision?.ruleId}, refunds ${JSON.stringify(refunds)}`);
    }
  });

  const ledger = await must(base, 'GET', '/api/admin/ledger/check', { token: market.adminToken, timeoutMs: 300_000 });
  if (!ledger.balanced) problems.push(`ledger check: ${JSON.stringify(ledger.violations.slice(0, 3))}`);
  market.deliveredSoFar = expected;
  market.refundedSoFar = expectedRefunded;
  return {
    ok: problems.length === 0, problems, deliveredOrders, refundedOrders, keysSold, sampledOrders: picks.length,
    walletsChecked: wallets.length, ledgerBalanced: ledger.balanced,
  };
}
