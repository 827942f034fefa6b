import { describe, expect, it } from 'vitest';
import { SessionCache, type CachedSession } from './session-cache';

const expiresAt = new Date('2030-01-01T00:00:00Z');
const user = (userId: string): CachedSession => ({ actor: { kind: 'user', userId, role: 'buyer' }, csrfToken: `csrf-${userId}`, expiresAt });
const guest = (orderId: string): CachedSession => ({ actor: { kind: 'guest', orderId }, csrfToken: `csrf-${orderId}`, expiresAt });

/** A cache on a hand-moved monotonic clock. */
function cacheAt(options: { ttlMs?: number; maxEntries?: number; serving?: boolean } = {}) {
  const clock = { ms: 1_000 };
  const cache = new SessionCache({ ttlMs: options.ttlMs ?? 5_000, maxEntries: options.maxEntries, serving: options.serving, now: () => clock.ms });
  const put = (id: string, session: CachedSession) => cache.set(id, session, cache.ticket());
  return { cache, clock, put };
}

describe('SessionCache', () => {
  it('serves an entry until its TTL from the moment the row was read, then forgets it', () => {
    const { cache, clock } = cacheAt({ ttlMs: 5_000 });
    const ticket = cache.ticket(); // the read starts …
    clock.ms += 1_000; // … and takes a second
    cache.set('a', user('u1'), ticket);
    clock.ms += 3_999;
    expect(cache.get('a')).toEqual(user('u1'));
    clock.ms += 1; // 5 s after the read began, not after it was stored
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const { cache, put } = cacheAt({ maxEntries: 3 });
    put('a', user('u1'));
    put('b', user('u2'));
    put('c', user('u3'));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used; b the least
    put('d', user('u4'));
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => cache.get(id)?.actor)).toEqual([user('u1').actor, user('u3').actor, user('u4').actor]);
  });

  it('forgets one session by id, and every session of one user', () => {
    const { cache, put } = cacheAt();
    put('a1', user('u1'));
    put('a2', user('u1'));
    put('b', user('u2'));
    put('g', guest('o1'));
    cache.forgetToken('b');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a1')).toBeDefined();
    cache.forgetUser('u1');
    expect(cache.get('a1')).toBeUndefined();
    expect(cache.get('a2')).toBeUndefined();
    expect(cache.get('g')).toEqual(guest('o1'));
    cache.flush();
    expect(cache.size).toBe(0);
  });

  it('does not keep a read that an invalidation overtook (it may predate the change)', () => {
    const { cache } = cacheAt();
    for (const invalidate of [() => cache.forgetToken('other'), () => cache.forgetUser('u9'), () => cache.flush()]) {
      const ticket = cache.ticket(); // a request starts reading session a
      invalidate(); // meanwhile a sign-out or suspension commits and is announced
      cache.set('a', user('u1'), ticket);
      expect(cache.get('a')).toBeUndefined();
    }
    cache.set('a', user('u1'), cache.ticket());
    expect(cache.get('a')).toBeDefined();
  });

  it('serves and keeps nothing while suspended, and starts empty when resumed', () => {
    const { cache, put } = cacheAt({ serving: false });
    put('a', user('u1'));
    expect(cache.get('a')).toBeUndefined();
    cache.resume();
    const before = cache.ticket();
    put('a', user('u1'));
    expect(cache.get('a')).toBeDefined();
    cache.suspend(); // the listener dropped
    expect(cache.serving).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    cache.resume();
    expect(cache.get('a')).toBeUndefined(); // flushed, not merely hidden
    cache.set('b', user('u2'), before); // a read from before the listener came back is not trusted
    expect(cache.get('b')).toBeUndefined();
  });

  it('with a TTL of 0 is off', () => {
    const { cache, put } = cacheAt({ ttlMs: 0 });
    put('a', user('u1'));
    expect(cache.serving).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    cache.resume();
    expect(cache.serving).toBe(false);
  });
});
