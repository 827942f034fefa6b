import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { password } from '../support/api';
import type { Hints } from '../support/fuzz/arbitraries';
import { operationsOf, requestArb, type Draft, type Operation } from '../support/fuzz/requests';
import { buildWorld, type Credential, type World } from '../support/fuzz/world';
import { useTestApp } from '../support/harness';

/** Requests per run (`npm run test:fuzz` sends 50,000 with a random seed); `KAMENG_FUZZ_SEED=n` replays a run, `KAMENG_FUZZ_TRACE=1` prints every answer. */
const runs = Number(process.env.KAMENG_FUZZ_RUNS ?? 5_000);
const seed = process.env.KAMENG_FUZZ_SEED === 'random' ? Date.now() % 1_000_000 : Number(process.env.KAMENG_FUZZ_SEED ?? 20_251_201);
/** Valid clock moves stay small: a year's jump would expire the world's sessions and run a year of deadlines. */
const clockStepMinutesMax = 10;

const t = useTestApp();
let world: World;
let operations: Operation[];

beforeAll(async () => {
  world = await buildWorld(t.api);
  operations = operationsOf((await t.api.ok('GET', '/api/openapi.json')));
}, 120_000);

function hintsFor(world: World): Hints {
  const byName: Record<string, readonly unknown[]> = {
    ...world.ids, 'admin:shops': [world.ids.shops[1]!], productId: world.ids.products, shopId: world.ids.shops, orderId: world.ids.orders, itemIds: world.ids.items,
    categoryId: world.ids.categories, parentId: world.ids.categories,
    evidenceIds: world.ids.evidence, ids: world.ids.notifications, versions: [1, 2, 3], ruleId: world.ruleIds, 'values.keys': world.ruleIds,
    email: world.emails, password: [password], orderNo: [world.guest.orderNo], queryPassword: [world.guest.queryPassword],
    channel: ['sandbox', 'balance', 'alipay', 'wechat', 'unionpay', 'epay'], topupAccount: ['player_1'], role: ['buyer', 'merchant', 'staff', 'admin'],
  };
  return (name) => (Object.hasOwn(byName, name) ? byName[name]! : []);
}

/** A valid move of the sandbox clock is cut to a few minutes; invalid ones are sent as they are. */
function boundClockMoves(draft: Draft): Draft {
  if (!draft.url.startsWith('/api/sandbox/clock/advance') || typeof draft.payload !== 'string' || !draft.headers['content-type']?.startsWith('application/json')) return draft;
  let body: any;
  try { body = JSON.parse(draft.payload); } catch { return draft; }
  if (!body || typeof body !== 'object' || !('minutes' in body)) return draft;
  const raw = Array.isArray(body.minutes) && body.minutes.length === 1 ? body.minutes[0] : body.minutes;
  const minutes = Number(raw);
  if (!Number.isFinite(minutes) || minutes <= clockStepMinutesMax || minutes > 525_600) return draft;
  return { ...draft, payload: JSON.stringify({ ...body, minutes: clockStepMinutesMax }) };
}

const rotation: Credential[] = ['buyer', 'merchant', 'admin', 'staff', 'guest', 'none'];
/** Per operation: who last got a 2xx from it, else who to try next. */
const preferred = new Map<string, { credential?: Credential; tries: number }>();

function resolveCredential(operation: string, credential: Credential): Credential {
  if (credential !== 'preferred') return credential;
  const known = preferred.get(operation) ?? { tries: 0 };
  preferred.set(operation, known);
  return known.credential ?? rotation[known.tries++ % rotation.length]!;
}

let logoutToken: string | undefined;
async function credentialHeaders(draft: Draft, credential: Credential): Promise<Record<string, string>> {
  if (credential === 'none' || credential === 'preferred') return {};
  if (credential === 'bogus') return { authorization: 'Bearer not-a-session' };
  // Logging out ends the session it is sent with: never one of the world's.
  if (draft.url.startsWith('/api/auth/logout')) return { authorization: `Bearer ${(logoutToken ??= await world.disposableToken())}` };
  if (credential === 'cookie') return { cookie: `kameng_session=${world.buyerCookie.token}`, 'x-csrf-token': world.buyerCookie.csrfToken };
  return { authorization: `Bearer ${world.tokens[credential]}` };
}

