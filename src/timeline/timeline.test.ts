import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../shared/canonical-json';
import { eventHash, genesisHash, linkHash, verifyChain, type TimelineEvent } from './timeline';

const orderId = '11111111-1111-4111-8111-111111111111';

/** A valid chain of events built the way appendEvent builds it. */
function chain(types: string[]): TimelineEvent[] {
  const events: TimelineEvent[] = [];
  let prevHash = genesisHash;
  types.forEach((type, i) => {
    const unsigned = { seq: i + 1, type, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), actor: 'system', data: { i, note: `event ${i}` }, prevHash };
    const hash = eventHash(orderId, unsigned);
    events.push({ ...unsigned, hash });
    prevHash = hash;
  });
  return events;
}

const types = ['created', 'paid', 'delivered', 'keys_revealed', 'confirmed', 'settled'];

describe('verifyChain', () => {
  it('accepts an untouched chain', () => {
    expect(verifyChain(orderId, chain(types))).toEqual({ valid: true });
  });

  it('accepts an empty timeline', () => {
    expect(verifyChain(orderId, [])).toEqual({ valid: true });
  });

  it.each<[string, (events: TimelineEvent[]) => TimelineEvent[], number]>([
    ['changed data', (e) => { e[2] = { ...e[2], data: { ...e[2].data, i: 99 } }; return e; }, 3],
    ['changed type', (e) => { e[1] = { ...e[1], type: 'refunded' }; return e; }, 2],
    ['changed time', (e) => { e[4] = { ...e[4], at: '2030-01-01T00:00:00.000Z' }; return e; }, 5],
    ['changed actor', (e) => { e[0] = { ...e[0], actor: 'staff:someone' }; return e; }, 1],
    ['a dropped event', (e) => { e.splice(2, 1); return e; }, 4],
    ['swapped events', (e) => { [e[3], e[4]] = [e[4], e[3]]; return e; }, 5],
    ['a rewritten hash', (e) => { e[5] = { ...e[5], hash: 'f'.repeat(64) }; return e; }, 6],
    ['a re-hashed edit (the next link no longer matches)', (e) => {
      const edited = { ...e[1], data: { forged: true } };
      e[1] = { ...edited, hash: eventHash(orderId, edited) };
      return e;
    }, 3],
    ['a chain not starting at genesis', (e) => e.slice(1), 2],
    ['a gap in the seqs, though every link and hash holds', (e) => {
      const renumbered = { ...e[3], seq: 5 };
      e[3] = { ...renumbered, hash: eventHash(orderId, renumbered) };
      return e.slice(0, 4);
    }, 5],
  ])('finds %s and names the first broken link', (_name, tamper, brokenAt) => {
    expect(verifyChain(orderId, tamper(chain(types)))).toEqual({ valid: false, brokenAt });
  });

  it('binds the chain to its order: the same events do not verify for another order', () => {
    expect(verifyChain('22222222-2222-4222-8222-222222222222', chain(types))).toEqual({ valid: false, brokenAt: 1 });
  });

  it('hashes data independently of key order', () => {
    const base = { seq: 1, type: 'x', at: '2026-01-01T00:00:00.000Z', actor: 'system', prevHash: genesisHash };
    expect(eventHash(orderId, { ...base, data: { a: 1, b: 2 } })).toBe(eventHash(orderId, { ...base, data: { b: 2, a: 1 } }));
  });

  it('hashes sha256(prevHash, newline, canonical JSON of the event); linkHash writes that JSON out directly, to the byte', () => {
    const awkward = ['', 'system', 'staff:王', '"quoted"\\', 'line\nbreak\u2028', '\ud83d', '😀', '\u0000'];
    const datas: Array<Record<string, unknown>> = [{}, { b: 1, a: [2, { d: null, c: 'x' }] }, { 'é': 1.5, e: -0, big: 1e21, t: true }];
    for (const [i, text] of awkward.entries()) {
      for (const data of datas) {
        const event = { seq: i + 1, type: text, at: '2026-01-01T00:00:00.000Z', actor: awkward[(i + 3) % awkward.length], data, prevHash: i ? 'a'.repeat(64) : genesisHash };
        const body = canonicalJson({ orderId: text, seq: event.seq, type: event.type, at: event.at, actor: event.actor, data });
        const expected = createHash('sha256').update(event.prevHash).update('\n').update(body).digest('hex');
        expect(eventHash(text, event)).toBe(expected);
        expect(linkHash(text, event.seq, event.type, event.at, event.actor, canonicalJson(data), event.prevHash)).toBe(expected);
      }
    }
  });
});

