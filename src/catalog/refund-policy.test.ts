import { describe, expect, it } from 'vitest';
import { defaultRuleValues } from '../rules/defaults';
import { afterSalesWindowMinutes, formatDuration, refundPolicyText, type PolicyInput } from './refund-policy';

const rules = defaultRuleValues();
const product = (over: Partial<PolicyInput>): PolicyInput => ({
  type: 'card_key', afterSalesWindowMinutes: null, promisedDeliveryMinutes: null, noReasonAllowed: false, noReasonFeeBp: 0, ...over,
});

describe('formatDuration', () => {
  it.each([[5, '5 分钟'], [60, '1 小时'], [90, '90 分钟'], [1440, '1 天'], [4320, '3 天'], [2880, '2 天'], [120, '2 小时']])('%i minutes reads %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });

  it.each([[1, '1 minute'], [30, '30 minutes'], [60, '1 hour'], [90, '90 minutes'], [120, '2 hours'], [1440, '1 day'], [4320, '3 days']])('%i minutes reads %s in English', (minutes, text) => {
    expect(formatDuration(minutes, 'en')).toBe(text);
  });
});

describe('afterSalesWindowMinutes', () => {
  it.each([
    ['card key uses the card-key report rule', product({}), 60],
    ['top-up uses the other-goods rule', product({ type: 'topup' }), 1440],
    ['manual uses the other-goods rule', product({ type: 'manual' }), 1440],
    ['the product setting wins', product({ afterSalesWindowMinutes: 4320 }), 4320],
  ])('%s', (_name, input, minutes) => {
    expect(afterSalesWindowMinutes(input, rules)).toBe(minutes);
  });
});

describe('refundPolicyText', () => {
  it.each([
    ['card key: instant refund window, report window, reveal rule, auto-confirm', product({}), ['5 分钟', '秒退', '1 小时', '查看卡密即视为拆封', '不支持无理由退款', '1 天']],
    ['card key with its own 3-day window', product({ afterSalesWindowMinutes: 4320 }), ['3 天内申请售后']],
    ['card key allowing no-reason refunds with a 5% fee', product({ noReasonAllowed: true, noReasonFeeBp: 500 }), ['支持无理由退款', '5%', '查看卡密前']],
    ['top-up: failure and the 30-minute timeout refund, partial refunds the difference', product({ type: 'topup' }), ['30 分钟', '全额自动退款', '退还差额', '1 天内申请售后']],
    ['manual: promised delivery time and late-delivery refund', product({ type: 'manual', promisedDeliveryMinutes: 120 }), ['2 小时内人工发货', '超时未发货可申请全额退款', '1 天内可申请售后']],
    ['manual with a 2-day window', product({ type: 'manual', promisedDeliveryMinutes: 60, afterSalesWindowMinutes: 2880 }), ['1 小时内人工发货', '2 天内可申请售后']],
  ])('%s', (_name, input, phrases) => {
    const { full } = refundPolicyText(input, rules);
    for (const phrase of phrases) expect(full).toContain(phrase);
  });

  it('follows the rules in force, not constants', () => {
    const { full, short } = refundPolicyText(product({ type: 'topup' }), { ...rules, 'topup.upstream-timeout': 45 });
    expect(full).toContain('45 分钟');
    expect(short).toContain('充值失败/超时自动退款');
  });

  it('states in the short text when a card key product refuses no-reason refunds', () => {
    expect(refundPolicyText(product({}), rules).short).toContain('不支持无理由退款');
    expect(refundPolicyText(product({ noReasonAllowed: true, noReasonFeeBp: 250 }), rules).short).toContain('2.50%');
  });
});

/** Any Han character: an English policy must not fall back to Chinese anywhere. */
const han = /\p{Script=Han}/u;

describe('refundPolicyText in English', () => {
  it.each([
    ['card key: instant refund window, report window, reveal rule with the law, auto-confirm', product({}),
      ['within 5 minutes of delivery', 'instant refund', 'within 1 hour of delivery', 'Viewing a key counts as opening the goods', 'do not qualify for a no-reason refund', 'Article 25 of the Consumer Rights Protection Law', '1 day after delivery']],
    ['card key with its own 3-day window', product({ afterSalesWindowMinutes: 4320 }), ['after-sales within 3 days of delivery']],
    ['card key allowing no-reason refunds with a 5% fee', product({ noReasonAllowed: true, noReasonFeeBp: 500 }), ['no longer qualify', 'Before the keys are viewed: no-reason refunds accepted (a 5% fee is charged)']],
    ['top-up: failure and the 30-minute timeout refund, partial refunds the difference', product({ type: 'topup' }), ['within 30 minutes', 'refunded in full automatically', 'the difference is refunded', 'within 1 day of its arrival', 'No no-reason refunds']],
    ['manual: promised delivery time and late-delivery refund', product({ type: 'manual', promisedDeliveryMinutes: 120 }), ['deliver by hand within 2 hours of payment', 'full refund', 'within 1 day of delivery']],
    ['manual with a 2-day window', product({ type: 'manual', promisedDeliveryMinutes: 60, afterSalesWindowMinutes: 2880 }), ['within 1 hour of payment', 'within 2 days of delivery']],
  ])('%s', (_name, input, phrases) => {
    const { full, short } = refundPolicyText(input, rules, 'en');
    for (const phrase of phrases) expect(full).toContain(phrase);
    expect(full).not.toMatch(han);
    expect(short).not.toMatch(han);
  });

  it('states the same durations and fee as the Chinese text, from the rules in force', () => {
    const changed = { ...rules, 'topup.upstream-timeout': 45, 'escrow.auto-confirm': 4320 };
    const input = product({ type: 'topup', noReasonAllowed: true, noReasonFeeBp: 250 });
    const zh = refundPolicyText(input, changed, 'zh').full;
    const en = refundPolicyText(input, changed, 'en').full;
    expect(zh).toContain('45 分钟');
    expect(en).toContain('45 minutes');
    expect(zh).toContain('3 天');
    expect(en).toContain('3 days');
    expect(zh).toContain('2.50%');
    expect(en).toContain('2.50%');
  });

  it('keeps the short text in English, with the refusal of no-reason refunds stated', () => {
    expect(refundPolicyText(product({}), rules, 'en').short).toBe('Instant refund within 5 minutes if not viewed · key problems: after-sales within 1 hour · No no-reason refunds');
    expect(refundPolicyText(product({ type: 'manual', promisedDeliveryMinutes: 120 }), rules, 'en').short).toContain('Delivery promised within 2 hours');
  });

  it('is Chinese by default (the API speaks zh-CN unless asked otherwise)', () => {
    expect(refundPolicyText(product({}), rules)).toEqual(refundPolicyText(product({}), rules, 'zh'));
  });
});