const preview = (payload: Draft['payload']) => (payload === undefined ? '(none)' : Buffer.isBuffer(payload) ? `<${payload.length} bytes>` : payload.length > 300 ? `${payload.slice(0, 300)}… (${payload.length} chars)` : payload);

/** Why a response breaks the contract (shared/API.md "Errors"), or null when it keeps it. */
function contractBreach(status: number, body: any): string | null {
  if (status >= 500) return `a ${status}`;
  if (status < 400) return null;
  if (typeof body?.error?.code !== 'string' || !body.error.code || typeof body.error.message !== 'string') return `a ${status} without { error: { code, message } }`;
  return null;
}

/** Sends raw bytes over a real socket and reads the answer until the server closes the connection. */
async function rawHttp(request: string): Promise<{ status: number; body: any }> {
  const { port } = t.kameng.server.server.address() as AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined); // the server may reset the connection right after answering
  socket.write(request);
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('utf8');
  const [head = '', ...rest] = text.split('\r\n\r\n');
  let body: unknown = rest.join('\r\n\r\n');
  try { body = JSON.parse(body as string); } catch { /* not JSON */ }
  return { status: Number(head.split(' ')[1]), body };
}

const errorBody = { error: { code: expect.stringMatching(/^[A-Z][A-Z0-9_]+$/), message: expect.any(String) } };

