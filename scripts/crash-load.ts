/**
 * The crash test's driver (scripts/crash-test.sh runs it with tsx against a real server):
 *
 *   setup   <url> <state>              accounts, shops, products with keys, wallets, the fund
 *   load    <url> <state> <seconds>    concurrent load until the time is up or the server dies
 *   recover <url> <state>              retries what was in flight when the server died
 *   check   <url> <state> <dbUrl>      the invariants, through the admin API and the database
 *
 * The state file remembers what the server acknowledged (it must survive kill -9) and what was in
 * flight (its outcome is unknown; a retry with the same Idempotency-Key or callback must act once).
 * Randomness is seeded (CRASH_SEED) so a failing run can be repeated as far as timing allows.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connect';
import { brokenInvariants } from '../test/support/model/invariants';

interface State {
  seed: number;
  admin: string;
  staff: string;
  buyers: Array<{ token: string; wallet: boolean }>;
  shops: Array<{ token: string; shopId: string; products: Array<{ id: string; price: number }> }>;
  orders: Array<{ id: string; buyer: number; shop: number; paymentId: string | null }>;
  cases: Array<{ id: string; buyer: number; shop: number }>;
  acked: { orders: string[]; payments: string[]; withdrawals: string[]; fundTopups: number; reveals: string[] };
  inDoubt: { checkouts: Array<{ buyer: number; shop: number; key: string; body: Record<string, unknown> }>; payments: string[]; withdrawals: Array<{ shop: number; key: string; amount: number }> };
  answers: Record<string, number>;
  faults: string[];
}

type Answer = { status: number; body: any };
const password = 'Crash-test-passw0rd';
const workers = Number(process.env.CRASH_WORKERS ?? 16);
const requestTimeoutMs = 15_000;

const [phase, base, stateFile, arg] = process.argv.slice(2);
let down = false;
let random = mulberry32(Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31)));

/** A small seeded PRNG (mulberry32): the same seed gives the same choices. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return Object.assign(next, { seed });
}
const below = (n: number) => Math.floor(random() * n);
const pickIndex = <T>(items: T[]) => (items.length ? below(items.length) : -1);

/** One request; 'down' when the server did not answer (it was killed, or hung past the timeout). */
async function call(method: string, path: string, options: { token?: string; body?: unknown; key?: string } = {}): Promise<Answer | 'down'> {
  if (down) return 'down';
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(requestTimeoutMs) });
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body };
  } catch {
    down = true;
    return 'down';
  }
}

/**
 * Tallies an answer; a 5xx, or a 4xx other than 404/409/422 (and the codes in `alsoFine`), is a
 * fault. Returns the answer when it was a 2xx.
 */
