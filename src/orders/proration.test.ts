import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unitAmounts, unitsRefund } from './proration';

/** An order (what was paid, how many units) and a split of its units into successive refunds. */
const orderAndRefunds = fc.record({ total: fc.integer({ min: 0, max: 100_000_000 }), quantity: fc.integer({ min: 1, max: 1000 }) })
  .chain(({ total, quantity }) => fc.array(fc.integer({ min: 1, max: quantity }), { maxLength: quantity })
    .map((sizes) => {
      const groups: number[] = [];
      let left = quantity;
      for (const size of sizes) {
        if (left === 0) break;
        const take = Math.min(size, left);
        groups.push(take);
        left -= take;
      }
      return { total, quantity, groups, rest: left };
    }));

describe('prorated unit refunds (a coupon order refunds what was actually paid)', () => {
  it('refunds of every unit, in any grouping, add up to exactly what was paid', () => {
    fc.assert(fc.property(orderAndRefunds, ({ total, quantity, groups, rest }) => {
      const all = rest > 0 ? [...groups, rest] : groups;
      let refundedUnits = 0;
      let sum = 0;
      for (const units of all) {
        sum += unitsRefund({ total, quantity, refundedUnits, units });
        refundedUnits += units;
      }
      expect(sum).toBe(total);
    }));
  });

  it('partial refunds never exceed what was paid, and each is the round-down share of its units', () => {
    fc.assert(fc.property(orderAndRefunds, ({ total, quantity, groups }) => {
      let refundedUnits = 0;
      let sum = 0;
      for (const units of groups) {
        const refund = unitsRefund({ total, quantity, refundedUnits, units });
        expect(refund).toBeGreaterThanOrEqual(0);
        // Never more than one fen per unit above the exact share: rounding only moves remainders along.
        expect(refund).toBeLessThanOrEqual(Math.ceil((total * units) / quantity));
        sum += refund;
        refundedUnits += units;
        expect(sum).toBeLessThanOrEqual(total);
        expect(sum).toBe(Math.floor((total * refundedUnits) / quantity));
      }
    }));
  });

  it('without a discount a unit refunds its price exactly', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1000 }), (price, quantity) => {
      expect(unitsRefund({ total: price * quantity, quantity, refundedUnits: quantity - 1, units: 1 })).toBe(price);
      expect(unitAmounts(price * quantity, quantity).every((a) => a === price)).toBe(true);
    }));
  });

  it('three units paid 1000 fen: 333, 333, then the remainder 334', () => {
    expect(unitAmounts(1000, 3)).toEqual([333, 333, 334]);
    expect(unitsRefund({ total: 1000, quantity: 3, refundedUnits: 0, units: 2 })).toBe(666);
  });
});
