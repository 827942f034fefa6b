import { describe, expect, it } from 'vitest';
import { assertFen, feeAt, formatYuan, splitEvenly } from './money';

describe('feeAt', () => {
  it.each([
    // amount, rate (bp), fee
    [1_000, 200, 20],
    [999, 200, 19], // 19.98 floors to 19: the payer is never overcharged
    [49, 200, 0], // 0.98 floors to 0
    [50, 200, 1],
    [1, 10_000, 1],
    [12_345, 0, 0],
    [20, 1_000, 2], // the fund's 10% share of a 20 fen fee
    [19, 1_000, 1],
    [100_000_000, 200, 2_000_000],
  ])('fee on %i fen at %i bp is %i fen (floored)', (amount, rate, fee) => {
    expect(feeAt(amount, rate)).toBe(fee);
  });

  it('refuses a fractional amount of fen', () => {
    expect(() => feeAt(10.5, 200)).toThrow(/integer/);
  });
});

describe('splitEvenly', () => {
  it.each([
    [100, 3, [34, 33, 33]],
    [10, 4, [3, 3, 2, 2]],
    [9, 3, [3, 3, 3]],
    [1, 3, [1, 0, 0]],
    [0, 2, [0, 0]],
    [7, 1, [7]],
  ])('splits %i fen into %i parts as %j', (amount, parts, expected) => {
    expect(splitEvenly(amount, parts)).toEqual(expected);
  });

  it.each([[1, 7], [999, 13], [100_000_001, 9], [5, 5], [3, 10]])('parts of %i fen in %i always sum to it and differ by at most one fen', (amount, parts) => {
    const split = splitEvenly(amount, parts);
    expect(split).toHaveLength(parts);
    expect(split.reduce((a, b) => a + b, 0)).toBe(amount);
    expect(Math.max(...split) - Math.min(...split)).toBeLessThanOrEqual(1);
    for (const part of split) expect(Number.isInteger(part)).toBe(true);
  });
});

describe('formatYuan and assertFen', () => {
  it.each([[1250, '¥12.50'], [5, '¥0.05'], [0, '¥0.00'], [-1999, '-¥19.99'], [100_000, '¥1000.00']])('%i fen reads %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it.each([[0.1], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('assertFen refuses %d', (value) => {
    expect(() => assertFen(value)).toThrow();
  });
});
