import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loginFailuresPerAccountMax, loginFailuresPerAddressMax, loginFailureWindowMinutes } from '../../src/accounts/login-throttle';
import { passwordVerificationsConcurrentMax } from '../../src/accounts/passwords';
import { password } from '../support/api';
import { useTestApp } from '../support/harness';

const t = useTestApp();

/** Each test signs in from its own address (the harness trusts X-Forwarded-For), so budgets do not leak between tests. */
let addressCounter = 0;
const freshAddress = () => `10.9.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`;

async function signIn(email: string, pass: string, address: string) {
  const res = await t.kameng.server.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': address }, payload: { email, password: pass } });
  return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
}

const unknownEmail = () => `nobody-${randomUUID().slice(0, 8)}@test.kameng`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('login throttling', () => {
  it(`locks an account after ${loginFailuresPerAccountMax} failures, even for the right password, until the window ends`, async () => {
    const { user } = await t.api.user('buyer');
    const address = freshAddress();
    for (let i = 0; i < loginFailuresPerAccountMax; i++) expect((await signIn(user.email, 'wrong-password', address)).status).toBe(401);
    const sixth = await signIn(user.email, 'wrong-password', address);
    expect(sixth.status).toBe(429);
    const right = await signIn(user.email, password, address);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('LOGIN_THROTTLED');
    expect(right.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(right.body.error.details.retryAfterSeconds).toBeLessThanOrEqual(loginFailureWindowMinutes * 60);
    expect(Number(right.retryAfter)).toBe(right.body.error.details.retryAfterSeconds);
    // Another address does not unlock it: the lock is on the account.
    expect((await signIn(user.email, password, freshAddress())).status).toBe(429);

    await t.api.advance(loginFailureWindowMinutes + 1);
    expect((await signIn(user.email, password, address)).status).toBe(200);
  });

  it('a successful sign-in starts the account count over', async () => {
    const { user } = await t.api.user('buyer');
    const address = freshAddress();
    for (let i = 0; i < loginFailuresPerAccountMax - 1; i++) expect((await signIn(user.email, 'wrong-password', address)).status).toBe(401);
    expect((await signIn(user.email, password, address)).status).toBe(200);
    for (let i = 0; i < loginFailuresPerAccountMax; i++) expect((await signIn(user.email, 'wrong-password', address)).status).toBe(401);
    expect((await signIn(user.email, 'wrong-password', address)).status).toBe(429);
  });

  it(`refuses an address after ${loginFailuresPerAddressMax} failures across many emails, before any password check`, async () => {
    const { user } = await t.api.user('buyer');
    const address = freshAddress();
    for (let i = 0; i < loginFailuresPerAddressMax; i++) expect((await signIn(unknownEmail(), 'wrong-password', address)).status).toBe(401);
    const before = t.kameng.ctx.passwords.verifications;
    const next = await signIn(user.email, password, address);
    expect(next.status).toBe(429);
    expect(next.body.error).toMatchObject({ code: 'LOGIN_THROTTLED', details: { limit: 'address' } });
    expect(t.kameng.ctx.passwords.verifications).toBe(before);
    // The same account from another address is fine.
    expect((await signIn(user.email, password, freshAddress())).status).toBe(200);
  });

  it('an unknown email runs the same argon2 verification (against the dummy hash) as a wrong password', async () => {
    const { user } = await t.api.user('buyer');
    const passwords = t.kameng.ctx.passwords;
    const before = { all: passwords.verifications, dummy: passwords.dummyVerifications };
    expect((await signIn(unknownEmail(), 'wrong-password', freshAddress())).status).toBe(401);
    expect({ all: passwords.verifications - before.all, dummy: passwords.dummyVerifications - before.dummy }).toEqual({ all: 1, dummy: 1 });
    expect((await signIn(user.email, 'wrong-password', freshAddress())).status).toBe(401);
    expect({ all: passwords.verifications - before.all, dummy: passwords.dummyVerifications - before.dummy }).toEqual({ all: 2, dummy: 1 });
  });

  it('answers an unknown email about as slowly as a known one (medians of 10, interleaved)', async () => {
    const known = await Promise.all(Array.from({ length: 5 }, () => t.api.user('buyer')));
    const timings = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 10; i++) {
      for (const kind of ['known', 'unknown'] as const) {
        const email = kind === 'known' ? known[i % known.length].user.email : unknownEmail();
        const started = performance.now();
        expect((await signIn(email, 'wrong-password', freshAddress())).status).toBe(401);
        timings[kind].push(performance.now() - started);
      }
    }
    const ratio = median(timings.known) / median(timings.unknown);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });

  it(`50 parallel wrong passwords for one account run at most ${loginFailuresPerAccountMax} + ${passwordVerificationsConcurrentMax} argon2 verifications`, async () => {
    const { user } = await t.api.user('buyer');
    const before = t.kameng.ctx.passwords.verifications;
    const results = await Promise.all(Array.from({ length: 50 }, () => signIn(user.email, 'wrong-password', freshAddress())));
    const verifications = t.kameng.ctx.passwords.verifications - before;
    expect(verifications).toBeLessThanOrEqual(loginFailuresPerAccountMax + passwordVerificationsConcurrentMax);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(loginFailuresPerAccountMax);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('when every verification slot is busy, answers 429 LOGIN_BUSY with Retry-After and does not count the attempt', async () => {
    const { user } = await t.api.user('buyer');
    const address = freshAddress();
    const real = t.kameng.ctx.passwords;
    // Stands in for a verifier whose slots and line are full, which a test cannot hold steady with real argon2 timing.
    t.kameng.ctx.passwords = { verify: async () => 'busy' } as unknown as typeof real;
    try {
      for (let i = 0; i < loginFailuresPerAccountMax + 1; i++) {
        const busy = await signIn(user.email, password, address);
        expect(busy.status).toBe(429);
        expect(busy.body.error.code).toBe('LOGIN_BUSY');
        expect(Number(busy.retryAfter)).toBeGreaterThan(0);
      }
    } finally {
      t.kameng.ctx.passwords = real;
    }
    for (let i = 0; i < loginFailuresPerAccountMax; i++) expect((await signIn(user.email, 'wrong-password', address)).status).toBe(401);
  });
});