describe('errors raised before a route runs carry the API error body, over a real socket', () => {
  beforeAll(async () => {
    await t.kameng.server.listen({ port: 0, host: '127.0.0.1' });
  });

  const get = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${headers}\r\n`;

  it.each([
    ['headers over the size limit', 431, 'HEADERS_TOO_LARGE', get('/api/health', `X-Padding: ${'a'.repeat(20_000)}\r\n`)],
    ['a URL longer than the header limit', 431, 'HEADERS_TOO_LARGE', get(`/api/orders/${'a'.repeat(20_000)}`)],
    ['a path parameter over its maximum length', 414, 'URI_TOO_LONG', get(`/api/orders/${'a'.repeat(150)}`)],
    ['a bad percent-escape in the path', 400, 'BAD_URL', get('/api/orders/%E0%A4%A')],
    ['a request line that is not HTTP', 400, 'BAD_REQUEST', 'HELLO WORLD\r\n\r\n'],
  ])('%s → %i %s', async (_name, status, code, request) => {
    const res = await rawHttp(request);
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject(errorBody);
    expect(res.body.error.code).toBe(code);
  });
});

describe('inputs the fuzzer found breaking the server, pinned', () => {
  it.each([
    ['"Infinity" as a withdrawal', () => ['POST', `/api/shops/${world.ids.shops[0]}/withdrawals`, world.tokens.merchant, { amount: 'Infinity' }]],
    ['"-Infinity" as a withdrawal', () => ['POST', `/api/shops/${world.ids.shops[0]}/withdrawals`, world.tokens.merchant, { amount: '-Infinity' }]],
    ['"1e400" as a fund top-up', () => ['POST', '/api/admin/fund/topups', world.tokens.admin, { amount: '1e400' }]],
    ['"Infinity" clock minutes', () => ['POST', '/api/sandbox/clock/advance', undefined, { minutes: 'Infinity' }]],
    ['["1e400"] clock minutes (array coercion)', () => ['POST', '/api/sandbox/clock/advance', undefined, { minutes: ['1e400'] }]],
    ['"Infinity" as a page size', () => ['GET', '/api/products?limit=Infinity', undefined, undefined]],
  ] as Array<[string, () => [string, string, string | undefined, unknown]]>)('%s → 400 VALIDATION_FAILED', async (_name, build) => {
    const [method, url, token, body] = build();
    const res = await t.api.call(method, url, { token, body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  it.each([
    ['cut off mid-file', (whole: string) => whole.slice(0, 60), 'multipart/form-data; boundary=b'],
    ['without a boundary', (whole: string) => whole, 'multipart/form-data'],
  ])('an evidence upload %s → 400 MULTIPART_MALFORMED', async (_name, cut, type) => {
    const whole = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--b--\r\n';
    const res = await t.api.call('POST', '/api/evidence', { token: world.tokens.buyer, headers: { 'content-type': type }, body: cut(whole) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MULTIPART_MALFORMED');
  });

  it('an unsigned "accept" is refused and does not close the case as if the buyer\'s deadline had passed', async () => {
    const caseId = world.ids['refund-cases'][1]!;
    const before = (await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: world.tokens.buyer })).status;
    expect(before).toBe('awaiting_buyer');
    const res = await t.api.call('POST', `/api/refund-cases/${caseId}/accept`);
    expect(res.status).toBe(401);
    expect((await t.api.ok('GET', `/api/refund-cases/${caseId}`, { token: world.tokens.buyer })).status).toBe(before);
    expect((await t.api.call('POST', '/api/refund-cases/00000000-0000-4000-8000-000000000000/accept')).status).toBe(401);
  });
});

// Last: the fuzzing changes the world (cases decided, shops suspended, rules republished).
describe('schema-driven fuzzing of every operation in /api/openapi.json', () => {
  it(`answers ${runs} generated requests with no 5xx and only well-formed 4xx errors (seed printed on failure)`, async () => {
    expect(operations.length).toBeGreaterThan(40);
    const hints = hintsFor(world);
    const perOperation = Math.ceil(runs / operations.length);
    // One sample per operation, each from its own seed, sent round-robin so the operations interleave.
    const drafts = operations.map((op, i) => fc.sample(requestArb(op, hints), { seed: seed + i, numRuns: perOperation }));
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    const succeeded = new Set<string>();
    const timeByOperation = new Map<string, number>();
    let sent = 0;
    const started = Date.now();
    for (let round = 0; round < perOperation; round++) {
      for (const [i, op] of operations.entries()) {
        const draft = boundClockMoves(drafts[i]![round]!);
        const operation = `${op.method} ${op.path}`;
        const credential = resolveCredential(operation, draft.credential);
        const headers = { ...draft.headers, ...(await credentialHeaders(draft, credential)) };
        const sentAt = performance.now();
        const res = await t.api.server.inject({ method: draft.method as 'GET', url: draft.url, headers, ...(draft.payload !== undefined ? { payload: draft.payload } : {}) });
        sent++;
        timeByOperation.set(operation, (timeByOperation.get(operation) ?? 0) + performance.now() - sentAt);
        if (draft.url.startsWith('/api/auth/logout') && res.statusCode === 200) logoutToken = undefined;
        let body: unknown;
        try { body = JSON.parse(res.body); } catch { body = res.body; }
        const family = `${Math.floor(res.statusCode / 100)}xx`;
        statuses.set(family, (statuses.get(family) ?? 0) + 1);
        if (process.env.KAMENG_FUZZ_TRACE) console.info(`TRACE ${operation} ${credential} ${draft.bodyKind} ${res.statusCode} ${res.body.slice(0, 160)}`);
        if (res.statusCode < 300) {
          succeeded.add(operation);
          preferred.set(operation, { credential, tries: 0 });
        }
        const breach = contractBreach(res.statusCode, body);
        if (breach && failures.length < 30) {
          failures.push([
            `${breach} for ${op.method} ${op.path} (seed ${seed}, operation #${i}, round ${round}):`,
            `  ${draft.method} ${draft.url.slice(0, 400)}  as ${credential}  body ${draft.bodyKind}`,
            `  headers ${JSON.stringify(draft.headers)}`,
            `  payload ${preview(draft.payload)}`,
            `  → ${res.statusCode} ${res.body.slice(0, 300)}`,
          ].join('\n'));
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const neverSucceeded = operations.map((op) => `${op.method} ${op.path}`).filter((key) => !succeeded.has(key));
    const slowest = [...timeByOperation].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([key, ms]) => `${key} ${(ms / 1000).toFixed(1)} s`);
    console.info([
      `fuzz: ${sent} requests in ${seconds} s, seed ${seed}; ${[...statuses].map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `never 2xx: ${neverSucceeded.join(', ') || 'none'}`, `slowest: ${slowest.join(', ')}`,
    ].join('\n'));
    expect(sent).toBeGreaterThanOrEqual(runs);
    expect(failures, `replay with KAMENG_FUZZ_SEED=${seed}\n${failures.join('\n\n')}`).toEqual([]);
  }, Math.max(300_000, runs * 30));
});
