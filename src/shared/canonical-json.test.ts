import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';

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
