import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

/** The definition canonicalJson is written to match (its first, plain version), as the oracle below. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return reference((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((v) => reference(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

/** A small deterministic generator (no dependency) of awkward JSON-ish values. */
function randomValue(next: () => number, depth = 0): unknown {
  const strings = ['', 'a', 'B', 'aa', 'ab', '10', '9', '__proto__', 'é', 'e\u0301', '键', '😀', '\ud83d', '"', '\\', '\n\t\u0000', '<\u2028>'];
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  const kind = Math.floor(next() * (depth > 3 ? 6 : 9));
  switch (kind) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return pick([0, -0, 1, -1, 1.5, 1e21, 1e-7, 2 ** 53 + 2, Number.MAX_VALUE, NaN, Infinity]);
    case 3: return pick(strings) + pick(strings);
    case 4: return undefined;
    case 5: return new Date(Math.floor(next() * 4e12));
    case 6: case 7: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(next() * 6); i > 0; i -= 1) {
        // An own property even for "__proto__", as JSON.parse makes it.
        Object.defineProperty(object, pick(strings) + pick(strings), { value: randomValue(next, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return object;
    }
    default: {
      const list = Array.from({ length: Math.floor(next() * 5) }, () => randomValue(next, depth + 1));
      if (list.length > 2 && next() < 0.2) delete list[1]; // a hole
      return list;
    }
  }
}

describe('canonicalJson', () => {
  it.each([
    ['sorts keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts keys at every depth', { z: { y: 1, x: [{ d: 1, c: 2 }] }, a: null }, '{"a":null,"z":{"x":[{"c":2,"d":1}],"y":1}}'],
    ['drops undefined properties as JSON does', { a: undefined, b: 1 }, '{"b":1}'],
    ['writes undefined array slots as null as JSON does', [1, undefined, 2], '[1,null,2]'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['escapes strings like JSON', { '键"': '值\n' }, '{"键\\"":"值\\n"}'],
    ['handles scalars', 42, '42'],
    ['handles null', null, 'null'],
    ['handles top-level undefined as null', undefined, 'null'],
    ['handles empty containers', { a: {}, b: [] }, '{"a":{},"b":[]}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('writes exactly what the plain definition writes, for thousands of awkward values', () => {
    let seed = 20261201;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let i = 0; i < 5000; i += 1) {
      const value = randomValue(next);
      expect(canonicalJson(value)).toBe(reference(value));
    }
  });

  it('gives equal values with different key order the same text', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('parses back to a value deep-equal to the input (minus undefined)', () => {
    const value = { n: 1.5, s: 'x', t: true, f: false, nested: { list: [{ k: 'v' }], empty: null } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });

  it('serialises a Date as JSON.stringify does (its ISO string), not as an empty object', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(canonicalJson({ at })).toBe('{"at":"2026-01-02T03:04:05.678Z"}');
  });
});