function judge(state: State, label: string, answer: Answer | 'down', alsoFine: string[] = []): Answer | undefined {
  if (answer === 'down') return undefined;
  const code = answer.body?.error?.code ?? '';
  const key = `${label} ${answer.status}${code ? ` ${code}` : ''}`;
  state.answers[key] = (state.answers[key] ?? 0) + 1;
  if (answer.status < 300) return answer;
  if (answer.status >= 500 || !([404, 409, 422].includes(answer.status) || alsoFine.includes(code))) state.faults.push(`${key}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return undefined;
}

async function must(state: State, label: string, method: string, path: string, options: Parameters<typeof call>[2] = {}): Promise<any> {
  const answer = await call(method, path, options);
  const ok = judge(state, label, answer);
  if (!ok) throw new Error(`setup: ${label} → ${answer === 'down' ? 'server down' : `${answer.status} ${JSON.stringify(answer.body)}`}`);
  return ok.body;
}

async function signup(state: State, role: 'buyer' | 'merchant'): Promise<string> {
  const email = `crash-${role}-${randomUUID().slice(0, 8)}@test.kameng`;
  return (await must(state, 'signup', 'POST', '/api/auth/register', { body: { email, password, role } })).token;
}

async function setup(): Promise<State> {
  const state: State = {
    seed: random.seed, admin: '', staff: '', buyers: [], shops: [], orders: [], cases: [],
    acked: { orders: [], payments: [], withdrawals: [], fundTopups: 0, reveals: [] }, inDoubt: { checkouts: [], payments: [], withdrawals: [] }, answers: {}, faults: [],
  };
  for (const role of ['admin', 'staff'] as const) {
    const email = `crash-${role}-${randomUUID().slice(0, 8)}@test.kameng`;
    await must(state, 'sandbox user', 'POST', '/api/sandbox/users', { body: { email, password, role } });
    state[role] = (await must(state, 'login', 'POST', '/api/auth/login', { body: { email, password } })).token;
  }
  state.buyers = await Promise.all(Array.from({ length: 12 }, async (_, i) => ({ token: await signup(state, 'buyer'), wallet: i % 2 === 0 })));
  for (const buyer of state.buyers.filter((b) => b.wallet)) await topUpWallet(state, buyer.token, 5_000);
  for (let s = 0; s < 3; s += 1) {
    const token = await signup(state, 'merchant');
    const shop = await must(state, 'shop', 'POST', '/api/shops', { token, body: { name: `Crash ${randomUUID().slice(0, 12)}` } });
    const { payment } = await must(state, 'deposit', 'POST', `/api/shops/${shop.id}/deposit`, { token, body: { amount: 1_000, channel: 'sandbox' } });
    await must(state, 'deposit/pay', 'POST', `/api/sandbox/payments/${payment.id}/succeed`);
    const products = [];
    for (const price of [500, 1_000]) {
      const product = await must(state, 'product', 'POST', '/api/products', { token, body: { shopId: shop.id, title: `Crash key ${price}`, type: 'card_key', price, afterSalesWindowMinutes: 4_320 } });
      await must(state, 'keys', 'POST', `/api/products/${product.id}/keys`, { token, body: { keys: Array.from({ length: 15 }, () => `CRASH-${randomUUID()}`) } });
      products.push({ id: product.id as string, price });
    }
    state.shops.push({ token, shopId: shop.id, products });
  }
  await must(state, 'fund top-up', 'POST', '/api/admin/fund/topups', { token: state.admin, body: { amount: 5_000 } });
  return state;
}

async function topUpWallet(state: State, token: string, amount: number): Promise<void> {
  const created = judge(state, 'wallet top-up', await call('POST', '/api/wallet/topups', { token, body: { amount, channel: 'sandbox' } }));
  if (created) judge(state, 'wallet top-up/pay', await call('POST', `/api/sandbox/payments/${created.body.payment.id}/succeed`));
}

/** The gateway's callback, sometimes repeated at once; in doubt until one copy is answered. */
async function pay(state: State, paymentId: string, copies: number): Promise<void> {
  if (!state.inDoubt.payments.includes(paymentId)) state.inDoubt.payments.push(paymentId);
  const answers = await Promise.all(Array.from({ length: copies }, () => call('POST', `/api/sandbox/payments/${paymentId}/succeed`)));
  if (answers.map((a) => judge(state, 'pay', a)).some(Boolean)) {
    state.acked.payments.push(paymentId);
    state.inDoubt.payments = state.inDoubt.payments.filter((id) => id !== paymentId);
  }
}

async function checkout(state: State, buyer: number, shop: number, key: string, body: Record<string, unknown>): Promise<void> {
  state.inDoubt.checkouts.push({ buyer, shop, key, body });
  const answer = await call('POST', '/api/orders', { token: state.buyers[buyer].token, key, body });
  if (answer === 'down') return;
  state.inDoubt.checkouts = state.inDoubt.checkouts.filter((c) => c.key !== key);
  const created = judge(state, `checkout(${body.channel})`, answer);
  if (!created) return;
  const order = created.body.order;
  if (!state.orders.some((o) => o.id === order.id)) state.orders.push({ id: order.id, buyer, shop, paymentId: body.channel === 'sandbox' ? created.body.payment.id : null });
  state.acked.orders.push(order.id);
  if (body.channel === 'sandbox' && random() < 0.85) await pay(state, created.body.payment.id, 1 + below(3));
}

async function withdraw(state: State, shop: number, key: string, amount: number): Promise<void> {
  state.inDoubt.withdrawals.push({ shop, key, amount });
  const answer = await call('POST', `/api/shops/${state.shops[shop].shopId}/withdrawals`, { token: state.shops[shop].token, key, body: { amount } });
  if (answer === 'down') return;
  state.inDoubt.withdrawals = state.inDoubt.withdrawals.filter((w) => w.key !== key);
  const ok = judge(state, 'withdrawal', answer);
  if (ok) state.acked.withdrawals.push(ok.body.withdrawal.id);
}

/** One random action, weighted towards buying and paying. */
async function act(state: State): Promise<void> {
  const roll = below(100);
  const order = state.orders[pickIndex(state.orders)];
  const kase = state.cases[pickIndex(state.cases)];
  if (roll < 30 || !order) {
    const buyer = below(state.buyers.length);
    const shop = below(state.shops.length);
    const products = state.shops[shop].products;
    const channel = state.buyers[buyer].wallet && random() < 0.3 ? 'balance' : 'sandbox';
    return checkout(state, buyer, shop, randomUUID(), { productId: products[below(products.length)].id, quantity: 1, channel });
  }
  const buyerToken = state.buyers[order.buyer].token;
  if (roll < 40) return order.paymentId ? pay(state, order.paymentId, 1 + below(2)) : undefined;
  if (roll < 48) {
    if (judge(state, 'reveal', await call('POST', `/api/orders/${order.id}/keys/reveal`, { token: buyerToken, body: {} }))) state.acked.reveals.push(order.id);
    return;
  }
  if (roll < 54) return void judge(state, 'confirm', await call('POST', `/api/orders/${order.id}/confirm`, { token: buyerToken }));
  if (roll < 62) {
    const body = random() < 0.5 ? { reason: 'key_invalid', expectedOutcome: 'full_refund' } : { reason: 'key_invalid', expectedOutcome: 'partial_refund', amount: 100 };
    const opened = judge(state, 'open case', await call('POST', `/api/orders/${order.id}/refund-cases`, { token: buyerToken, key: randomUUID(), body: { ...body, description: '兑换时提示卡密已被使用，已截图' } }));
    if (opened) state.cases.push({ id: opened.body.id, buyer: order.buyer, shop: order.shop });
    return;
  }
  if (roll < 70 && kase) {
    const actions = [{ action: 'accept', message: '同意退款' }, { action: 'partial', amount: 100, message: '部分退款' }, { action: 'contest', message: '卡密有效，不同意退款' }];
    // A partial answer to a case already closed on a fully refunded order is refused as 400 AMOUNT_TOO_LARGE before the state is checked.
    const answer = await call('POST', `/api/refund-cases/${kase.id}/merchant-response`, { token: state.shops[kase.shop].token, body: actions[below(actions.length)] });
    return void judge(state, 'merchant response', answer, ['AMOUNT_TOO_LARGE']);
  }
  if (roll < 73 && kase) return void judge(state, 'escalate', await call('POST', `/api/refund-cases/${kase.id}/escalate`, { token: state.buyers[kase.buyer].token }));
  if (roll < 76 && kase) {
    const decision = random() < 0.5 ? { outcome: 'refund', ruleId: 'aftersales.judgement.claim-proven', reason: '买家举证充分，支持退款' } : { outcome: 'reject', ruleId: 'aftersales.judgement.claim-unproven', reason: '举证不足，驳回买家申请' };
    return void judge(state, 'decide', await call('POST', `/api/refund-cases/${kase.id}/decision`, { token: state.staff, key: randomUUID(), body: decision }));
  }
  if (roll < 82) return withdraw(state, below(state.shops.length), randomUUID(), 100 + below(900));
  if (roll < 85) {
    if (judge(state, 'fund top-up', await call('POST', '/api/admin/fund/topups', { token: state.admin, body: { amount: 500 + below(2_000) } }))) state.acked.fundTopups += 1;
    return;
  }
  if (roll < 88) return topUpWallet(state, state.buyers[below(state.buyers.length)].token, 1_000 + below(3_000));
  if (roll < 91) return void judge(state, 'clock', await call('POST', '/api/sandbox/clock/advance', { body: { minutes: [1, 2, 6, 16, 61][below(5)] } }));
  if (roll < 95) {
    const shop = state.shops[below(state.shops.length)];
    const product = shop.products[below(shop.products.length)];
    return void judge(state, 'import keys', await call('POST', `/api/products/${product.id}/keys`, { token: shop.token, body: { keys: [`CRASH-${randomUUID()}`, `CRASH-${randomUUID()}`] } }));
  }
  const token = await call('POST', '/api/auth/register', { body: { email: `crash-late-${randomUUID().slice(0, 8)}@test.kameng`, password, role: 'buyer' } });
  const registered = judge(state, 'signup', token);
  if (registered) state.buyers.push({ token: registered.body.token, wallet: false });
}

async function load(state: State, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1_000;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (!down && Date.now() < deadline) await act(state);
  }));
  console.log(`load: ${state.orders.length} orders so far, server ${down ? 'went down mid-load' : 'still up'}; in doubt: ${state.inDoubt.checkouts.length} checkouts, ${state.inDoubt.payments.length} payments, ${state.inDoubt.withdrawals.length} withdrawals`);
}

/** After the restart: what was in flight is sent again, as a client or the gateway would. */
async function recover(state: State): Promise<void> {
  const checkouts = state.inDoubt.checkouts.splice(0);
  for (const c of checkouts) await checkout(state, c.buyer, c.shop, c.key, c.body);
  for (const id of state.inDoubt.payments.slice()) await pay(state, id, 2);
  const withdrawals = state.inDoubt.withdrawals.splice(0);
  for (const w of withdrawals) await withdraw(state, w.shop, w.key, w.amount);
  if (down) throw new Error('recover: the server went down');
  console.log(`recover: retried ${checkouts.length} checkouts, ${state.acked.payments.length} payments acknowledged, ${withdrawals.length} withdrawals`);
}

async function check(state: State, databaseUrl: string): Promise<string[]> {
  const database = await openDatabase({ databaseUrl, poolSize: 2 });
  try {
    const db = database.db;
    const ledgerCheck = async () => {
      const answer = await call('GET', '/api/admin/ledger/check', { token: state.admin });
      return answer === 'down' ? { status: 0, body: 'server down' } : answer;
    };
    const broken = await brokenInvariants(db, ledgerCheck);
    const missing = async (label: string, table: 'orders' | 'payouts', ids: string[]) => {
      if (ids.length === 0) return;
      const found = new Set((await db.selectFrom(table).select('id').where('id', 'in', ids).execute()).map((r) => r.id));
      const lost = ids.filter((id) => !found.has(id));
      if (lost.length) broken.push(`acknowledged ${label} lost after kill -9: ${lost.slice(0, 5).join(', ')} (${lost.length})`);
    };
    await missing('orders', 'orders', state.acked.orders);
    await missing('withdrawals', 'payouts', state.acked.withdrawals);
    if (state.acked.payments.length) {
      const unpaid = await db.selectFrom('payments').select('id').where('id', 'in', state.acked.payments).where('status', '!=', 'succeeded').execute();
      if (unpaid.length) broken.push(`acknowledged payments not succeeded after kill -9: ${unpaid.map((p) => p.id).slice(0, 5).join(', ')}`);
    }
    if (state.acked.reveals.length) {
      const revealed = await db.selectFrom('key_reveals').select('order_id').distinct().where('order_id', 'in', state.acked.reveals).execute();
      if (revealed.length < new Set(state.acked.reveals).size) broken.push(`acknowledged reveals without a reveal log: ${new Set(state.acked.reveals).size - revealed.length}`);
    }
    const topups = await db.selectFrom('journal_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'fund_topup').executeTakeFirstOrThrow();
    if (Number(topups.n) < state.acked.fundTopups + 1) broken.push(`fund top-ups: ${state.acked.fundTopups + 1} acknowledged, ${topups.n} booked`);
    const claims = await sql<{ scope: string; key: string }>`select scope, key from idempotency_keys where status_code is null`.execute(db);
    if (claims.rows.length) broken.push(`idempotency keys claimed but never answered (they would block every retry): ${JSON.stringify(claims.rows.slice(0, 5))}`);
    return broken;
  } finally {
    await database.close();
  }
}

const state: State = phase === 'setup' ? await setup() : JSON.parse(readFileSync(stateFile, 'utf8'));
if (phase !== 'setup') random = mulberry32(state.seed + Object.values(state.answers).reduce((a, b) => a + b, 0));
const save = () => writeFileSync(stateFile, JSON.stringify(state));
if (phase === 'setup') {
  save();
  console.log(`setup: seed ${state.seed} (CRASH_SEED=${state.seed} repeats the choices), ${state.buyers.length} buyers, ${state.shops.length} shops`);
} else if (phase === 'load') {
  await load(state, Number(arg));
  save();
} else if (phase === 'recover') {
  await recover(state);
  save();
} else if (phase === 'check') {
  const broken = await check(state, arg);
  console.log('answers:\n  ' + Object.entries(state.answers).sort().map(([k, n]) => `${k} ×${n}`).join('\n  '));
  const problems = [...new Set(state.faults)].map((f) => `fault: ${f} (×${state.faults.filter((x) => x === f).length})`).concat(broken);
  if (problems.length) {
    console.error(`crash test FAILED (seed ${state.seed}):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`crash test passed: ${state.orders.length} orders, ${state.cases.length} cases, ${state.acked.payments.length} payments, every invariant holds`);
} else {
  console.error('usage: tsx scripts/crash-load.ts setup|load|recover|check <url> <state> [seconds|databaseUrl]');
  process.exit(2);
}
