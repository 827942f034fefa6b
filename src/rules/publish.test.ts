import { describe, expect, it } from 'vitest';
import { defaultRules } from './defaults';
import { ruleValueProblem } from './publish';

describe('rule values an admin may publish', () => {
  it('every number rule has bounds that hold its default', () => {
    for (const [id, rule] of Object.entries(defaultRules)) {
      if (rule.unit === 'flag') continue;
      expect(rule.min, id).toBeLessThanOrEqual(rule.value);
      expect(rule.value, id).toBeLessThanOrEqual(rule.max);
      expect(ruleValueProblem(id, rule.value), id).toBeNull();
    }
  });

  // [rule id, value, expected error code or null]
  const cases: Array<[string, unknown, string | null]> = [
    ['order.pending-expiry', 30, null],
    ['order.pending-expiry', 1, null],
    ['order.pending-expiry', 1_440, null],
    ['order.pending-expiry', 1e300, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', 1_441, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', 0, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', -5, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', 1.5, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', Infinity, 'RULE_VALUE_INVALID'],
    ['order.pending-expiry', true, 'RULE_VALUE_INVALID'],
    ['fee.platform-rate', 0, null],
    ['aftersales.one-open-case', false, null],
    ['aftersales.one-open-case', 1, 'RULE_VALUE_INVALID'],
    ['toString', 5, 'UNKNOWN_RULE'],
    ['__proto__', 5, 'UNKNOWN_RULE'],
    ['constructor', true, 'UNKNOWN_RULE'],
    ['hasOwnProperty', 1, 'UNKNOWN_RULE'],
    ['order.no-such-rule', 1, 'UNKNOWN_RULE'],
  ];
  it.each(cases)('%s = %s → %s', (id, value, code) => {
    expect(ruleValueProblem(id, value)?.code ?? null).toBe(code);
  });

  it('names the bounds when a value is out of them', () => {
    const problem = ruleValueProblem('order.pending-expiry', 1e300);
    expect(problem?.message).toContain('from 1 to 1440');
    expect(problem?.extra.details).toMatchObject({ rule: 'order.pending-expiry', min: 1, max: 1_440, unit: 'minutes' });
  });
});
